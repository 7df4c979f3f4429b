"""make site: the executed course as static HTML that reads without a kernel and without a network.

Every notebook runs in a fresh kernel (nbclient, widget state kept), then nbconvert's "lab" template
turns it into HTML with these changes:

- **No remote JavaScript.** The template's require.js, MathJax, Mermaid and widget-renderer
  <script src="https://…"> blocks are left out; nothing on a page is loaded from the network.
- **Widgets as static snapshots.** Every course widget puts its own ``text/html`` snapshot beside its
  widget view (``helpers.snapshot``: its views as they are, controls drawn disabled with their label
  and value, ``Q[动作] = 2.4``). The notebooks run without storing widget state, so nbconvert skips
  the widget view and shows that snapshot; a widget output without one is reported as a problem.
- **Math as MathML.** ``$…$`` and ``$$…$$`` in Markdown are converted with latex2mathml when it is
  installed (browsers draw MathML natively, offline). Without it the TeX source stays as text.
- **Chinese renders.** ``<meta charset="utf-8">``, ``lang="zh"``, a CJK font stack, and the course's
  own OFL font (data/fonts/) copied beside the pages as a last fallback.
- Links between notebooks (``01_core_idea.ipynb``) point to the pages (``01_core_idea.html``).

An ``index.html`` shows the syllabus (helpers.syllabus) and links every page.

Run:  python scripts/build_site.py [--out site] [--timeout 600] [NN_name.ipynb ...]
Exit status 1 when a notebook shows an error (the pages are written all the same).
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import sys
import time
import uuid
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
FONT_DIR = ROOT / "data" / "fonts"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

from helpers.syllabus import SYLLABUS  # noqa: E402
from tools import notebook_runner  # noqa: E402  (the same fresh-kernel execution as the tests)

CJK_FONTS = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
             '"Microsoft YaHei", "WenQuanYi Micro Hei", "MaoChiYu Sans SC"')

CSS = """
@font-face { font-family: "MaoChiYu Sans SC"; src: url("fonts/MaoChiYuSansSC-Regular.otf") format("opentype"); }
:root {
  --jp-ui-font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, %(cjk)s, sans-serif;
  --jp-content-font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, %(cjk)s, sans-serif;
  --jp-code-font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace, %(cjk)s;
}
body { font-family: var(--jp-content-font-family); max-width: 1100px; margin: 0 auto; padding: 0 16px; }
.course-nav { display: flex; gap: 1.5em; align-items: center; padding: 10px 0; font-size: 14px;
  border-bottom: 1px solid #ddd; margin-bottom: 8px; flex-wrap: wrap; }
.course-nav.bottom { border-bottom: 0; border-top: 1px solid #ddd; margin-top: 16px; }
.course-nav .spacer { flex: 1; }
.course-banner { background: #eef5fb; border-left: 4px solid #0072B2; padding: 6px 10px; font-size: 13px; color: #333; }
math { font-size: 1.05em; }
math[display="block"] { margin: 0.6em 0; }
.widget-snapshot { border: 1px dashed #9ab; border-radius: 4px; padding: 6px 10px; margin: 4px 0; background: #fcfdff; }
.widget-snapshot .ws-note { font-size: 12px; color: #567; margin-bottom: 4px; }
.ws-box { display: flex; gap: 4px 16px; }
.ws-vbox { flex-direction: column; }
.ws-hbox { flex-direction: row; flex-wrap: wrap; align-items: flex-start; }
.ws-control { display: inline-flex; align-items: center; gap: 6px; font-size: 13px; min-height: 26px; }
.ws-control label { white-space: nowrap; }
.ws-control input[type=range] { width: 120px; }
.ws-control output { font-family: var(--jp-code-font-family); min-width: 3em; }
.ws-control select, .ws-control input[type=text], .ws-control textarea { font: inherit; }
.ws-toggle { border: 1px solid #bbb; background: #f4f4f4; padding: 2px 8px; border-radius: 3px; font: inherit; }
.ws-toggle.ws-on { background: #0072B2; color: #fff; border-color: #0072B2; }
.ws-radios { align-items: flex-start; } .ws-radio { display: block; gap: 0; }
table.syllabus { border-collapse: collapse; margin: 12px 0; font-size: 14px; }
table.syllabus th, table.syllabus td { border-bottom: 1px solid #ddd; padding: 6px 10px; text-align: left; vertical-align: top; }
table.syllabus td.num { font-family: var(--jp-code-font-family); }
table.syllabus ul { margin: 0; padding-left: 1.2em; }
""" % {"cjk": CJK_FONTS}  # noqa: UP031 - CSS is full of braces; %-formatting keeps it readable

TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block extra_css %}<style type="text/css">{{ resources.course_css }}</style>{% endblock extra_css %}
{%- block body_header -%}{{ super() }}{{ resources.course_nav_top }}{%- endblock body_header -%}
{% block body_footer %}{{ resources.course_nav_bottom }}{{ super() }}{% endblock body_footer %}
"""


# -- execution ---------------------------------------------------------------------------------------
def execute(path: Path, timeout: int = 600):
    """Run every cell in a fresh kernel (no widget state: widgets show their snapshots); return (nb, seconds)."""
    return notebook_runner.execute(path, timeout=timeout)


problems = notebook_runner.problems


# -- widgets as static snapshots --------------------------------------------------------------------
def missing_snapshots(nb) -> list[str]:
    """Widget outputs without their own text/html snapshot (helpers.snapshot), as readable lines.

    A widget output carries only a model id; nbconvert's HTML exporter skips that view when the notebook
    stores no widget state and shows the next format of the same output instead: the widget's text/html.
    """
    return [f"cell {i}: a widget without a text/html snapshot" for i, cell in enumerate(nb.cells)
            for out in cell.get("outputs", []) if WIDGET_VIEW in out.get("data", {}) and "text/html" not in out["data"]]


# -- math -------------------------------------------------------------------------------------------
_CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.S)
_MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$(?!\d)", re.S)


def mathml_converter():
    """latex2mathml's convert function, or None when the package is not installed."""
    try:
        from latex2mathml.converter import convert
    except ImportError:
        return None
    return convert


def protect_math(source: str, table: dict, convert) -> str:
    """Swap every $…$ / $$…$$ outside code for a placeholder; table maps placeholder -> MathML."""
    if convert is None:
        return source
    parts = _CODE.split(source)
    for k in range(0, len(parts), 2):  # even parts are outside code
        def swap(m):
            tex, display = (m.group(1), True) if m.group(1) is not None else (m.group(2), False)
            try:
                mathml = convert(tex.strip(), display="block" if display else "inline")
            except Exception:  # keep the TeX as text when it cannot be converted
                return m.group(0)
            key = f"MATHPLACEHOLDER{uuid.uuid4().hex}X"
            alt = html.escape(tex.strip(), quote=True)
            table[key] = mathml.replace("<math ", f'<math alttext="{alt}" ', 1)
            return key
        parts[k] = _MATH.sub(swap, parts[k])
    return "".join(parts)


def convert_math(nb, convert) -> dict:
    table: dict[str, str] = {}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = protect_math(cell.source, table, convert)
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "text/markdown" in data:
                data["text/markdown"] = protect_math(data["text/markdown"], table, convert)
    return table


# -- pages ------------------------------------------------------------------------------------------
def _exporter() -> HTMLExporter:
    exporter = HTMLExporter(template_name="lab", extra_loaders=[DictLoader({"course.html.j2": TEMPLATE})],
                            template_file="course.html.j2")
    exporter.embed_images = True
    exporter.language_code = "zh"
    return exporter


def _nav(prev, nxt, bottom=False) -> str:
    left = f'<a href="{prev.file.replace(".ipynb", ".html")}">← {html.escape(prev.number)} {html.escape(prev.title)}</a>' if prev else ""
    right = f'<a href="{nxt.file.replace(".ipynb", ".html")}">{html.escape(nxt.number)} {html.escape(nxt.title)} →</a>' if nxt else ""
    banner = "" if bottom else (
        '<div class="course-banner">这是课程执行后的静态版本：图和数字都由代码算出，控件是快照，不能拖动。'
        '想动手，请在 JupyterLab（<code>make lab</code>）或 Binder 中打开。'
        ' (Static, executed version of the course.)</div>')
    return (f'<nav class="course-nav{" bottom" if bottom else ""}">{left}<span class="spacer"></span>'
            f'<a href="index.html">目录 Contents</a><span class="spacer"></span>{right}</nav>{banner}')


_IPYNB_LINK = re.compile(r'href="(?:\./)?(\d\d_[A-Za-z0-9_]+)\.ipynb(#[^"]*)?"')


def render_page(nb, name: str, title: str, prev, nxt, exporter=None, convert=None) -> str:
    """One executed notebook as a self-contained HTML page."""
    nb = nbformat.from_dict(nb)  # a copy: the caller's notebook keeps its outputs
    table = convert_math(nb, convert)
    nb.metadata["title"] = title
    exporter = exporter or _exporter()
    resources = {"course_css": CSS, "course_nav_top": _nav(prev, nxt), "course_nav_bottom": _nav(prev, nxt, True),
                 "metadata": {"name": name}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    for key, mathml in table.items():
        body = body.replace(key, mathml)
    available = {lesson.file[:-6] for lesson in SYLLABUS if lesson.available}
    body = _IPYNB_LINK.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"' if m.group(1) in available
                           else m.group(0), body)
    return body


def render_index(pages: dict[str, str]) -> str:
    """The syllabus with a link to every page that was built."""
    rows = []
    for lesson in SYLLABUS:
        page = lesson.file.replace(".ipynb", ".html")
        title = html.escape(lesson.title)
        title = f'<a href="{page}">{title}</a>' if page in pages else f"{title}（编写中）"
        objectives = "".join(f"<li>{html.escape(o)}</li>" for o in lesson.objectives)
        rows.append(f'<tr><td class="num">{lesson.number}</td><td>{title}</td><td>{html.escape(lesson.article)}</td>'
                    f"<td>{lesson.minutes} 分钟</td><td><ul>{objectives}</ul></td></tr>")
    total = sum(lesson.minutes for lesson in SYLLABUS)
    return f"""<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>猫吃鱼：自注意力交互式课程</title>
<style type="text/css">{CSS}</style>
</head>
<body>
<main>
<h1>猫吃鱼：自注意力交互式课程</h1>
<p>从三个字 <b>猫吃鱼</b> 出发，一步步走到一个真正训练好的 Transformer 内部。每个数字都由代码算出来，每个想法都配有控件。
An interactive course on self-attention, in Simplified Chinese with the English terms beside them.</p>
<div class="course-banner">这里是执行后的静态版本，不需要内核也能阅读：图和数字都在，控件显示为快照。
想拖动控件，请在自己的电脑上运行 <code>make lab</code>，或在 Binder 上打开课程。</div>
<table class="syllabus">
<tr><th>编号</th><th>笔记本</th><th>对应文章</th><th>时间</th><th>学习目标</th></tr>
{''.join(rows)}
</table>
<p>共 {len(SYLLABUS)} 课，第一次完整学习大约需要 {total} 分钟。</p>
<p style="font-size:12px;color:#666">课程文字采用 CC BY 4.0 许可，代码采用 MIT 许可，
自带字体 MaoChiYu Sans SC（Noto Sans CJK SC 子集）采用 SIL OFL 1.1 许可（见 fonts/OFL.txt）。</p>
</main>
</body>
</html>
"""


def lesson_title(lesson, nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("# "):
            return cell.source.splitlines()[0][2:].strip()
    return f"{lesson.number} · {lesson.title}"


def build(out: Path, names: list[str] | None = None, timeout: int = 600, log=print) -> dict:
    """Execute and render the course into `out`; return {page: {"nb", "seconds", "problems", "widgets"}}."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "fonts").mkdir(exist_ok=True)
    for f in ("MaoChiYuSansSC-Regular.otf", "OFL.txt"):
        if (FONT_DIR / f).exists():
            shutil.copy2(FONT_DIR / f, out / "fonts" / f)
    lessons = [lesson for lesson in SYLLABUS if lesson.available and (names is None or lesson.file in names)]
    convert = mathml_converter()
    if convert is None:
        log("latex2mathml is not installed: math stays as TeX text")
    exporter = _exporter()
    report: dict[str, dict] = {}
    for k, lesson in enumerate(lessons):
        nb, seconds = execute(NOTEBOOK_DIR / lesson.file, timeout=timeout)
        found = problems(nb) + missing_snapshots(nb)
        page = lesson.file.replace(".ipynb", ".html")
        prev = lessons[k - 1] if k > 0 else None
        nxt = lessons[k + 1] if k + 1 < len(lessons) else None
        text = render_page(nb, lesson.file[:-6], lesson_title(lesson, nb), prev, nxt, exporter, convert)
        (out / page).write_text(text, encoding="utf-8")
        widgets = sum(WIDGET_VIEW in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
        report[page] = {"nb": nb, "seconds": seconds, "problems": found, "widgets": widgets}
        log(f"{page:<28} {seconds:5.1f} s  {widgets} widget snapshots  {len(text) / 1024:7.0f} KiB"
            + (f"  PROBLEMS: {found}" if found else ""))
    built = {p for p in report}
    for stale in out.glob("[0-9][0-9]_*.html"):
        if names is None and stale.name not in built:
            stale.unlink()
    pages = {p.name: p for p in out.glob("[0-9][0-9]_*.html")}
    (out / "index.html").write_text(render_index(pages), encoding="utf-8")
    return report


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "site"))
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument("notebooks", nargs="*", help="only these notebook files (default: all)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    report = build(Path(args.out), args.notebooks or None, args.timeout)
    bad = {page: r["problems"] for page, r in report.items() if r["problems"]}
    print(f"site: {len(report)} pages + index.html in {args.out} ({time.perf_counter() - start:.0f} s)")
    if bad:
        print("notebooks with errors:", bad, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

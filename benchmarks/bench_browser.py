"""End-to-end latency in the browser: a slider step → the updated view in the page.

JupyterLab (project venv, loopback, token) and Debian's Chromium through Playwright, as in
tests/test_browser.py. Both figures are measured inside the page: the keydown is dispatched on the
slider's handle and a MutationObserver on the output notes, with performance.now(), the first DOM
change outside the slider itself (the slider's own readout does not count).

- editor: notebook 02's Q/K/V editor (the first ``Q[…]`` slider; its views are HTML widgets);
- floor: a scratch notebook with a bare ipywidgets FloatSlider whose observer sets a bare HTML
  widget's value, no computation: what any slider → HTML round trip costs on this machine
  (browser, server and kernel share its cores);
- for the record (no budget): the same bare slider inside a copy of notebook 02, right below the
  editor, which separates the weight of the page from the editor's own cost.

Each has its own page (one browser, one server) and their steps alternate in one run, so a busy
moment of the machine hits both.
Budget: editor median ≤ 1.25 × floor median.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import browser_lab as B  # noqa: E402

RATIO_BUDGET = 1.25
STEPS = 40          # per widget, after warm-up; floor and editor steps alternate
WARMUP = 5

FLOOR_SOURCE = '''import ipywidgets as W

slider = W.FloatSlider(value=0.0, min=-3.0, max=3.0, step=0.1, readout_format=".1f",
                       description="Q[floor]", continuous_update=True)
view = W.HTML("<table><tr><td>0.0</td></tr></table>")
slider.observe(lambda change: setattr(view, "value", f"<table><tr><td>{change['new']:.1f}</td></tr></table>"), "value")
W.VBox([slider, view])'''


def _write_floor_in_02(directory: Path, name: str) -> str:
    """A copy of notebook 02 with the floor's cell right after the editor's (same page weight)."""
    nb = nbformat.read(directory / name, as_version=4)
    at = next((i for i, c in enumerate(nb.cells) if "QKVEditor(" in c.source), len(nb.cells) - 1)
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell(FLOOR_SOURCE.replace("Q[floor]", "Q[floor02]")))
    nbformat.write(nb, directory / "bench_floor_in_02.ipynb")
    return "bench_floor_in_02.ipynb"


def _write_floor_notebook(directory: Path) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(FLOOR_SOURCE)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, directory / "bench_floor.ipynb")
    return "bench_floor.ipynb"


class _Slider:
    """Key direction that keeps a slider inside its range."""

    def __init__(self, info: dict):
        self.value, self.lo, self.hi = float(info["value"]), float(info["min"]), float(info["max"])
        self.key = "ArrowLeft" if self.value >= self.hi - 1e-9 else "ArrowRight"

    def next_key(self) -> str:
        if self.key == "ArrowRight" and self.value >= self.hi - 0.05:
            self.key = "ArrowLeft"
        elif self.key == "ArrowLeft" and self.value <= self.lo + 0.05:
            self.key = "ArrowRight"
        return self.key

    def update(self, value) -> None:
        if value is not None:
            self.value = float(value)


def _prepare(context, lab: "B.Lab", name: str, mark: str, label: str = r"^Q\[.+\]$"):
    """A page with notebook `name` run, its slider marked and in view; returns (page, slider, label)."""
    page = context.new_page()
    page.set_default_timeout(60_000)
    B.open_notebook(page, lab, f"notebooks/{name}")
    B.restart_and_run_all(page)
    B.wait_for_widgets(page)
    info = B.find_editor(page, mark, label)
    if info is None:
        raise RuntimeError(f"no slider labelled {label} with an HTML table view in {name}")
    page.locator(f'[data-bench="{mark}-slider"]').scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    return page, _Slider(info), info["label"]


def _one(page, mark: str, slider: _Slider, out: dict | None) -> None:
    r = B.step(page, mark, slider.next_key())
    slider.update(r.get("value"))
    if out is not None:
        if r["first"] is None:
            out["timeouts"] += 1
        else:
            out["first"].append(r["first"])
            if r["view"] is not None:
                out["view"].append(r["view"])
    page.wait_for_timeout(120)  # let the echo and any late message settle


def measure(steps: int = STEPS, warmup: int = WARMUP) -> dict:
    """Floor and editor, each in its own page (one browser, one server), steps alternating."""
    chromium = B.chromium_path()
    if chromium is None:
        raise RuntimeError("Chromium is not installed (apt-get install chromium)")
    qkv = ROOT / "notebooks" / "02_qkv.ipynb"
    if not qkv.exists():
        raise RuntimeError("notebooks/02_qkv.ipynb does not exist yet")
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
        root = Path(tmp)
        notebooks = B.copy_notebooks(root, [qkv.name])
        plan = [(_write_floor_notebook(notebooks), "floor", r"^Q\[floor\]$"),
                (qkv.name, "qkv", r"^Q\[.+\]$"),
                (_write_floor_in_02(notebooks, qkv.name), "floor02", r"^Q\[floor02\]$")]
        with B.Lab(root) as lab, B.browser(chromium) as ctx:
            pages = {mark: _prepare(ctx, lab, name, mark, label) for name, mark, label in plan}
            results = {mark: {"first": [], "view": [], "timeouts": 0} for mark in pages}
            for k in range(warmup + steps):
                order = list(pages) if k % 2 == 0 else list(pages)[::-1]
                for mark in order:
                    page, slider, _ = pages[mark]
                    _one(page, mark, slider, results[mark] if k >= warmup else None)
            results["labels"] = {mark: label for mark, (_, _, label) in pages.items()}
            return results


def run() -> list[dict]:
    try:
        r = measure()
    except RuntimeError as exc:
        return [dict(name="browser slider latency", value=float("nan"), unit="ms", note=f"not measured: {exc}")]
    floor, editor = r["floor"], r["qkv"]
    f_med = statistics.median(floor["first"])
    e_med = statistics.median(editor["first"])
    rows = [
        dict(name="browser: bare slider → bare HTML (floor, median)", value=f_med, unit="ms",
             note=f"n={len(floor['first'])}, {_spread(floor['first'])}, {floor['timeouts']} timeouts"),
        dict(name=f"browser: 02 editor {r['labels']['qkv']} → view (median)", value=e_med, unit="ms",
             budget=RATIO_BUDGET * f_med, baseline=f_med, baseline_name="floor",
             note=f"n={len(editor['first'])}, {_spread(editor['first'])}, {editor['timeouts']} timeouts; "
                  f"budget = {RATIO_BUDGET} × floor"),
    ]
    inside = r["floor02"]["first"]
    rows.append(dict(name="browser: floor slider inside notebook 02's page (median)",
                     value=statistics.median(inside), unit="ms",
                     note=f"n={len(inside)}; the same bare slider in a copy of 02, right below the editor: "
                          f"the page's weight without the editor's work; editor / this = "
                          f"{e_med / statistics.median(inside):.2f}×"))
    if editor["view"]:
        rows.append(dict(name="browser: 02 editor → weights table changed (median)",
                         value=statistics.median(editor["view"]), unit="ms",
                         note=f"n={len(editor['view'])} steps whose rounded weights changed"))
    return rows


def _q(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def _spread(xs: list[float]) -> str:
    return f"min {min(xs):.1f} / p25 {_q(xs, 0.25):.1f} / p75 {_q(xs, 0.75):.1f} / p90 {_q(xs, 0.9):.1f} ms"


if __name__ == "__main__":
    for row in run():
        print(row)

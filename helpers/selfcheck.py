"""The self-check of notebook 00: do widgets render, does Chinese show in figures, what is installed.

Introduced in notebook 00. The kernel cannot see the page, so the widget check is built so
that the *page* tells the reader: a widget whose plain-text fallback (shown only when the
browser cannot draw widgets) says so in Chinese, and a button that answers when clicked.
"""

from __future__ import annotations

import html
import importlib.metadata as md
import platform
from pathlib import Path

import ipywidgets as W

from .fonts import FONT_FAMILY, FONT_PATH
from .snapshot import snapshot_html

PACKAGES = ("numpy", "matplotlib", "ipywidgets", "jupyterlab", "ipykernel", "jieba", "tokenizers", "safetensors")

NO_WIDGETS = (
    "⚠ 控件没有显示出来（你看到的是这段文字，而不是一个按钮）。"
    "请用 JupyterLab 4 打开课程（在课程目录里运行 make lab），或在 Binder 上打开；"
    "如果已经是 JupyterLab，请刷新页面并重新运行本单元格。"
    " (Widgets did not render: open the course in JupyterLab 4 with `make lab`.)"
)


class WidgetCheck:
    """A button that proves widgets work: clicking it changes the text beside it.

    Attributes
    ----------
    clicks : int
        How often the button was pressed (the kernel's side of the round trip).
    """

    def __init__(self):
        self.clicks = 0
        self.button = W.Button(description="点我测试控件", button_style="info", icon="check")
        self.answer = W.HTML("如果你看到了左边的按钮，控件能显示；点一下，检查它能不能和内核通信。")
        self.button.on_click(self._clicked)
        self.widget = W.HBox([self.button, self.answer])

    def _clicked(self, _button=None) -> None:
        self.clicks += 1
        self.answer.value = f"✓ 控件工作正常：内核收到了第 {self.clicks} 次点击。"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/plain"] = NO_WIDGETS  # what a page without a widget manager shows instead
        data["text/html"] = snapshot_html(self.widget, NO_WIDGETS, shown=self.answer)  # the same, as HTML
        return bundle


def font_report() -> tuple[bool, str]:
    """Check that matplotlib draws 猫吃鱼 with the bundled font; return (ok, message in Chinese)."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    from .fonts import register_font

    try:
        family = register_font()
        path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    except (FileNotFoundError, RuntimeError, ValueError) as exc:
        return False, f"✗ 图中的中文无法显示：{exc}"
    charmap = FT2Font(path).get_charmap()
    missing = [c for c in "猫吃鱼注意力权重" if ord(c) not in charmap]
    if missing:
        return False, f"✗ 字体 {path} 缺少这些字：{''.join(missing)}。请运行 python scripts/build_font.py。"
    same = FONT_PATH.resolve() == Path(path).resolve()
    where = "课程自带的" if same else "系统里的"
    shown = FONT_PATH.relative_to(FONT_PATH.parents[2]) if same else path
    return True, f"✓ 图中的中文使用{where}字体 {FONT_FAMILY}（{shown}），“猫吃鱼注意力权重”每个字都有字形。"


def versions() -> dict[str, str]:
    """Installed versions of Python and the packages the course uses."""
    out = {"Python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = "未安装 not installed"
    return out


def model_report() -> str:
    """One line: is the real model available for notebook 07?"""
    try:
        from .pretrained.weights import INSTALL_HINT, find_weights
    except ImportError:
        return "真实模型：模块不可用。"
    try:
        path = find_weights()
    except FileNotFoundError:
        return f"ℹ 真实模型 all-MiniLM-L6-v2 未安装：第 07 课会使用预先算好的注意力。想实时运行：{INSTALL_HINT}"
    return f"✓ 真实模型 all-MiniLM-L6-v2 已安装（{path}），第 07 课可以实时运行。"


def versions_html() -> str:
    """The versions as a small HTML table."""
    rows = "".join(f"<tr><td style='padding:1px 8px'>{html.escape(k)}</td><td style='padding:1px 8px;font-family:monospace'>"
                   f"{html.escape(v)}</td></tr>" for k, v in versions().items())
    return f"<table>{rows}</table>"

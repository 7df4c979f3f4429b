"""The bundled Chinese font for matplotlib figures.

Introduced in notebook 00/01 (the set-up cells), used by every figure of the course.

Many machines and Binder images have no CJK font, and matplotlib then draws empty boxes
(□) for 猫吃鱼. The course ships a small font in ``data/fonts/`` — a renamed subset of
Noto Sans CJK SC under the SIL OFL 1.1, built by ``scripts/build_font.py`` — and this
module registers it with matplotlib as a *fallback after DejaVu Sans*: Latin letters,
digits and maths come from DejaVu Sans, Chinese characters from the bundled font.

Nothing here changes global ``matplotlib.rcParams``. Notebooks never call this module: their
figures come from ``helpers.plots`` (``subplots`` makes a figure that applies the font each time
it is drawn). Plot code uses one of::

    with cjk_rc():          # rc_context({"font.family": font_family_list()})
        fig, ax = plt.subplots(); ...; fig.savefig(...)

    ax.set_title("注意力权重", fontfamily=font_family_list())   # per text

    apply_cjk_font(fig)     # what helpers.plots does for a figure that Jupyter draws later

The family list must be given as ``font.family`` (or ``fontfamily=``): matplotlib's
glyph-by-glyph fallback walks that list only. ``font.family: sans-serif`` with the list
in ``font.sans-serif`` resolves to a single font (DejaVu Sans) and draws boxes.

The rc context only holds while the block runs: a figure that Jupyter's inline backend
draws *after* the cell ends falls back to the global settings, so figures returned to a
notebook should use ``fontfamily=`` or ``apply_cjk_font``.
"""

from __future__ import annotations

import functools
from pathlib import Path

import matplotlib
from matplotlib import font_manager

__all__ = [
    "FONT_PATH",
    "FONT_FAMILY",
    "FALLBACK_FAMILY",
    "register_font",
    "font_family_list",
    "cjk_rc",
    "apply_cjk_font",
]

FONT_PATH = (
    Path(__file__).resolve().parent.parent / "data" / "fonts" / "MaoChiYuSansSC-Regular.otf"
)
"""Path to the bundled font file (a subset of Noto Sans CJK SC, renamed)."""

FONT_FAMILY = "MaoChiYu Sans SC"
"""Family name of the bundled font, as matplotlib knows it after `register_font`."""

FALLBACK_FAMILY = "DejaVu Sans"
"""matplotlib's own font; it comes first, so Latin text looks as usual."""


@functools.cache
def register_font() -> str:
    """Register the bundled Chinese font with matplotlib (once) and return its family.

    Introduced in notebook 00/01. Calls
    ``matplotlib.font_manager.fontManager.addfont`` the first time; later calls return
    the cached result. Global ``rcParams`` are not touched.

    Returns
    -------
    str
        The family name, ``FONT_FAMILY`` (``"MaoChiYu Sans SC"``).

    Raises
    ------
    FileNotFoundError
        If the font file is missing (e.g. a partial checkout); the message names the
        path and the command that rebuilds it.
    RuntimeError
        If matplotlib still cannot find the family after registering the file.

    Examples
    --------
    >>> register_font()
    'MaoChiYu Sans SC'
    """
    if not FONT_PATH.is_file():
        raise FileNotFoundError(
            f"找不到课程自带的中文字体文件：{FONT_PATH}。"
            "请确认仓库完整（data/fonts/ 目录），或运行 `python scripts/build_font.py` 重新生成"
            "（需要 Debian/Ubuntu 的 fonts-noto-cjk 软件包）。"
            f" (The bundled CJK font is missing: {FONT_PATH}. Check out data/fonts/ or "
            "rebuild it with `python scripts/build_font.py`, which needs fonts-noto-cjk.)"
        )
    font_manager.fontManager.addfont(str(FONT_PATH))
    try:
        font_manager.findfont(
            font_manager.FontProperties(family=FONT_FAMILY), fallback_to_default=False
        )
    except ValueError as exc:
        raise RuntimeError(
            f"已注册字体文件 {FONT_PATH}，但 matplotlib 仍找不到字体族 {FONT_FAMILY!r}；"
            "文件可能已损坏，请运行 `python scripts/build_font.py` 重新生成。"
            f" (Registered {FONT_PATH} but matplotlib cannot find the family "
            f"{FONT_FAMILY!r}; the file may be damaged.)"
        ) from exc
    return FONT_FAMILY


def font_family_list() -> list[str]:
    """The font family list for Chinese figures: DejaVu Sans, then the bundled font.

    Introduced in notebook 00/01. Registers the bundled font first (see
    `register_font`). Pass the list as ``fontfamily=`` to a text call, or as
    ``font.family`` inside an rc context (see `cjk_rc`); matplotlib then takes each
    character from the first family in the list that has it.

    Returns
    -------
    list of str
        ``["DejaVu Sans", "MaoChiYu Sans SC"]`` (a new list on every call).

    Examples
    --------
    >>> ax.set_xlabel("键 key", fontfamily=font_family_list())  # doctest: +SKIP
    """
    return [FALLBACK_FAMILY, register_font()]


def cjk_rc():
    """An rc context in which sans-serif text can show Chinese characters.

    Introduced in notebook 00/01. Equivalent to::

        matplotlib.rc_context({"font.family": font_family_list()})

    The list must go in ``font.family`` itself: matplotlib falls back glyph by glyph
    only along that list. ``{"font.family": "sans-serif", "font.sans-serif": [...]}``
    does *not* work — a generic family resolves to one font only (the first one found,
    DejaVu Sans), and Chinese characters become boxes.

    The previous settings come back when the ``with`` block ends, so the figure must be
    drawn (``fig.canvas.draw()``, ``fig.savefig``) inside the block; for a figure that
    Jupyter shows after the cell, use `apply_cjk_font` or ``fontfamily=``.

    Returns
    -------
    contextlib.AbstractContextManager
        The context manager returned by ``matplotlib.rc_context``.

    Examples
    --------
    >>> with cjk_rc():  # doctest: +SKIP
    ...     fig, ax = plt.subplots()
    ...     ax.set_title("猫吃鱼")
    ...     fig.savefig("out.png")
    """
    return matplotlib.rc_context({"font.family": font_family_list()})


def apply_cjk_font(artist):
    """Set the Chinese-capable family list on every text of a figure or axes.

    Introduced in notebook 00/01. Useful for a figure that is drawn later (Jupyter's
    inline backend draws after the cell ends, outside any rc context). Tick labels that
    matplotlib creates later copy the family from the existing ones. Only the font
    family of each text changes; sizes, weights and colours stay.

    Parameters
    ----------
    artist : matplotlib.figure.Figure or matplotlib.axes.Axes
        The figure (or axes) whose texts should use ``font_family_list()``.

    Returns
    -------
    artist
        The same object, for chaining.
    """
    from matplotlib.text import Text

    families = font_family_list()
    for text in artist.findobj(Text):
        text.set_fontfamily(families)
    return artist

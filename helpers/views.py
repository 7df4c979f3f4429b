"""Every HTML/SVG view of the course: fast to build (well under 1 ms for a 12 × 12 matrix).

Introduced in notebook 01. A matplotlib redraw costs 20–40 ms; these views are plain HTML
strings that the browser draws with its own fonts, so Chinese shows everywhere and a slider
stays smooth. Widgets only assemble them; static figures stay in ``helpers.plots``. The
colours are viridis (readable in grey and for colour-blind readers) and ``helpers.palette``.

Shape legend:
    n_q  number of queries (rows), n_k number of keys (columns), h number of heads
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata

import numpy as np

from . import palette

__all__ = ["dedupe_styles", "split_styles", "stylesheet", "heatmap_html", "bars_html", "vector_html", "table_html",
           "tokens_html", "message_html", "note_html", "heatmap_grid_html", "lines_layout", "lines_svg", "reach_html",
           "markdown_table"]

_CELL = "padding:3px 6px;text-align:center;font-family:monospace;font-size:13px;min-width:2.6em"
_HEAD = "padding:3px 6px;font-weight:600;white-space:nowrap"
esc = html.escape


def _scoped_style(cls: str, rules: dict[str, str]) -> str:
    """One ``<style>`` block whose every rule applies only inside an element of class `cls`.

    The heavy views (a heatmap has a few hundred values) carry their repeated styles once here instead
    of in every element: fewer bytes for the browser to parse. Each selector starts with the class
    written twice (``table.cv-reach.cv-reach>*>tr>td``): more specific than JupyterLab's and nbconvert's own table
    rules (``.jp-RenderedHTMLCommon td``, ``:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td``), as
    the inline styles were. Two views on one page write the same rules for the same class: no clash.
    """
    return "<style>" + "".join(f"{sel.replace('&', f'.{cls}.{cls}')}{{{css}}}" for sel, css in rules.items()) + "</style>"


_STYLE_BLOCK = re.compile(r"<style>.*?</style>", re.S)
_RULE = re.compile(r"[^{}]+\{[^{}]*\}")  # selector{declarations}, inside a <style> block


def dedupe_styles(html_text: str) -> str:
    """`html_text` with all its ``<style>`` blocks merged into the first one, each rule once.

    A panel built from several views (two heatmaps, three bar charts) and shown as it is (a notebook's
    ``display(HTML(...))``, `heatmap_grid_html`, the stylesheet itself) then carries one stylesheet, not
    one per view; widgets send no ``<style>`` at all (`split_styles`). Every rule is scoped by its view's
    class (`_scoped_style`) and a class means the same rule in every view, so neither the order nor the
    place of the rules changes what they style.
    """
    blocks = _STYLE_BLOCK.findall(html_text)
    if len(blocks) < 2:
        return html_text
    first = html_text.index(blocks[0])
    body, rules = split_styles(html_text[first:])
    return html_text[:first] + "<style>" + "".join(rules) + "</style>" + body


def split_styles(html_text: str) -> tuple[str, list[str]]:
    """(`html_text` without its ``<style>`` blocks, the rules of those blocks in order, each once)."""
    rules = dict.fromkeys(rule for block in _STYLE_BLOCK.findall(html_text)
                          for rule in _RULE.findall(block[len("<style>"):-len("</style>")]))
    return _STYLE_BLOCK.sub("", html_text), list(rules)


# heatmap_html: one block of text over painted colours. The values are lines of monospace text, one per query,
# each value centred in a column of whole digit widths (`_width_ch`); one background layer per row paints that
# row's colours as a hard-stop gradient with stops in ch, so the browser lays out one text block, not n² cells
# (a table cell per value took 4–5 times as long at every update as a table row per query; in lesson 07's page,
# the pair widget's two 16 × 16 heatmaps and three bar charts took 4.4 ms to parse, style and lay out with a
# table row per query and a box per bar, 2.1 ms as text blocks). The queries' labels are one block of lines
# beside the values (one small block each when some label is not ASCII, whose width a monospace line can't
# promise); the keys' labels are one line (inline blocks of the columns' widths when some label is not ASCII).
# Lines are _ROW_PX[small] high, so row i's colours and its outline sit at i × that height. Dark text on light
# colours: a <span> in the line.
_HEATMAP_CLASS = {False: "cv-hm", True: "cv-hms"}
_ROW_PX = {False: 20, True: 15}
_HEATMAP_STYLE = {small: _scoped_style(_HEATMAP_CLASS[small], {
                      "div&": f"display:inline-block;vertical-align:top;font-family:monospace;font-size:{size}px",
                      "div&>div.c": f"font-family:var(--jp-ui-font-family,sans-serif);padding:2px 0;{caption};"
                                    "width:0;min-width:100%",  # wraps within the heatmap's width, never widens it
                      "div&>div.k": "position:relative;white-space:pre;font-weight:600;padding-bottom:2px",
                      "div&>div.k>span": "display:inline-block;text-align:center",
                      "div&>div.k>i": "position:absolute;left:0;text-align:right;font-style:normal;font-weight:400;color:#666",
                      "div&>div.g": f"position:relative;white-space:pre;line-height:{row}px;color:#fff",
                      "div&>div.g>span": "color:#000",
                      "div&>div.g>div.l": "position:absolute;left:0;top:0;text-align:right;"
                                          f"color:var(--jp-content-font-color1,#000);{head}",
                      "div&>div.g>div.l>div": f"height:{row}px;white-space:nowrap",
                      "div&>div.g>div.o": f"position:absolute;left:0;right:0;height:{row}px;"
                                          f"outline:2px solid {palette.WARNING_COLOR};pointer-events:none"})
                  for small, size, row, head, caption in ((False, 13, _ROW_PX[False], "font-weight:600", "color:#444"),
                                                          (True, 11, _ROW_PX[True], "font-weight:400",
                                                           "font-weight:600;font-size:12px"))}
_CORNER = "查询 Q ↓ · 键 K →"  # above the queries' labels, beside the keys' labels


@functools.lru_cache(maxsize=4096)  # the same labels come back at every update
def _width_ch(text: str) -> int:
    """How many digit widths `text` takes in a monospace font, at most: a wide (CJK) character counts 2.

    A CJK character is 1 em wide and a digit about 0.6 em in common monospace fonts: 2 digits hold one.
    Characters of ambiguous width (·, °, Greek) count 2 as well: a fallback font may draw them 1 em wide.
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in text)


def _is_ascii(text: str) -> bool:
    """Printable ASCII only: one digit width per character in any monospace font."""
    return all(" " <= c <= "~" for c in text)


# bars_html: a row is one line, its label in a block of 6em, then the track, then the value. The row itself
# paints the track (200 px × 14 px, after the label) with its filled part (--w) in the chart's --cv-bar as a
# hard-stop gradient, in the warning colour for a negative value (class "n"): two elements a row, not five.
# Labels all printable ASCII: the whole chart is ONE element, lines of monospace text "label track value" (the
# label right-aligned by spaces), over one background layer that paints every row's track (26 digit widths,
# about 200 px, repeated every line) and one layer per row for its filled part
_BAR_PX = 20  # a bar chart's line
_BARS_STYLE = _scoped_style("cv-bars", {
    "div&": "margin:4px 0;font-size:13px",
    "div&>div.r": f"height:{_BAR_PX}px;line-height:{_BAR_PX}px;white-space:nowrap;font-variant-numeric:tabular-nums;"
                  "background:linear-gradient(90deg,var(--cv-bar) var(--w),#eee 0) calc(6em + 6px) 50%/200px 14px "
                  "no-repeat",
    "div&>div.n": f"--cv-bar:{palette.WARNING_COLOR}",  # a negative value's row
    "div&>div.r>span": "display:inline-block;vertical-align:top;width:6em;margin-right:212px;text-align:right;"
                       "overflow:hidden",
    "div&>div.g": f"line-height:{_BAR_PX}px;white-space:pre;font-family:monospace"})
_TRACK_CH = 26  # the track of a one-line bar row, in digit widths
# reach_html: a table of row headers and lines. Every line is monospace text in cells of 3 digit widths: the
# position numbers (the chosen word's in bold), each hop's grid, the fewest hops. A grid line is one cell whose
# background paints, top first, the chosen word's black box, the cell borders, and the reached cells in the
# table's --cv-on colour: one element a line instead of one a position
_REACH_W = 3  # digit widths per position
_REACH_STYLE = _scoped_style("cv-reach", {
    "table&": "border-collapse:collapse;margin:6px 0",
    "table&>*>tr": "background:none",
    "table&>*>tr>th": "padding:0 6px;text-align:right;white-space:nowrap;font-size:12px;font-weight:400",
    "table&>*>tr>td": "padding:0;font-family:monospace;font-size:11px;line-height:20px;white-space:pre;color:#666",
    "table&>*>tr>td>b": "color:#000",
    "table&>*>tr>td.g": "height:20px;border:1px solid #ddd;border-left:0;background-repeat:no-repeat",
    "table&>*>tr.n>td": "color:#333"})


@functools.cache
def stylesheet() -> str:
    """One ``<style>`` block with every rule any view here can use.

    A widget puts it on the page once (``_Widget.styles``) and sends its panels without their ``<style>``
    blocks (`split_styles`). A ``<style>`` element that arrives with every update makes the browser match
    the new rules against the whole notebook's page, not only the new cells: in lesson 07's page that was
    about half of a model heatmap's update (benchmarks/bench_browser.py measures the step).
    """
    return dedupe_styles(_HEATMAP_STYLE[False] + _HEATMAP_STYLE[True] + _BARS_STYLE + _REACH_STYLE)


@functools.cache
def _viridis() -> tuple[list[str], list[str]]:
    """256 viridis colours as hex, and a readable text colour for each."""
    from matplotlib import colormaps

    rgba = colormaps["viridis"](np.linspace(0, 1, 256))
    hexes = ["#" + "".join(f"{int(round(c * 255)):02x}" for c in row[:3]) for row in rgba]
    luminance = rgba[:, :3] @ np.array([0.299, 0.587, 0.114])
    text = ["#000" if lum > 0.5 else "#fff" for lum in luminance]
    return hexes, text


def heatmap_html(weights, row_labels, col_labels, *, highlight_row: int | None = None,
                 vmin: float = 0.0, vmax: float = 1.0, caption: str = "", fmt: str = "{:.2f}",
                 small: bool = False, swatch: str | None = None) -> str:
    """An attention matrix as coloured lines of text, its value on every cell's colour.

    Parameters
    ----------
    weights : array_like, shape (n_q, n_k)
    row_labels : sequence of str, length n_q (queries)
    col_labels : sequence of str, length n_k (keys)
    highlight_row : int, optional
        Outline this query's row.
    small : bool
        Compact cells (one decimal), for many heads side by side.
    swatch : str, optional
        A colour shown before the caption (the head's colour).
    """
    w = np.asarray(weights, dtype=float)
    cols = [str(c) for c in col_labels]
    rows = [" ".join(str(r).split()) for r in row_labels]  # as a browser shows a label: spaces collapsed
    if w.ndim != 2 or w.shape != (len(rows), len(cols)):
        raise ValueError(f"权重的形状应是（行标签数, 列标签数）= ({len(rows)}, {len(cols)})，收到 {w.shape}。 "
                         "(weights must have shape (len(row_labels), len(col_labels)).)")
    if np.isnan(w).any():
        raise ValueError("权重里有 NaN（不是数），画不出来；请先检查算出它的那一步。 (weights contain NaN.)")
    span = vmax - vmin if vmax > vmin else 1.0
    idx = np.clip(((w - vmin) / span * 255).round(), 0, 255).astype(int).tolist()  # viridis colour of each cell
    fmt = "{:.1f}" if small else fmt
    hexes, text = _viridis()
    values = [list(map(fmt.format, row)) for row in w.tolist()]
    widths = [max([_width_ch(c)] + [len(row[j]) for row in values]) + 2 for j, c in enumerate(cols)]
    edges = np.concatenate([[0], np.cumsum(widths)]).tolist()  # each column's left and right edge, in ch
    corner = "" if small else _CORNER
    label_ch = max([_width_ch(r) for r in rows] + [_width_ch(corner)]) + 1  # the labels' column, in digit widths
    row_px = _ROW_PX[small]
    margin = "2px 10px 8px 0" if small else "4px 16px 4px 0"
    parts = [_HEATMAP_STYLE[small], f'<div class="{_HEATMAP_CLASS[small]}" style="margin:{margin}">']
    if caption:
        mark = (f'<span style="display:inline-block;width:14px;height:8px;background:{swatch};margin-right:4px">'
                '</span>' if swatch else "")
        parts.append(f"<div class=c>{mark}{esc(caption)}</div>")
    parts.append(f'<div class=k style="padding-left:{label_ch}ch">')
    if corner:
        parts.append(f'<i style="width:{label_ch - 1}ch">{esc(corner)}</i>')
    if all(_is_ascii(c) for c in cols):  # exact widths: the keys' labels are one line of text too
        parts.append(esc("".join(c.center(width) for c, width in zip(cols, widths))))
    else:
        parts.extend(f'<span style="width:{width}ch">{esc(c)}</span>' for c, width in zip(cols, widths))
    column_stops = [f" {a}ch {b}ch" for a, b in zip(edges, edges[1:])]  # where each column's colour starts, ends
    layers = [f"linear-gradient(90deg,{','.join(hexes[k] + where for k, where in zip(row, column_stops))})"
              f" {label_ch}ch {i * row_px}px/{edges[-1]}ch {row_px}px no-repeat" for i, row in enumerate(idx)]
    if all(_is_ascii(r) for r in rows):
        labels = esc("\n".join(rows))
    else:
        labels = "".join(f"<div>{esc(r)}</div>" for r in rows)
    lines = "\n".join("".join([v.center(width) if text[k] == "#fff" else f"<span>{v.center(width)}</span>"
                               for v, width, k in zip(values_i, widths, idx_i)]) for values_i, idx_i in zip(values, idx))
    outline = (f'<div class=o style="top:{highlight_row * row_px}px"></div>'
               if highlight_row is not None and 0 <= highlight_row < len(rows) else "")
    parts.append(f'</div><div class=g style="padding-left:{label_ch}ch;background:{",".join(layers)}">'
                 f'<div class=l style="width:{label_ch - 1}ch">{labels}</div>{lines}{outline}</div></div>')
    return "".join(parts)


def heatmap_grid_html(weights, labels, names, colors) -> str:
    """Small heatmaps of h heads side by side, two per row; weights has shape (h, n, n)."""
    cells = [heatmap_html(w, labels, labels, caption=name, small=True, swatch=colour)
             for w, name, colour in zip(weights, names, colors)]
    grid = '<div style="display:grid;grid-template-columns:repeat(2,max-content);align-items:start">'
    return dedupe_styles(grid + "".join(cells) + "</div>")


def bars_html(values, labels, *, title: str = "", vmax: float | None = 1.0, color: str = palette.WEIGHT_COLOR,
              fmt: str = "{:.3f}") -> str:
    """Horizontal bars, one per label (e.g. one query's weights over the keys).

    Parameters
    ----------
    values : array_like, shape (n_k,)
    labels : sequence of str, length n_k
    vmax : float or None
        The value of a full bar; the largest absolute value when None.
    """
    v = np.asarray(values, dtype=float)
    top = float(np.abs(v).max()) if vmax is None else vmax
    top = top if top > 0 else 1.0
    labels = [str(label) for label in labels]
    parts = [_BARS_STYLE, f'<div class="cv-bars" style="--cv-bar:{color}">']
    if title:
        parts.append(f'<div style="color:#444;margin-bottom:2px">{esc(title)}</div>')
    fractions = [max(0.0, min(1.0, abs(x) / top)) for x in v.tolist()]
    if all(_is_ascii(label) for label in labels):
        pad = max(map(len, labels), default=0)  # the labels' column, in digit widths
        track = f"{pad + 1}ch"
        hues = [color if x >= 0 else palette.WARNING_COLOR for x in v.tolist()]  # negative bars: warning colour
        layers = [f"linear-gradient({hue},{hue}) {track} {i * _BAR_PX + 3}px/{f * _TRACK_CH:.2f}ch 14px no-repeat"
                  for i, (hue, f) in enumerate(zip(hues, fractions))]
        layers.append(f"linear-gradient(#eee 14px,#0000 0) {track} 3px/{_TRACK_CH}ch {_BAR_PX}px repeat-y")
        lines = "\n".join(f"{label.rjust(pad)}{' ' * (_TRACK_CH + 2)}{fmt.format(x)}" for label, x in zip(labels, v))
        parts.append(f'<div class=g style="background:{",".join(layers)}">{esc(lines)}</div>')
    else:
        for label, x, f in zip(labels, v, fractions):
            negative = "" if x >= 0 else " n"  # negative bars in the warning colour
            parts.append(f'<div class="r{negative}" style="--w:{f * 100:.1f}%"><span>{esc(label)}</span>'
                         f"{fmt.format(x)}</div>")
    parts.append("</div>")
    return "".join(parts)


def vector_html(vector, labels=None, *, name: str = "", fmt: str = "{:+.2f}") -> str:
    """A vector as a one-row table, e.g. ``新“猫” = [0.31, -0.20, 0.95]``."""
    v = np.asarray(vector, dtype=float).ravel()
    labels = list(labels) if labels is not None else [str(i) for i in range(len(v))]
    return table_html(v[None, :], [name] if name else [""], labels, fmt=fmt)


def table_html(values, row_labels, col_labels, *, fmt: str = "{:+.2f}", flagged_rows=(),
               flag_note: str = "") -> str:
    """A plain numeric table; rows in `flagged_rows` are marked (e.g. unknown words)."""
    a = np.asarray(values, dtype=float)
    flagged = set(flagged_rows)
    warn = palette.WARNING_COLOR
    parts = ['<table style="border-collapse:collapse;margin:4px 16px 4px 0;font-size:13px"><tr><th></th>']
    parts.extend(f'<th style="{_HEAD};border-bottom:1px solid #999">{esc(str(c))}</th>' for c in col_labels)
    parts.append("</tr>")
    for i, label in enumerate(row_labels):
        mark = f' <span style="color:{warn}" title="{esc(flag_note)}">⚠</span>' if i in flagged else ""
        parts.append(f'<tr><th style="{_HEAD};text-align:right">{esc(str(label))}{mark}</th>')
        for j in range(a.shape[1]):
            shade = "color:#999" if a[i, j] == 0 else ""
            parts.append(f'<td style="{_CELL};{shade}">{fmt.format(a[i, j])}</td>')
        parts.append("</tr>")
    parts.append("</table>")
    if flagged and flag_note:
        parts.append(f'<div style="color:{warn};font-size:12px">⚠ {esc(flag_note)}</div>')
    return "".join(parts)


def tokens_html(tokens, flagged=()) -> str:
    """Tokens as chips separated by slashes; flagged tokens (unknown words) in orange."""
    flagged = set(flagged)
    chips = []
    for i, t in enumerate(tokens):
        style = (f"background:#fde6d2;border:1px solid {palette.WARNING_COLOR}" if i in flagged
                 else f"background:#e6f0fa;border:1px solid {palette.BLUE}")
        chips.append(f'<span style="{style};border-radius:4px;padding:1px 6px;margin:0 2px">{esc(t)}</span>')
    return '<div style="font-size:15px;margin:4px 0">' + " / ".join(chips) + "</div>"


def message_html(text: str, kind: str = "warning") -> str:
    """A short notice for the reader (warning: orange, info: blue, ok: green, empty text: nothing)."""
    if not text:
        return ""
    colour = palette.MESSAGE_COLORS.get(kind, palette.GREY)
    return f'<div style="color:{colour};font-size:13px;margin:4px 0">{esc(text)}</div>'


def note_html(text: str, size: int = 13) -> str:
    """A line of grey explanatory text."""
    return f'<div style="font-size:{size}px;color:#444">{esc(text)}</div>'


def lines_layout(weights, min_weight: float = 0.02):
    """The geometry of the "lines" view, shared by `lines_svg` and ``plots.attention_lines``.

    Rows are 1 apart; head k's lines are shifted by ``offsets[k]`` so heads sit side by side.

    Parameters
    ----------
    weights : ndarray, shape (h, n_q, n_k)

    Returns
    -------
    list of (k, y_left, y_right, weight)
        One entry per line with weight ≥ min_weight; line width = 1 + 2.5·weight.
    """
    h, n_q, n_k = weights.shape
    offsets = (np.arange(h) - (h - 1) / 2) * min(0.15, 0.6 / h)  # heads side by side, at most ±0.3 apart
    return [(k, i + offsets[k], j + offsets[k], float(weights[k, i, j]))
            for k in range(h) for i in range(n_q) for j in range(n_k) if weights[k, i, j] >= min_weight]


def lines_svg(weights, labels, colors, names, *, min_weight: float = 0.02) -> str:
    """The lines view as SVG: queries left, keys right, opacity and width = weight, one colour per head.

    Parameters
    ----------
    weights : array_like, shape (h, n, n)
    labels : sequence of str, length n
    colors, names : sequences of length h
    """
    w = np.asarray(weights, dtype=float)
    h, n, _ = w.shape
    row, top, x0, x1 = 30, 34, 90, 290
    height = top + n * row + 8 + (22 * ((h + 3) // 4) if h > 1 else 0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="380" height="{height}" '
             f'style="font-family:sans-serif;font-size:15px">',
             f'<text x="{x0}" y="16" text-anchor="middle" font-size="12" fill="#666">查询 Query</text>',
             f'<text x="{x1}" y="16" text-anchor="middle" font-size="12" fill="#666">键 Key</text>']
    for k, y_i, y_j, a in lines_layout(w, min_weight):
        parts.append(f'<line x1="{x0 + 8}" y1="{top + y_i * row:.1f}" x2="{x1 - 8}" y2="{top + y_j * row:.1f}" '
                     f'stroke="{colors[k]}" stroke-opacity="{min(1.0, a):.3f}" stroke-width="{1 + 2.5 * a:.2f}" '
                     'stroke-linecap="round"/>')
    for i, lab in enumerate(labels):
        y = top + i * row + 5
        parts.append(f'<text x="{x0 - 4}" y="{y}" text-anchor="end">{esc(str(lab))}</text>')
        parts.append(f'<text x="{x1 + 4}" y="{y}" text-anchor="start">{esc(str(lab))}</text>')
    if h > 1:
        for k in range(h):
            lx, ly = 10 + (k % 4) * 92, top + n * row + 10 + (k // 4) * 22
            parts.append(f'<rect x="{lx}" y="{ly}" width="14" height="6" fill="{colors[k]}"/>'
                         f'<text x="{lx + 18}" y="{ly + 7}" font-size="12">{esc(names[k])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def reach_html(reached, needed, source: int, *, unit: str, color: str, summary: str, note: str) -> str:
    """Which positions a word reaches after 0, 1, 2 … hops, as a grid (notebook 06).

    Parameters
    ----------
    reached : array_like of bool, shape (hops + 1, n)
    needed : array_like of int, shape (n,)
        Fewest hops to each position; -1 = never.
    source : int
        The word (0-based, shown 0-based).
    unit : str
        "步" (RNN steps) or "层" (layers).
    """
    reached, needed = np.asarray(reached), np.asarray(needed)
    n, cw = reached.shape[1], _REACH_W
    x = source * cw  # the chosen word's left edge, in digit widths
    box = ",".join(f"linear-gradient(#000,#000) {pos}/{size} no-repeat" for pos, size in (
        (f"{x}ch 0", f"{cw}ch 2px"), (f"{x}ch 100%", f"{cw}ch 2px"), (f"{x}ch 0", "2px 100%"),
        (f"calc({x + cw}ch - 2px) 0", "2px 100%")))
    borders = f"repeating-linear-gradient(90deg,#ddd 0 1px,transparent 1px {cw}ch) 0 0/{n * cw}ch 100%"

    def line(cells) -> str:
        return "".join(str(c).center(cw) for c in cells)

    numbers = line(range(n))
    numbers = (esc(numbers[:x]) + f"<b>{esc(numbers[x:x + cw])}</b>" + esc(numbers[x + cw:]))
    parts = [_REACH_STYLE, '<div style="overflow-x:auto"><table class="cv-reach">',
             f"<tr><th>位置（从 0 数）→</th><td>{numbers}</td></tr>"]
    for s in range(reached.shape[0]):
        fill = ",".join(f"{'var(--cv-on)' if r else '#fff'} {j * cw}ch {(j + 1) * cw}ch" for j, r in enumerate(reached[s]))
        parts.append(f'<tr><th>{"出发 start" if s == 0 else f"{s} {unit}后"}</th><td class=g style="background:{box},'
                     f'{borders},linear-gradient(90deg,{fill}) 0 0/{n * cw}ch 100%;--cv-on:{color}">{" " * (n * cw)}'
                     "</td></tr>")
    parts.append(f'<tr class="n"><th>最少几{unit}</th><td>{esc(line("—" if v < 0 else v for v in needed))}</td></tr>')
    parts.append("</table></div>")
    return "".join(parts) + note_html(summary) + f'<div style="font-size:12px;color:#666">{esc(note)}</div>'


def markdown_table(header, rows) -> str:
    """A Markdown table: ``header`` is a sequence of column titles, ``rows`` a sequence of rows.

    Introduced in notebook 06. Cells are converted with ``str``; format numbers before.
    """
    lines = ["| " + " | ".join(map(str, header)) + " |", "|---" * len(header) + "|"]
    lines.extend("| " + " | ".join(map(str, row)) + " |" for row in rows)
    return "\n".join(lines)

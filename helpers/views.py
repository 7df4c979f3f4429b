"""Fast HTML views of attention for live widgets (well under 1 ms for a 12 × 12 matrix).

Introduced in notebook 01. A matplotlib redraw costs 20–40 ms; these views are plain HTML
strings that the browser draws with its own fonts, so Chinese shows everywhere and a slider
stays smooth. The colours are viridis (readable in grey and for colour-blind readers),
sampled once from matplotlib at first use. Static figures stay in ``helpers.plots``.

Shape legend:
    n_q  number of queries (rows), n_k number of keys (columns), d vector length
"""

from __future__ import annotations

import functools
import html

import numpy as np

__all__ = ["heatmap_html", "bars_html", "vector_html", "table_html", "tokens_html", "message_html"]

_CELL = "padding:3px 6px;text-align:center;font-family:monospace;font-size:13px;min-width:2.6em"
_HEAD = "padding:3px 6px;font-weight:600;white-space:nowrap"


@functools.cache
def _viridis() -> tuple[list[str], list[str]]:
    """256 viridis colours as hex, and a readable text colour for each."""
    from matplotlib import colormaps

    rgba = colormaps["viridis"](np.linspace(0, 1, 256))
    hexes = ["#%02x%02x%02x" % tuple(int(round(c * 255)) for c in row[:3]) for row in rgba]
    luminance = rgba[:, :3] @ np.array([0.299, 0.587, 0.114])
    text = ["#000" if lum > 0.5 else "#fff" for lum in luminance]
    return hexes, text


def _colour_index(w: np.ndarray, vmin: float, vmax: float) -> np.ndarray:
    span = vmax - vmin if vmax > vmin else 1.0
    return np.clip(((w - vmin) / span * 255).round(), 0, 255).astype(int)


def heatmap_html(weights, row_labels, col_labels, *, highlight_row: int | None = None,
                 vmin: float = 0.0, vmax: float = 1.0, caption: str = "", fmt: str = "{:.2f}") -> str:
    """An attention matrix as a coloured HTML table, value in every cell.

    Parameters
    ----------
    weights : array_like, shape (n_q, n_k)
    row_labels : sequence of str, length n_q (queries)
    col_labels : sequence of str, length n_k (keys)
    highlight_row : int, optional
        Outline this query's row.
    """
    w = np.asarray(weights, dtype=float)
    hexes, text = _viridis()
    idx = _colour_index(w, vmin, vmax)
    esc = html.escape
    parts = ['<table style="border-collapse:collapse;margin:4px 16px 4px 0">']
    if caption:
        parts.append(f'<caption style="caption-side:top;text-align:left;padding:2px 0;color:#444">{esc(caption)}</caption>')
    parts.append(f'<tr><th style="{_HEAD};color:#666;font-weight:400">查询 Q ↓ · 键 K →</th>')
    parts.extend(f'<th style="{_HEAD}">{esc(str(c))}</th>' for c in col_labels)
    parts.append("</tr>")
    for i, label in enumerate(row_labels):
        outline = ";outline:2px solid #D55E00" if i == highlight_row else ""
        parts.append(f'<tr style="{outline}"><th style="{_HEAD};text-align:right">{esc(str(label))}</th>')
        for j in range(w.shape[1]):
            k = idx[i, j]
            parts.append(f'<td style="{_CELL};background:{hexes[k]};color:{text[k]}">{fmt.format(w[i, j])}</td>')
        parts.append("</tr>")
    parts.append("</table>")
    return "".join(parts)


def bars_html(values, labels, *, title: str = "", vmax: float | None = 1.0, color: str = "#0072B2",
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
    esc = html.escape
    parts = ['<div style="margin:4px 0;font-size:13px">']
    if title:
        parts.append(f'<div style="color:#444;margin-bottom:2px">{esc(title)}</div>')
    for label, x in zip(labels, v):
        width = max(0.0, min(1.0, abs(x) / top)) * 100
        bar_colour = color if x >= 0 else "#D55E00"
        parts.append(
            '<div style="display:flex;align-items:center;gap:6px;height:20px">'
            f'<span style="width:6em;text-align:right;white-space:nowrap;overflow:hidden">{esc(str(label))}</span>'
            f'<span style="width:200px;background:#eee;height:14px;display:inline-block">'
            f'<span style="display:block;height:14px;width:{width:.1f}%;background:{bar_colour}"></span></span>'
            f'<span style="font-family:monospace">{fmt.format(x)}</span></div>'
        )
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
    esc = html.escape
    flagged = set(flagged_rows)
    parts = ['<table style="border-collapse:collapse;margin:4px 16px 4px 0;font-size:13px"><tr><th></th>']
    parts.extend(f'<th style="{_HEAD};border-bottom:1px solid #999">{esc(str(c))}</th>' for c in col_labels)
    parts.append("</tr>")
    for i, label in enumerate(row_labels):
        mark = f' <span style="color:#D55E00" title="{esc(flag_note)}">⚠</span>' if i in flagged else ""
        parts.append(f'<tr><th style="{_HEAD};text-align:right">{esc(str(label))}{mark}</th>')
        for j in range(a.shape[1]):
            x = a[i, j]
            shade = "color:#999" if x == 0 else ""
            parts.append(f'<td style="{_CELL};{shade}">{fmt.format(x)}</td>')
        parts.append("</tr>")
    parts.append("</table>")
    if flagged and flag_note:
        parts.append(f'<div style="color:#D55E00;font-size:12px">⚠ {esc(flag_note)}</div>')
    return "".join(parts)


def tokens_html(tokens, flagged=()) -> str:
    """Tokens as chips separated by slashes; flagged tokens (unknown words) in orange."""
    esc = html.escape
    flagged = set(flagged)
    chips = []
    for i, t in enumerate(tokens):
        style = "background:#fde6d2;border:1px solid #D55E00" if i in flagged else "background:#e6f0fa;border:1px solid #0072B2"
        chips.append(f'<span style="{style};border-radius:4px;padding:1px 6px;margin:0 2px">{esc(t)}</span>')
    return '<div style="font-size:15px;margin:4px 0">' + " / ".join(chips) + "</div>"


def message_html(text: str, kind: str = "warning") -> str:
    """A short notice for the reader (warning: orange, info: blue, empty text: nothing)."""
    if not text:
        return ""
    colour = {"warning": "#D55E00", "info": "#0072B2", "ok": "#009E73"}.get(kind, "#444")
    return f'<div style="color:{colour};font-size:13px;margin:4px 0">{html.escape(text)}</div>'

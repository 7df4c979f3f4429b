"""HTML/SVG views of a training run: loss and accuracy curves, attention with predicted roles.

Introduced in notebook 08. Like helpers.views, these are plain strings the browser draws: a
redraw costs well under a millisecond, so the training widget can redraw after every step.

Shape legend:
    T  number of training steps so far, n  words in a sentence
"""

from __future__ import annotations

import html

import numpy as np

from . import views

__all__ = ["curves_svg", "attention_roles_html", "side_by_side", "history_html", "noun_attention_html"]

COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")  # Okabe–Ito: readable for colour-blind readers


def curves_svg(series: dict, *, title: str = "", ymin: float = 0.0, ymax: float | None = None,
               width: int = 360, height: int = 140, fmt: str = "{:.3f}") -> str:
    """Line chart of one or more curves over the training steps, as inline SVG.

    Parameters
    ----------
    series : dict of label -> sequence of float, each of length T (values must be finite)
    ymax : float, optional
        Top of the y axis; the largest value when None.
    height : int
        Height of the plotting area plus title; the legend (one line per curve) comes below.
    """
    esc = html.escape
    values = [np.asarray(v, dtype=float) for v in series.values()]
    left, right, top, bottom = 40, 8, 20, 8 + 14 * len(values)   # one legend line per curve below the chart
    w, h = width - left - right, height - 20 - 8
    height = top + h + bottom
    T = max((len(v) for v in values), default=0)
    hi = ymax if ymax is not None else max((float(v.max()) for v in values if len(v)), default=1.0)
    hi = hi if hi > ymin else ymin + 1.0
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'style="font-family:sans-serif;font-size:11px;margin:4px 12px 4px 0">',
             f'<text x="{left}" y="13" fill="#444">{esc(title)}（第 {T} 步）</text>',
             f'<rect x="{left}" y="{top}" width="{w}" height="{h}" fill="none" stroke="#bbb"/>',
             f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" fill="#666">{hi:g}</text>',
             f'<text x="{left - 4}" y="{top + h}" text-anchor="end" fill="#666">{ymin:g}</text>']
    for k, (label, v) in enumerate(zip(series, values)):
        colour = COLOURS[k % len(COLOURS)]
        if len(v):
            xs = left + (np.arange(len(v)) / max(T - 1, 1)) * w
            ys = top + h - (np.clip(v, ymin, hi) - ymin) / (hi - ymin) * h
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.8"/>')
            label = f"{label}：{fmt.format(v[-1])}"
        parts.append(f'<text x="{left}" y="{top + h + 14 * (k + 1)}" fill="{colour}">— {esc(str(label))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def attention_roles_html(words, weights, predicted, *, caption: str = "") -> str:
    """An attention heatmap whose row labels carry each word's predicted role ("猫 → 施事").

    Parameters
    ----------
    words : sequence of str, length n
    weights : array_like, shape (n, n)
    predicted : sequence of str, length n   the predicted role of every word
    """
    rows = [f"{w} → {r}" for w, r in zip(words, predicted)]
    return views.heatmap_html(weights, rows, list(words), caption=caption)


def side_by_side(parts) -> str:
    """Several views in one row that wraps on narrow screens."""
    return '<div style="display:flex;flex-wrap:wrap">' + "".join(parts) + "</div>"


def history_html(history: dict) -> str:
    """The loss curve and the accuracy curves of a training run (``Trainer.history``), side by side."""
    return side_by_side([
        curves_svg({"训练集损失 loss": history["loss"]}, title="损失 (loss)"),
        curves_svg({"训练集": history["train_acc"], "留出集": history["heldout_acc"],
                    "留出集·名词": history["heldout_noun_acc"]}, title="准确率 (accuracy)", ymax=1.0, fmt="{:.2f}")])


def noun_attention_html(learned: dict, hand: dict, classes, *, title: str) -> str:
    """Where the nouns' attention goes (``trainer.attention_by_class``), learned beside lesson 02's hand-built.

    Parameters
    ----------
    learned, hand : dict role -> dict class -> weight, for the roles 施事 and 受事
    classes : sequence of str   the key classes, in column order
    """
    cols = ["自己", *classes]
    rows = [[table[r][c] for c in cols] for table in (learned, hand) for r in ("施事", "受事")]
    names = ["学到的 · 施事名词", "学到的 · 受事名词", "第 02 课手搭 · 施事名词", "第 02 课手搭 · 受事名词"]
    return f"<b>{html.escape(title)}</b>" + views.table_html(rows, names, cols, fmt="{:.2f}")

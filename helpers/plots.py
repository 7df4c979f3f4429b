"""Static matplotlib figures of attention weights, with Chinese labels that render anywhere.

Introduced in notebook 01 (heatmap), 02 (bars of one query), 05 (lines view) and 06 (measured vs
formula). Every function takes an optional ``ax``, returns ``(fig, ax)`` and never changes global
rcParams. Figures made with `subplots` get the bundled CJK font on every text when they are drawn,
so a notebook never calls anything for Chinese to show; the other functions set it on the
figure they draw into.

Shape legend:
    n_q  number of queries (rows), n_k number of keys (columns), h number of heads
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from . import palette
from ._checks import check_array, check_labels
from .fonts import apply_cjk_font, register_font
from .views import lines_layout

__all__ = ["attention_heatmap", "query_bars", "attention_lines", "attention_grid", "measured_vs_formula",
           "subplots", "CourseFigure", "HEAD_COLORS"]

register_font()  # once, on import of the plotting module

HEAD_COLORS = palette.HEAD_COLORS  # kept here for older imports; defined in helpers.palette


class CourseFigure(Figure):
    """A matplotlib Figure that sets the bundled CJK font on all its texts each time it is drawn."""

    def draw(self, renderer):
        apply_cjk_font(self)
        return super().draw(renderer)

    def __repr__(self):  # notebooks show "<Figure size …>" as for any figure
        return super().__repr__().replace(type(self).__name__, "Figure", 1)


def subplots(*args, **kwargs):
    """``plt.subplots`` with ``layout="constrained"`` whose figure shows Chinese (a `CourseFigure`).

    Introduced in notebook 02. Takes the same arguments as ``matplotlib.pyplot.subplots``.
    """
    kwargs.setdefault("layout", "constrained")
    return plt.subplots(*args, FigureClass=CourseFigure, **kwargs)


def _new_axes(ax, figsize):
    return subplots(figsize=figsize) if ax is None else (ax.figure, ax)


def _finish(fig):
    """The font for a figure the reader made without `subplots`."""
    if not isinstance(fig, CourseFigure):
        apply_cjk_font(fig)


def attention_heatmap(weights, row_labels, col_labels, ax=None, *, title: str | None = None, cmap: str = "viridis",
                      annotate: bool = True, vmin: float | None = 0.0, vmax: float | None = 1.0, colorbar: bool = True,
                      xlabel: str = "键 Key", ylabel: str = "查询 Query", fmt: str = "{:.2f}"):
    """Heatmap of an attention matrix with the value printed in every cell.

    Introduced in notebook 01.

    Parameters
    ----------
    weights : array_like, shape (n_q, n_k)
        Row i holds how much query i attends to each key.
    row_labels : sequence of str, length n_q
    col_labels : sequence of str, length n_k
    ax : matplotlib Axes, optional
        Draw here; a new figure is made otherwise.
    vmin, vmax : float or None
        Colour range; (0, 1) suits weights, None lets scores set their own range.

    Returns
    -------
    (fig, ax)
    """
    w = check_array(weights, "weights", (2,))
    rows = check_labels(row_labels, w.shape[0], "row_labels", "行数 n_q")
    cols = check_labels(col_labels, w.shape[1], "col_labels", "列数 n_k")
    n_q, n_k = w.shape
    fig, ax = _new_axes(ax, (1.2 + 0.62 * n_k + (1.0 if colorbar else 0), 0.9 + 0.5 * n_q))
    im = ax.imshow(w, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(range(n_k), cols, rotation=45 if max(map(len, cols), default=0) > 3 else 0,
                  ha="right" if max(map(len, cols), default=0) > 3 else "center")
    ax.set_yticks(range(n_q), rows)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if annotate and n_q * n_k <= 400:
        lo, hi = im.get_clim()
        mid = (lo + hi) / 2
        size = 10 if n_q * n_k <= 64 else (8 if n_q * n_k <= 150 else 7)
        for i in range(n_q):
            for j in range(n_k):
                ax.text(j, i, fmt.format(w[i, j]), ha="center", va="center", fontsize=size,
                        color="black" if w[i, j] > mid else "white")
    if colorbar:
        fig.colorbar(im, ax=ax, shrink=0.85, label="权重 weight" if vmax == 1.0 else None)
    _finish(fig)
    return fig, ax


def query_bars(weights_row, labels, query: str | None = None, ax=None, *, color: str = palette.WEIGHT_COLOR):
    """Bar chart of one query's weights over the keys, values written above the bars.

    Introduced in notebook 02.

    Parameters
    ----------
    weights_row : array_like, shape (n_k,)
    labels : sequence of str, length n_k
    query : str, optional
        The word that asks; used in the title.

    Returns
    -------
    (fig, ax)
    """
    w = check_array(weights_row, "weights_row", (1,))
    labels = check_labels(labels, w.shape[0], "labels", "长度 n_k")
    fig, ax = _new_axes(ax, (1.5 + 0.6 * len(w), 2.8))
    x = np.arange(len(w))
    ax.bar(x, w, color=color)
    for xi, wi in zip(x, w):
        ax.text(xi, wi + 0.02, f"{wi:.2f}", ha="center", va="bottom", fontsize=9)
    ax.set_xticks(x, labels)
    ax.set_ylim(0, max(1.0, float(w.max()) * 1.15 if len(w) else 1.0))
    ax.set_ylabel("权重 weight")
    if query is not None:
        ax.set_title(f"“{query}”的注意力权重 weights")
    ax.spines[["top", "right"]].set_visible(False)
    _finish(fig)
    return fig, ax


def attention_lines(weights, left_labels, right_labels=None, ax=None, *, head_names=None,
                    colors=None, min_weight: float = 0.02, title: str | None = None):
    """The "lines" view: queries on the left, keys on the right, line opacity = weight.

    Introduced in notebook 05. With several heads each head gets its own colour and its
    lines are drawn side by side.

    Parameters
    ----------
    weights : array_like, shape (n_q, n_k) or (h, n_q, n_k)
    left_labels : sequence of str, length n_q
    right_labels : sequence of str, length n_k, optional
        Defaults to ``left_labels`` (self-attention).
    head_names : sequence of str, length h, optional
    colors : sequence of colours, length ≥ h, optional
        Okabe–Ito colours by default.
    min_weight : float
        Lines lighter than this are not drawn.
    title : str, optional

    Returns
    -------
    (fig, ax)
    """
    w = check_array(weights, "weights", (2, 3))
    if w.ndim == 2:
        w = w[None]  # (n_q, n_k) -> (1, n_q, n_k)
    h, n_q, n_k = w.shape
    left = check_labels(left_labels, n_q, "left_labels", "行数 n_q")
    right = check_labels(left if right_labels is None else right_labels, n_k, "right_labels", "列数 n_k")
    if colors is None:
        colors = HEAD_COLORS if h <= len(HEAD_COLORS) else list(plt.get_cmap("tab20").colors)
    if len(colors) < h:
        raise ValueError(f"colors 只有 {len(colors)} 种颜色，但有 {h} 个头。")
    names = [f"头 head {i}" for i in range(h)] if head_names is None else list(head_names)
    if len(names) != h:
        raise ValueError(f"head_names 有 {len(names)} 个名字，但有 {h} 个头。")
    n = max(n_q, n_k)
    fig, ax = _new_axes(ax, (4.2, 0.9 + 0.42 * n))
    x0, x1 = 0.0, 1.0
    for k, y_i, y_j, a in lines_layout(w, min_weight):  # the same geometry as views.lines_svg
        ax.plot([x0, x1], [y_i, y_j], color=colors[k], alpha=min(1.0, a), linewidth=1.0 + 2.5 * a,
                solid_capstyle="round")
    for k in range(h):
        ax.plot([], [], color=colors[k], linewidth=3, label=names[k])
    for i, lab in enumerate(left):
        ax.text(x0 - 0.04, i, lab, ha="right", va="center", fontsize=11)
    for j, lab in enumerate(right):
        ax.text(x1 + 0.04, j, lab, ha="left", va="center", fontsize=11)
    ax.set_xlim(-0.45, 1.45)
    ax.set_ylim(n - 0.5, -1.4)
    ax.axis("off")
    ax.text(x0, -1.0, "查询 Query", ha="center", va="center", fontsize=9, color="0.35")
    ax.text(x1, -1.0, "键 Key", ha="center", va="center", fontsize=9, color="0.35")
    if title:
        ax.set_title(title, fontsize=10)
    if h > 1:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=min(h, 4), frameon=False, fontsize=8)
    _finish(fig)
    return fig, ax


def attention_grid(weights, labels, *, layer_names=None, head_names=None, ax=None, cmap: str = "viridis",
                   title: str | None = None):
    """A layers × heads grid of small heatmaps, like bertviz's model view, in one static figure.

    Introduced in notebook 07. All L × h matrices are tiled into one image (one imshow, so
    even 72 heads draw in a fraction of a second), separated by thin white gaps.

    Parameters
    ----------
    weights : array_like, shape (L, h, n, n)
    labels : sequence of str, length n
        The tokens (checked against n; the tiles are too small to print them).
    ax : matplotlib Axes, optional

    Returns
    -------
    (fig, ax)
    """
    w = check_array(weights, "weights", (4,))
    L, h, n_q, n_k = w.shape
    check_labels(labels, n_k, "labels", "最后一维 n")
    gap = max(1, n_k // 6)
    mosaic = np.full((L * (n_q + gap) - gap, h * (n_k + gap) - gap), np.nan)  # NaN = white gap
    for i in range(L):
        for j in range(h):
            r, c = i * (n_q + gap), j * (n_k + gap)
            mosaic[r:r + n_q, c:c + n_k] = w[i, j]
    fig, ax = _new_axes(ax, (1.0 * h + 1.2, 1.0 * L + 0.9))
    colours = plt.get_cmap(cmap).copy()
    colours.set_bad("white")
    ax.imshow(mosaic, cmap=colours, vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([j * (n_k + gap) + (n_k - 1) / 2 for j in range(h)], head_names or [f"头 {j}" for j in range(h)],
                  fontsize=8)
    ax.set_yticks([i * (n_q + gap) + (n_q - 1) / 2 for i in range(L)], layer_names or [f"层 {i}" for i in range(L)],
                  fontsize=8)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    if title:
        ax.set_title(title, fontsize=10, pad=16)
    _finish(fig)
    return fig, ax


def measured_vs_formula(x, measured, formula=None, *, x_fine=None, ax=None, title: str | None = None,
                        xlabel: str = "句长 n", ylabel: str | None = None, styles=None, base: int = 2,
                        legend: bool = True):
    """Measured points against the formula's lines on log–log axes, one colour per series.

    Introduced in notebook 06 (layers) and used again for notebook 03's variance.

    Parameters
    ----------
    x : sequence of numbers, length m
        Where the points were measured; also the tick labels.
    measured : dict name -> sequence of length m
    formula : dict name -> sequence, optional
        The formula's values at `x_fine` (or at `x`), drawn as thin lines under the points.
    styles : dict name -> dict, optional
        ``color``, ``marker``, ``label`` and other ``ax.plot`` keywords; by default the layer
        kinds' colours, markers and labels from `helpers.palette`.
    base : int
        Logarithm base of the x axis (2: ticks at 4, 8, 16 …).

    Returns
    -------
    (fig, ax)
    """
    fig, ax = _new_axes(ax, (5.2, 4))
    x = list(x)
    x_fine = x if x_fine is None else x_fine
    for name, values in measured.items():
        style = dict(styles[name]) if styles else {"color": palette.KIND_COLORS[name], "marker": palette.KIND_MARKERS[name],
                                                  "label": palette.KIND_LABELS[name], **palette.KIND_MARKER_STYLE[name]}
        if formula is not None and name in formula:
            ax.plot(x_fine, formula[name], color=style["color"], lw=1.2, alpha=0.6)
        marker = style.pop("marker")
        ax.plot(x, values, marker, **style)
    ax.set_xscale("log", base=base)
    ax.set_yscale("log")
    ax.set_xticks(x, [str(v) for v in x])
    ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=11)
    ax.grid(alpha=0.3, which="major")
    if legend:
        ax.legend()
    _finish(fig)
    return fig, ax

"""Static matplotlib figures of attention weights, with Chinese labels that render anywhere.

Introduced in notebook 01 (heatmap), 02 (bars of one query) and 05 (lines view).
Every function takes an optional ``ax``, returns ``(fig, ax)`` and never changes global
rcParams: the bundled CJK font is set on each text of the figure it draws.

Shape legend:
    n_q  number of queries (rows), n_k number of keys (columns), h number of heads
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .fonts import apply_cjk_font, register_font

__all__ = ["attention_heatmap", "query_bars", "attention_lines", "attention_grid", "HEAD_COLORS"]

register_font()  # once, on import of the plotting module

# Okabe–Ito: distinguishable for the common forms of colour blindness.
HEAD_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def _new_axes(ax, figsize):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    else:
        fig = ax.figure
    return fig, ax


def _as_weights(weights, ndim: tuple[int, ...], name: str = "weights") -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if w.ndim not in ndim:
        want = " 或 ".join(f"{k} 维" for k in ndim)
        raise ValueError(f"{name} 应是 {want} 数组，收到形状 {w.shape}。")
    if not np.all(np.isfinite(w)):
        raise ValueError(f"{name} 含有 NaN 或 inf（形状 {w.shape}）。")
    return w


def _check_labels(labels, size: int, name: str, axis_name: str) -> list[str]:
    labels = [str(x) for x in labels]
    if len(labels) != size:
        raise ValueError(
            f"{name} 有 {len(labels)} 个标签，但权重的{axis_name}有 {size} 个。请让两者一一对应。"
        )
    return labels


def attention_heatmap(
    weights,
    row_labels,
    col_labels,
    ax=None,
    *,
    title: str | None = None,
    cmap: str = "viridis",
    annotate: bool = True,
    vmin: float | None = 0.0,
    vmax: float | None = 1.0,
    colorbar: bool = True,
    xlabel: str = "键 Key",
    ylabel: str = "查询 Query",
    fmt: str = "{:.2f}",
):
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
    w = _as_weights(weights, (2,))
    rows = _check_labels(row_labels, w.shape[0], "row_labels", "行数 n_q")
    cols = _check_labels(col_labels, w.shape[1], "col_labels", "列数 n_k")
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
    apply_cjk_font(fig)
    return fig, ax


def query_bars(weights_row, labels, query: str | None = None, ax=None, *, color: str = "#0072B2"):
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
    w = _as_weights(weights_row, (1,), "weights_row")
    labels = _check_labels(labels, w.shape[0], "labels", "长度 n_k")
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
    apply_cjk_font(fig)
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
    w = _as_weights(weights, (2, 3))
    if w.ndim == 2:
        w = w[None]  # (n_q, n_k) -> (1, n_q, n_k)
    h, n_q, n_k = w.shape
    left = _check_labels(left_labels, n_q, "left_labels", "行数 n_q")
    right = _check_labels(left if right_labels is None else right_labels, n_k, "right_labels", "列数 n_k")
    if colors is None:
        colors = HEAD_COLORS if h <= len(HEAD_COLORS) else list(plt.get_cmap("tab20").colors)
    if len(colors) < h:
        raise ValueError(f"colors 只有 {len(colors)} 种颜色，但有 {h} 个头。")
    names = [f"头 head {i}" for i in range(h)] if head_names is None else list(head_names)
    if len(names) != h:
        raise ValueError(f"head_names 有 {len(names)} 个名字，但有 {h} 个头。")
    n = max(n_q, n_k)
    fig, ax = _new_axes(ax, (4.2, 0.9 + 0.42 * n))
    y_left = np.arange(n_q)
    y_right = np.arange(n_k)
    x0, x1 = 0.0, 1.0
    offsets = (np.arange(h) - (h - 1) / 2) * min(0.15, 0.6 / h)  # heads side by side, at most ±0.3 apart
    for k in range(h):
        for i in range(n_q):
            for j in range(n_k):
                a = float(w[k, i, j])
                if a < min_weight:
                    continue
                ax.plot([x0, x1], [y_left[i] + offsets[k], y_right[j] + offsets[k]],
                        color=colors[k], alpha=min(1.0, a), linewidth=1.0 + 2.5 * a,
                        solid_capstyle="round")
        ax.plot([], [], color=colors[k], linewidth=3, label=names[k])
    for i, lab in enumerate(left):
        ax.text(x0 - 0.04, y_left[i], lab, ha="right", va="center", fontsize=11)
    for j, lab in enumerate(right):
        ax.text(x1 + 0.04, y_right[j], lab, ha="left", va="center", fontsize=11)
    ax.set_xlim(-0.45, 1.45)
    ax.set_ylim(n - 0.5, -1.4)
    ax.axis("off")
    ax.text(x0, -1.0, "查询 Query", ha="center", va="center", fontsize=9, color="0.35")
    ax.text(x1, -1.0, "键 Key", ha="center", va="center", fontsize=9, color="0.35")
    if title:
        ax.set_title(title, fontsize=10)
    if h > 1:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=min(h, 4), frameon=False, fontsize=8)
    apply_cjk_font(fig)
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
    w = _as_weights(weights, (4,))
    L, h, n_q, n_k = w.shape
    _check_labels(labels, n_k, "labels", "最后一维 n")
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
    apply_cjk_font(fig)
    return fig, ax

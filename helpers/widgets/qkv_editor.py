"""QKVEditor (notebook 02): edit each word's Q, K and V; watch scores, weights and output."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import palette, views
from .._checks import check_int
from ..attention import attention_scores, scaled_dot_product_attention
from ._base import _Widget

__all__ = ["QKVEditor"]


class QKVEditor(_Widget):
    """Edit each word's Q, K and V component by component; watch scores, weights and output.

    Introduced in notebook 02. One slider step updates one view (the heatmap, the bars and the
    new vector together): one message to the browser.

    Parameters
    ----------
    tokens : list of str, length n (3 to 12 words is the comfortable range)
    Q, K : array_like, shape (n, d_k)
    V : array_like, shape (n, d_v)
    component_names : sequence of str, optional
        Names of the d_k (and d_v) coordinates, shown on the sliders.
    limit : float
        Sliders run from -limit to +limit.

    Attributes
    ----------
    Q, K, V : ndarray
        The current (edited) vectors; never the caller's arrays.
    scores : ndarray, shape (n, n)
        Q Kᵀ / √d_k.
    weights : ndarray, shape (n, n)
    output : ndarray, shape (n, d_v)
    selected : int
        The word whose vectors the sliders show.
    """

    def __init__(self, tokens, Q, K, V, *, component_names=None, value_names=None,
                 limit: float = 3.0, step: float = 0.1, selected: int = 0):
        self.tokens = [str(t) for t in tokens]
        self.Q = np.array(Q, dtype=float)  # copies: the caller's arrays stay as they were
        self.K = np.array(K, dtype=float)
        self.V = np.array(V, dtype=float)
        n = len(self.tokens)
        for name, a in (("Q", self.Q), ("K", self.K), ("V", self.V)):
            if a.ndim != 2 or a.shape[0] != n:
                raise ValueError(f"{name} 应有形状 (n, d) = ({n}, d)，每个词一行；收到 {a.shape}。")
        self.d_k, self.d_v = self.Q.shape[1], self.V.shape[1]
        self.component_names = list(component_names or [f"x{j + 1}" for j in range(self.d_k)])
        if value_names is not None:
            self.value_names = list(value_names)
        elif self.d_v == self.d_k:
            self.value_names = self.component_names
        else:
            self.value_names = [f"v{j + 1}" for j in range(self.d_v)]
        self.scores = self.weights = self.output = None
        self.selected = selected
        self.word = W.Dropdown(options=[(f"{i}: {t}", i) for i, t in enumerate(self.tokens)], value=selected,
                               description="编辑的词")
        self.sliders: dict[str, list[W.FloatSlider]] = {}
        rows = []
        for which, names in (("Q", self.component_names), ("K", self.component_names), ("V", self.value_names)):
            row = []
            for j, name in enumerate(names[:self.d_v if which == "V" else self.d_k]):
                s = W.FloatSlider(min=-limit, max=limit, step=step, readout_format=".1f",
                                  description=f"{which}[{name}]", continuous_update=True,
                                  style={"description_width": "initial"}, layout=W.Layout(width="250px"))
                s.observe(self._slider_callback(which, j), "value")
                row.append(s)
            self.sliders[which] = row
            rows.append(W.HBox(row))
        self.word.observe(lambda change: self._guard(self.select, change["new"]), "value")
        self.view = W.HTML()
        self.select(selected)
        self.widget = W.VBox([self.word, *rows, self.view])

    def _slider_callback(self, which: str, j: int):
        def callback(change):
            if not self.syncing:
                self._guard(self.set_component, which, self.selected, j, change["new"])
        return callback

    def select(self, i: int) -> None:
        """Show word i's vectors on the sliders and highlight its row."""
        self.selected = check_int(i, "i（词的序号 word index）", 0, len(self.tokens) - 1)
        with self._syncing():
            for which, arr in (("Q", self.Q), ("K", self.K), ("V", self.V)):
                for j, s in enumerate(self.sliders[which]):
                    s.value = float(np.clip(arr[i, j], s.min, s.max))
            self.word.value = i
        self.recompute()

    def set_component(self, which: str, i: int, j: int, value: float) -> None:
        """Set component j of word i's Q, K or V vector and recompute everything."""
        arr = {"Q": self.Q, "K": self.K, "V": self.V}.get(which)
        if arr is None:
            raise ValueError(f"which 应是 'Q'、'K' 或 'V'，收到 {which!r}。")
        value = float(value)
        if not np.isfinite(value):
            raise ValueError(f"{which}[{i}, {j}] 必须是有限数，收到 {value}。")
        arr[i, j] = value
        self.recompute()

    def recompute(self) -> None:
        """Attention of the current Q, K, V, and the view (heatmap, bars, scores, new vector)."""
        self.scores = attention_scores(self.Q, self.K)  # (n, d_k) @ (d_k, n) -> (n, n), / √d_k
        self.output, self.weights = scaled_dot_product_attention(self.Q, self.K, self.V)  # (n, d_v), (n, n)
        i, t, w = self.selected, self.tokens, self.weights
        self._show(
            '<div style="display:flex;flex-wrap:wrap">'
            + views.heatmap_html(w, t, t, highlight_row=i, caption="权重 softmax(QKᵀ/√d_k)，每行和为 1")
            + "<div>" + views.bars_html(w[i], t, title=f"“{t[i]}”关注每个词的权重")
            + views.bars_html(self.scores[i], t, vmax=None, fmt="{:+.3f}", color=palette.SCORE_COLOR,
                              title=f"缩放分数 Q(“{t[i]}”)·K / √{self.d_k}")
            + views.vector_html(self.output[i], self.value_names, name=f"新“{t[i]}” = Σ 权重·V")
            + "</div></div>"
        )

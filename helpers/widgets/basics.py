"""Widgets of notebooks 01–04: SentenceExplorer, QKVEditor, SoftmaxExplorer, MaskExplorer."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import views
from ..attention import causal_mask, scaled_dot_product_attention, softmax
from ..text import embed, load_vocabulary, tokenize
from ._base import _Widget

__all__ = ["SentenceExplorer", "QKVEditor", "SoftmaxExplorer", "MaskExplorer"]


def _self_attention_of_embeddings(X):
    """Plain attention of word vectors with themselves: Q = K = V = X."""
    return scaled_dot_product_attention(X, X, X)


class SentenceExplorer(_Widget):
    """Type a sentence, see its words, their embeddings and a first attention heatmap.

    Introduced in notebook 01. The attention here uses the embeddings themselves as
    Q, K and V (no learned matrices yet): words with similar features attend to each other.

    Attributes
    ----------
    tokens : list of str
    unknown : list of bool
        True for words outside the toy vocabulary (they get a stand-in vector).
    X : ndarray, shape (n, d)
    weights : ndarray, shape (n, n)
    """

    MAX_CHARS = 80
    MAX_TOKENS = 16

    def __init__(self, text: str = "猫吃鱼"):
        self.vocab = load_vocabulary()
        self.text = W.Text(value=text, description="句子", placeholder="输入一句中文或英文，回车",
                           continuous_update=False, layout=W.Layout(width="420px"))
        self.status = W.HTML()
        self.tokens_view = W.HTML()
        self.table_view = W.HTML()
        self.heatmap_view = W.HTML()
        self.tokens: list[str] = []
        self.unknown: list[bool] = []
        self.X = np.zeros((0, self.vocab.d))
        self.weights = np.zeros((0, 0))
        self.text.observe(lambda change: self._guard(self.update, change["new"]), "value")
        self.update(text)
        self.widget = W.VBox([self.text, self.status, self.tokens_view,
                              W.HBox([self.table_view, self.heatmap_view], layout=W.Layout(flex_flow="row wrap"))])

    def update(self, text: str) -> None:
        """Segment `text`, embed it and recompute the heatmap (raises ValueError on bad input)."""
        text = text.strip()
        if not text:
            raise ValueError("请输入一句话（输入框是空的）。")
        if len(text) > self.MAX_CHARS:
            raise ValueError(f"句子太长：{len(text)} 个字符，最多 {self.MAX_CHARS} 个。请输入一个短句。")
        tokens = tokenize(text)
        if not tokens:
            raise ValueError("没有找到可以分析的词（只有标点、空格或表情符号？）。请输入汉字或英文单词。")
        if len(tokens) > self.MAX_TOKENS:
            raise ValueError(f"词太多：{len(tokens)} 个，最多 {self.MAX_TOKENS} 个，热力图才看得清。")
        X, unknown = embed(tokens, self.vocab)  # (n, d)
        _, weights = _self_attention_of_embeddings(X)  # (n, n)
        self.tokens, self.unknown, self.X, self.weights = tokens, unknown, X, weights
        flagged = [i for i, u in enumerate(unknown) if u]
        self.tokens_view.value = views.tokens_html(tokens, flagged)
        self.table_view.value = views.table_html(
            X, tokens, self.vocab.features, flagged_rows=flagged,
            flag_note="不在玩具词表里的词：用由词本身决定的随机小向量代替（每次都一样），它的特征没有含义。")
        self.heatmap_view.value = views.heatmap_html(weights, tokens, tokens, caption="softmax(X Xᵀ / √d)：每行和为 1")
        if flagged:
            self._say(f"有 {len(flagged)} 个词不在词表里（橙色）：{'、'.join(tokens[i] for i in flagged)}。", "info")
        else:
            self._say("")


class QKVEditor(_Widget):
    """Edit each word's Q, K and V component by component; watch scores, weights and output.

    Introduced in notebook 02.

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
        self._syncing = False
        self.word = W.Dropdown(options=[(f"{i}: {t}", i) for i, t in enumerate(self.tokens)], value=selected,
                               description="编辑的词")
        self.sliders: dict[str, list[W.FloatSlider]] = {}
        rows = []
        for which, size, names in (("Q", self.d_k, self.component_names), ("K", self.d_k, self.component_names),
                                   ("V", self.d_v, self.value_names)):
            row = []
            for j in range(size):
                s = W.FloatSlider(min=-limit, max=limit, step=step, readout_format=".1f",
                                  description=f"{which}[{names[j]}]", continuous_update=True,
                                  style={"description_width": "initial"}, layout=W.Layout(width="250px"))
                s.observe(self._slider_callback(which, j), "value")
                row.append(s)
            self.sliders[which] = row
            rows.append(W.HBox(row))
        self.word.observe(lambda change: self._guard(self.select, change["new"]), "value")
        self.status = W.HTML()
        self.heatmap_view = W.HTML()
        self.bars_view = W.HTML()
        self.detail_view = W.HTML()
        self.select(selected)
        self.widget = W.VBox([self.word, *rows, self.status,
                              W.HBox([self.heatmap_view, W.VBox([self.bars_view, self.detail_view])],
                                     layout=W.Layout(flex_flow="row wrap"))])

    def _slider_callback(self, which: str, j: int):
        def callback(change):
            if not self._syncing:
                self._guard(self.set_component, which, self.selected, j, change["new"])
        return callback

    def select(self, i: int) -> None:
        """Show word i's vectors on the sliders and highlight its row."""
        if not 0 <= i < len(self.tokens):
            raise ValueError(f"词的序号应在 0 到 {len(self.tokens) - 1} 之间，收到 {i}。")
        self.selected = i
        self._syncing = True
        try:
            for which, arr in (("Q", self.Q), ("K", self.K), ("V", self.V)):
                for j, s in enumerate(self.sliders[which]):
                    s.value = float(np.clip(arr[i, j], s.min, s.max))
        finally:
            self._syncing = False
        if self.word.value != i:
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
        """Attention of the current Q, K, V, and the three views."""
        out, w = scaled_dot_product_attention(self.Q, self.K, self.V)  # (n, d_v), (n, n)
        self.scores = (self.Q @ self.K.T) / np.sqrt(self.d_k)  # (n, d_k) @ (d_k, n) -> (n, n)
        self.weights, self.output = w, out
        i, t = self.selected, self.tokens
        self.heatmap_view.value = views.heatmap_html(w, t, t, highlight_row=i,
                                                     caption="权重 softmax(QKᵀ/√d_k)，每行和为 1")
        self.bars_view.value = views.bars_html(w[i], t, title=f"“{t[i]}”关注每个词的权重")
        self.detail_view.value = (
            views.bars_html(self.scores[i], t, vmax=None, fmt="{:+.3f}", color="#009E73",
                            title=f"分数 Q(“{t[i]}”)·K / √{self.d_k}")
            + views.vector_html(out[i], self.value_names, name=f"新“{t[i]}” = Σ 权重·V")
        )
        self._say("")


class SoftmaxExplorer(_Widget):
    """The same scores under different d_k scaling and temperature.

    Introduced in notebook 03. weights = softmax(scores / √d_k / T).

    Parameters
    ----------
    scores : array_like, shape (n_k,)
        Raw dot products Q·K.
    labels : sequence of str, length n_k
    """

    D_K_CHOICES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)

    def __init__(self, scores, labels, *, d_k: int = 1, temperature: float = 1.0):
        self.scores = np.array(scores, dtype=float)
        self.labels = [str(x) for x in labels]
        if self.scores.ndim != 1 or len(self.labels) != len(self.scores):
            raise ValueError(f"scores 应是一维数组，与 labels 一样长；收到形状 {self.scores.shape} 和 {len(self.labels)} 个标签。")
        self.d_k = W.SelectionSlider(options=self.D_K_CHOICES, value=d_k, description="d_k")
        self.temperature = W.FloatLogSlider(value=temperature, base=10, min=-1, max=1, step=0.05,
                                            description="温度 T", readout_format=".2f")
        self.status = W.HTML()
        self.view = W.HTML()
        self.weights = None
        for c in (self.d_k, self.temperature):
            c.observe(lambda change: self._guard(self.recompute), "value")
        self.recompute()
        self.widget = W.VBox([W.HBox([self.d_k, self.temperature]), self.status, self.view])

    def recompute(self) -> None:
        """weights = softmax(scores / √d_k / T)."""
        d_k, t = self.d_k.value, self.temperature.value
        self.weights = softmax(self.scores / np.sqrt(d_k), temperature=t)
        scaled = self.scores / np.sqrt(d_k) / t
        self.view.value = (
            views.bars_html(scaled, self.labels, vmax=None, fmt="{:+.3f}", color="#009E73",
                            title=f"送进 softmax 的数：分数 / √{d_k} / {t:.2f}")
            + views.bars_html(self.weights, self.labels, fmt="{:.4f}", title="softmax 之后的权重（和为 1）")
        )
        self._say("")


class MaskExplorer(_Widget):
    """Attention with no mask, a causal mask or a padding mask.

    Introduced in notebook 04.

    Parameters
    ----------
    tokens : list of str, length n
    Q, K : array_like, shape (n, d_k)
    V : array_like, shape (n, d_v)
    """

    def __init__(self, tokens, Q, K, V):
        self.tokens = [str(t) for t in tokens]
        self.Q, self.K, self.V = (np.array(a, dtype=float) for a in (Q, K, V))
        n = len(self.tokens)
        self.kind = W.ToggleButtons(options=[("不遮挡 none", "none"), ("因果 causal", "causal"), ("填充 padding", "padding")],
                                    value="none", description="遮挡")
        self.real_length = W.IntSlider(value=n, min=1, max=n, description="真实长度")
        self.status = W.HTML()
        self.view = W.HTML()
        self.mask = self.weights = self.output = None
        for c in (self.kind, self.real_length):
            c.observe(lambda change: self._guard(self.recompute), "value")
        self.recompute()
        self.widget = W.VBox([self.kind, self.real_length, self.status, self.view])

    def recompute(self) -> None:
        """Build the chosen mask and recompute the weights."""
        n = len(self.tokens)
        if self.kind.value == "causal":
            mask = causal_mask(n)
        elif self.kind.value == "padding":
            mask = np.broadcast_to(np.arange(n) < self.real_length.value, (n, n))  # keys beyond the length are padding
        else:
            mask = np.ones((n, n), dtype=bool)
        self.mask = mask
        self.output, self.weights = scaled_dot_product_attention(self.Q, self.K, self.V, mask=mask)
        self.view.value = views.heatmap_html(self.weights, self.tokens, self.tokens,
                                             caption="被遮挡的位置权重恰好为 0")
        self._say("")

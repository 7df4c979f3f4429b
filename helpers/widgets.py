"""Live widgets of the course: thin ipywidgets wrappers over pure functions and HTML views.

Introduced in notebook 01 (SentenceExplorer), 02 (QKVEditor), 03 (SoftmaxExplorer) and
04 (MaskExplorer). Each class keeps its state in plain attributes (``tokens``, ``Q``,
``weights`` …) so tests set ``.value`` on a control and assert on that state without a
browser. Views are HTML strings (``helpers.views``): an update takes well under 5 ms.

Bad input never raises out of a widget: the widget shows a message in Chinese and keeps
its last good view.

Shape legend:
    n  number of tokens, d  vector length (3 in the Q/K/V editor, as in the article)
"""

from __future__ import annotations

import numpy as np
import ipywidgets as W

from . import views
from .attention import causal_mask, scaled_dot_product_attention, softmax
from .text import embed, load_vocabulary, tokenize

__all__ = ["SentenceExplorer", "QKVEditor", "SoftmaxExplorer", "MaskExplorer"]

_ROW = W.Layout(width="auto")


class _Widget:
    """Common display and error handling: subclasses build ``self.widget`` and ``self.status``."""

    widget: W.Widget
    status: W.HTML
    message: str = ""

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def _say(self, text: str, kind: str = "warning") -> None:
        self.message = text
        self.status.value = views.message_html(text, kind)

    def _guard(self, fn, *args) -> bool:
        """Run an update; on error show the message and keep the last good view."""
        try:
            fn(*args)
        except ValueError as exc:
            self._say(f"{exc}（保留上一次的结果）")
            return False
        except Exception as exc:  # a widget must never raise into the notebook
            self._say(f"出错了：{type(exc).__name__}: {exc}（保留上一次的结果）")
            return False
        return True


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


# ============================================================== notebooks 05 and 06
# MultiHeadExplorer (notebook 05) and ReachExplorer (notebook 06). Appended section; the
# classes above are untouched. Views are HTML/SVG strings, like the rest of this module.

import html as _html

from . import compare as _compare
from .multihead import multi_head_attention as _multi_head_attention

__all__ += ["MultiHeadExplorer", "ReachExplorer"]


def _head_colors() -> list[str]:
    """The Okabe–Ito head colours of helpers.plots (imported lazily: it loads matplotlib)."""
    from .plots import HEAD_COLORS

    return list(HEAD_COLORS)


def _lines_svg(weights, labels, colors, names, *, min_weight: float = 0.02) -> str:
    """The lines view as SVG: queries left, keys right, opacity and width = weight, one colour per head.

    weights has shape (h, n, n); names has length h.
    """
    w = np.asarray(weights, dtype=float)
    h, n, _ = w.shape
    esc = _html.escape
    row, top, x0, x1 = 30, 34, 90, 290
    height = top + n * row + 8 + (22 * ((h + 3) // 4) if h > 1 else 0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="380" height="{height}" '
             f'style="font-family:sans-serif;font-size:15px">',
             f'<text x="{x0}" y="16" text-anchor="middle" font-size="12" fill="#666">查询 Query</text>',
             f'<text x="{x1}" y="16" text-anchor="middle" font-size="12" fill="#666">键 Key</text>']
    offsets = (np.arange(h) - (h - 1) / 2) * (18 / max(h, 1))  # heads side by side within a row
    for k in range(h):
        for i in range(n):
            for j in range(n):
                a = float(w[k, i, j])
                if a < min_weight:
                    continue
                y_i, y_j = top + i * row + offsets[k], top + j * row + offsets[k]
                parts.append(f'<line x1="{x0 + 8}" y1="{y_i:.1f}" x2="{x1 - 8}" y2="{y_j:.1f}" stroke="{colors[k]}" '
                             f'stroke-opacity="{min(1.0, a):.3f}" stroke-width="{1 + 3.5 * a:.2f}" stroke-linecap="round"/>')
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


def _mini_heatmap_html(weights, labels, title: str, color: str) -> str:
    """A compact heatmap (one decimal per cell) for showing many heads side by side."""
    w = np.asarray(weights, dtype=float)
    hexes, text = views._viridis()
    idx = views._colour_index(w, 0.0, 1.0)
    esc = _html.escape
    cell = "padding:1px 3px;text-align:center;font-family:monospace;font-size:11px;min-width:2.1em"
    head = "padding:1px 4px;font-weight:400;font-size:12px;white-space:nowrap"
    parts = [f'<table style="border-collapse:collapse;margin:2px 10px 8px 0">'
             f'<caption style="caption-side:top;text-align:left;font-weight:600">'
             f'<span style="display:inline-block;width:14px;height:8px;background:{color};margin-right:4px"></span>'
             f'{esc(title)}</caption>'
             '<tr><th></th>' + "".join(f'<th style="{head}">{esc(str(c))}</th>' for c in labels) + "</tr>"]
    for i, label in enumerate(labels):
        parts.append(f'<tr><th style="{head};text-align:right">{esc(str(label))}</th>')
        parts.extend(f'<td style="{cell};background:{hexes[idx[i, j]]};color:{text[idx[i, j]]}">{w[i, j]:.1f}</td>'
                     for j in range(w.shape[1]))
        parts.append("</tr>")
    parts.append("</table>")
    return "".join(parts)


class MultiHeadExplorer(_Widget):
    """Choose the number of heads h and the head to look at: its heatmap and the lines view.

    Introduced in notebook 05. The projection matrices stay fixed; their ``width`` columns
    are cut into h heads of d_k = width / h columns each (as in a Transformer, where
    d_k = d_model / h). "全部 all" shows every head at once, one colour per head.

    Parameters
    ----------
    W_Q, W_K, W_V : array_like, shape (d, width)
        d = the toy vocabulary's 9 features.
    W_O : array_like, shape (width, d_o)
    text : str
        The first sentence.
    head_choices : sequence of int
        The values of h offered; each must divide `width` (at most 8: one colour per head).

    Attributes
    ----------
    tokens : list of str
    X : ndarray, shape (n, d)
    h : int
    head : int
        The head shown, or -1 for all heads.
    weights : ndarray, shape (h, n, n)
    output : ndarray, shape (n, d_o)
    """

    MAX_TOKENS = 12

    def __init__(self, W_Q, W_K, W_V, W_O, *, text: str = "猫吃鱼", head_choices=(1, 2, 4, 8), h: int = 2):
        self.vocab = load_vocabulary()
        self.W_Q, self.W_K, self.W_V, self.W_O = (np.array(a, dtype=float) for a in (W_Q, W_K, W_V, W_O))
        width = self.W_Q.shape[1]
        bad = [c for c in head_choices if width % c or not 1 <= c <= 8]
        if bad:
            raise ValueError(f"head_choices 里的 {bad} 不能用：h 应在 1 到 8 之间，并且能整除宽度 {width}。")
        self.width = width
        self.tokens, self.X = [], np.zeros((0, self.vocab.d))
        self.h, self.head = int(h), 0
        self.weights = np.zeros((self.h, 0, 0))
        self.output = np.zeros((0, self.W_O.shape[1]))
        self._syncing = False
        self.text = W.Text(value=text, description="句子", continuous_update=False,
                           placeholder="输入一句话，回车", layout=W.Layout(width="360px"))
        self.heads = W.ToggleButtons(options=[(f"h = {c}", c) for c in head_choices], value=int(h),
                                     description="头数 h", style={"button_width": "64px"})
        self.which = W.ToggleButtons(options=self._head_options(int(h)), value=0, description="看哪个头",
                                     style={"button_width": "76px"})
        self.status = W.HTML()
        self.info = W.HTML()
        self.heatmap_view = W.HTML(layout=W.Layout(margin="0 24px 0 0"))
        self.lines_view = W.HTML()
        self.text.observe(lambda c: self._guard(self.update, c["new"], self.h, self.head), "value")
        self.heads.observe(lambda c: self._on_heads(c["new"]), "value")
        self.which.observe(lambda c: None if self._syncing else self._guard(self.update, self.text.value, self.h, c["new"]),
                           "value")
        self._guard(self.update, text, int(h), 0)
        self.widget = W.VBox([self.text, self.heads, self.which, self.status, self.info,
                              W.HBox([self.heatmap_view, self.lines_view],
                                     layout=W.Layout(flex_flow="row wrap", align_items="flex-start"))])

    @staticmethod
    def _head_options(h: int):
        return [("全部 all", -1)] + [(f"头 {i}", i) for i in range(h)]

    def _on_heads(self, h: int) -> None:
        """A new number of heads: rebuild the head buttons, keep the head if it still exists."""
        head = self.head if self.head < h else 0
        if self._guard(self.update, self.text.value, h, head):
            self._syncing = True
            try:
                self.which.options = self._head_options(h)
                self.which.value = head
            finally:
                self._syncing = False

    def update(self, text: str, h: int, head: int) -> None:
        """Tokenise `text`, run h-head attention and redraw (raises ValueError on bad input)."""
        text = str(text).strip()
        if not text:
            raise ValueError("请输入一句话（输入框是空的）。")
        tokens = tokenize(text)
        if not tokens:
            raise ValueError("没有找到可以分析的词（只有标点或空格？）。请输入汉字或英文单词。")
        if len(tokens) > self.MAX_TOKENS:
            raise ValueError(f"词太多：{len(tokens)} 个，最多 {self.MAX_TOKENS} 个。")
        if isinstance(h, bool) or not isinstance(h, (int, np.integer)) or h < 1 or self.width % h or h > 8:
            raise ValueError(f"头数 h 应能整除宽度 {self.width}，并且不超过 8；收到 {h!r}。")
        if not isinstance(head, (int, np.integer)) or not -1 <= head < h:
            raise ValueError(f"要看的头应在 0 到 {h - 1} 之间（-1 = 全部），收到 {head!r}。")
        X, unknown = embed(tokens, self.vocab)  # (n, d)
        output, weights = _multi_head_attention(X, self.W_Q, self.W_K, self.W_V, self.W_O, h)  # (n, d_o), (h, n, n)
        self.tokens, self.X, self.h, self.head = tokens, X, int(h), int(head)
        self.weights, self.output = weights, output
        self._draw(unknown)

    def _draw(self, unknown) -> None:
        colors = _head_colors()
        h, t, d_k = self.h, self.tokens, self.width // self.h
        names = [f"头 {i}" for i in range(h)]
        self.info.value = (f'<div style="font-size:13px;color:#444">h = {h} 个头，每个头 d_k = {self.width} / {h} = {d_k}；'
                           f"weights 的形状 (h, n, n) = {self.weights.shape}</div>")
        if self.head == -1:
            cells = [_mini_heatmap_html(self.weights[i], t, names[i], colors[i]) for i in range(h)]
            width = 2 * (56 + 32 * len(t))  # two small heatmaps per row, the lines view beside them
            self.heatmap_view.value = (f'<div style="display:flex;flex-wrap:wrap;max-width:{width}px">'
                                       + "".join(cells) + "</div>")
            self.lines_view.value = _lines_svg(self.weights, t, colors, names, min_weight=0.1)
        else:
            i = self.head
            self.heatmap_view.value = views.heatmap_html(self.weights[i], t, t, caption=f"头 {i} 的权重（每行和为 1）")
            self.lines_view.value = _lines_svg(self.weights[i:i + 1], t, [colors[i]], [names[i]])
        if any(unknown):
            self._say("有的词不在玩具词表里：" + "、".join(w for w, u in zip(t, unknown) if u) + "（用随机小向量代替）。", "info")
        else:
            self._say("")


class ReachExplorer(_Widget):
    """Sentence length, layer type and a word: which positions it reaches after 1, 2, 3 hops.

    Introduced in notebook 06. Measured by taint with `helpers.compare.reach` (the word is
    set to NaN and the layers are really run). A hop is one layer for CNN and attention and
    one recurrent step for the RNN.

    Attributes
    ----------
    n : int
    kind : str
        One of helpers.compare.KINDS.
    source : int
        The chosen word (0-based; the slider shows 1-based positions).
    reached : ndarray of bool, shape (4, n)
        Row s: positions reached after s hops (row 0: the word itself).
    needed : ndarray of int, shape (n,)
        Fewest hops to reach each position; -1 = never.
    """

    MAX_N = 40
    HOPS = 3
    BUTTONS = {"rnn": "RNN 循环层", "cnn": "CNN 连续卷积", "cnn_dilated": "CNN 空洞卷积", "attention": "自注意力"}

    def __init__(self, n: int = 12, kind: str = "cnn", source: int = 0, *, k: int = 3):
        self.k = k
        self.n, self.kind, self.source = 0, kind, 0
        self.reached = np.zeros((self.HOPS + 1, 0), dtype=bool)
        self.needed = np.zeros(0, dtype=int)
        self._syncing = False
        self.length = W.IntSlider(value=n, min=4, max=self.MAX_N, description="句长 n", continuous_update=False)
        self.layer = W.ToggleButtons(options=[(self.BUTTONS[c], c) for c in _compare.KINDS], value=kind,
                                     description="层 layer", style={"button_width": "150px"})
        self.word = W.IntSlider(value=source + 1, min=1, max=n, description="第几个词", continuous_update=False)
        self.status = W.HTML()
        self.view = W.HTML()
        self.length.observe(lambda c: self._on_length(c["new"]), "value")
        self.layer.observe(lambda c: self._guard(self.update, self.n, c["new"], self.source), "value")
        self.word.observe(lambda c: None if self._syncing else self._guard(self.update, self.n, self.kind, c["new"] - 1),
                          "value")
        self._guard(self.update, n, kind, source)
        self.widget = W.VBox([self.layer, W.HBox([self.length, self.word]), self.status, self.view])

    def _on_length(self, n: int) -> None:
        source = min(self.source, n - 1)
        if self._guard(self.update, n, self.kind, source):
            self._syncing = True
            try:
                self.word.max = n
                self.word.value = source + 1
            finally:
                self._syncing = False

    def update(self, n: int, kind: str, source: int) -> None:
        """Measure the reach of word `source` in a sentence of n words (raises ValueError on bad input)."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 2 <= n <= self.MAX_N:
            raise ValueError(f"句长 n 应是 2 到 {self.MAX_N} 之间的整数，收到 {n!r}。")
        if kind not in _compare.KINDS:
            raise ValueError(f"层的类型应是 {_compare.KINDS} 之一，收到 {kind!r}。")
        if isinstance(source, bool) or not isinstance(source, (int, np.integer)) or not 0 <= source < n:
            raise ValueError(f"词的位置应在 1 到 {n} 之间，收到 {source + 1 if isinstance(source, int) else source!r}。")
        rng = np.random.default_rng(0)
        reached = _compare.reach(kind, n, source, hops=self.HOPS, k=self.k, rng=rng)  # (4, n)
        needed = _compare.hops_needed(kind, n, source, k=self.k, rng=rng)  # (n,)
        self.n, self.kind, self.source, self.reached, self.needed = int(n), kind, int(source), reached, needed
        self.view.value = self._table_html()
        self._say("")

    def _table_html(self) -> str:
        colors = dict(zip(_compare.KINDS, ["#D55E00", "#E69F00", "#CC79A7", "#0072B2"]))
        unit = "步" if self.kind == "rnn" else "层"
        fill = colors[self.kind]
        cell = "width:17px;height:20px;text-align:center;font-size:11px;font-family:monospace;border:1px solid #ddd"
        head = "padding:2px 6px;text-align:right;white-space:nowrap;font-size:12px;font-weight:400"
        parts = ['<div style="overflow-x:auto"><table style="border-collapse:collapse;margin:6px 0">',
                 f'<tr><th style="{head}">位置 →</th>']
        for j in range(self.n):
            mark = "font-weight:700;color:#000" if j == self.source else "color:#666"
            parts.append(f'<th style="{cell};border:none;{mark}">{j + 1}</th>')
        parts.append("</tr>")
        for s in range(self.HOPS + 1):
            label = "出发 start" if s == 0 else f"{s} {unit}后"
            parts.append(f'<tr><th style="{head}">{label}</th>')
            for j in range(self.n):
                on = self.reached[s, j]
                style = f"background:{fill}" if on else "background:#fff"
                if j == self.source:
                    style += ";outline:2px solid #000;outline-offset:-2px"
                parts.append(f'<td style="{cell};{style}"></td>')
            parts.append("</tr>")
        parts.append(f'<tr><th style="{head}">最少几{unit}</th>')
        for j in range(self.n):
            v = self.needed[j]
            parts.append(f'<td style="{cell};border:none;color:#333">{"—" if v < 0 else v}</td>')
        parts.append("</tr></table></div>")
        last = self.needed[self.n - 1]
        if self.source == self.n - 1:
            summary = "选的是最后一个词：换一个更靠前的词看看它能传多远。"
        elif last < 0:
            summary = "这个词影响不到最后一个词。"
        else:
            summary = (f"从第 {self.source + 1} 个词到最后一个词（第 {self.n} 个）：至少 {last} {unit}"
                       f"（{_compare.KIND_LABELS[self.kind]}，k = {self.k}）。")
        note = ("RNN 只有 1 层，但信息要一步一步传：h_{t-1} → h_t。" if self.kind == "rnn" else
                "这里的 RNN 和 CNN 都只往右传（因果 causal）；注意力两边都看。")
        return ("".join(parts) + f'<div style="font-size:13px">{_html.escape(summary)}</div>'
                f'<div style="font-size:12px;color:#666">{_html.escape(note)}</div>')


# ============================================================== notebook 07
# CorefExplorer (the hand-built two-layer model) and ModelExplorer (the real Transformer).


class CorefExplorer(_Widget):
    """Switch tired ↔ wide (or edit the sentence) and watch where "it" looks in each layer.

    Introduced in notebook 07, part 1. Built on `helpers.coref.resolve`.

    Attributes
    ----------
    result : helpers.coref.CorefResult
        The last good computation (weights1, weights2, tokens …).
    """

    ADJECTIVES = ("tired", "wide", "hungry", "narrow", "big")

    def __init__(self, template: str = "The animal didn't cross the street because it was too {}.",
                 adjective: str = "tired"):
        from .coref import resolve

        self._resolve = resolve
        self.template = template
        self.adjective = W.ToggleButtons(options=list(self.ADJECTIVES), value=adjective, description="形容词")
        self.text = W.Text(value=template.format(adjective), description="句子", continuous_update=False,
                           layout=W.Layout(width="560px"))
        self.status = W.HTML()
        self.view = W.HTML()
        self.result = None
        self._syncing = False
        self.adjective.observe(self._on_adjective, "value")
        self.text.observe(lambda change: self._syncing or self._guard(self.update, change["new"]), "value")
        self.update(self.text.value)
        self.widget = W.VBox([self.adjective, self.text, self.status, self.view])

    def _on_adjective(self, change) -> None:
        self._syncing = True
        try:
            self.text.value = self.template.format(change["new"])
        finally:
            self._syncing = False
        self._guard(self.update, self.text.value)

    def update(self, text: str) -> None:
        """Run the two layers on `text`; it must contain the word "it"."""
        tokens = tokenize(text)
        if not tokens:
            raise ValueError("请输入一个英文句子。")
        if len(tokens) > 24:
            raise ValueError(f"句子太长：{len(tokens)} 个词，最多 24 个。")
        if "it" not in tokens:
            raise ValueError("句子里要有代词 “it”，才能看它指向谁。")
        result = self._resolve(tokens)
        self.result = result
        t = result.tokens
        self.view.value = (
            views.bars_html(result.row(1), t, title="第 1 层：“it”在读哪个词（应是形容词）")
            + views.bars_html(result.row(2), t, title="第 2 层：“it”指向谁")
            + views.message_html(f"第 2 层里 “it” 最关注：{result.referent()}", "ok")
        )
        unknown = [w for w, u in zip(t, result.unknown) if u]
        self._say(f"不在词表里的词（特征没有含义）：{'、'.join(unknown)}" if unknown else "", "info")


class ModelExplorer(_Widget):
    """Pick a sentence, a layer, a head and a word: see that head's weights in the real model.

    Introduced in notebook 07, part 2.

    Parameters
    ----------
    model : object with ``.attentions(text) -> (tokens, weights (L, h, n, n))``
        helpers.pretrained.MiniLM (live) or PrecomputedModel (curated sentences only).
    sentences : sequence of str
        Offered in the combo box; a live model also takes any typed English sentence.

    Attributes
    ----------
    tokens : list of str
    weights : ndarray, shape (L, h, n, n)
    """

    def __init__(self, model, sentences, *, layer: int = 0, head: int = 0, word: str = "it"):
        self.model = model
        self.sentence = W.Combobox(options=list(sentences), value=sentences[0], description="句子",
                                   ensure_option=False, continuous_update=False, layout=W.Layout(width="560px"))
        self.layer = W.IntSlider(value=layer, min=0, max=5, description="层 layer")
        self.head = W.IntSlider(value=head, min=0, max=11, description="头 head")
        self.word = W.Dropdown(options=[], description="看哪个词")
        self.status = W.HTML()
        self.heatmap_view = W.HTML()
        self.bars_view = W.HTML()
        self.tokens: list[str] = []
        self.weights = None
        self._wanted_word = word
        self._syncing = False
        self.sentence.observe(lambda change: self._guard(self.load, change["new"]), "value")
        for c in (self.layer, self.head, self.word):
            c.observe(lambda change: self._guard(self.redraw), "value")
        self.load(sentences[0])
        self.widget = W.VBox([self.sentence, W.HBox([self.layer, self.head, self.word]), self.status,
                              W.HBox([self.heatmap_view, self.bars_view], layout=W.Layout(flex_flow="row wrap"))])

    def load(self, text: str) -> None:
        """Run (or look up) the model for `text`."""
        if not text.strip():
            raise ValueError("请输入一个英文句子。")
        if len(text) > 300:
            raise ValueError(f"句子太长：{len(text)} 个字符；热力图最多看得清 300 个字符左右的句子。")
        tokens, weights = self.model.attentions(text)
        L, h = weights.shape[:2]
        self.tokens, self.weights = tokens, weights
        self.layer.max, self.head.max = L - 1, h - 1
        options = [(f"{i}: {t}", i) for i, t in enumerate(tokens)]
        keep = self._wanted_word if self._wanted_word in tokens else tokens[min(1, len(tokens) - 1)]
        self._syncing = True
        try:
            self.word.options = options
            self.word.value = tokens.index(keep)
        finally:
            self._syncing = False
        self.redraw()

    def redraw(self) -> None:
        """Update the two views for the chosen layer, head and word."""
        if self.weights is None or self._syncing or self.word.value is None:
            return
        w = self.weights[self.layer.value, self.head.value]  # (n, n)
        i = self.word.value
        self._wanted_word = self.tokens[i]
        self.heatmap_view.value = views.heatmap_html(w, self.tokens, self.tokens, highlight_row=i,
                                                     caption=f"第 {self.layer.value} 层 · 第 {self.head.value} 个头")
        self.bars_view.value = views.bars_html(w[i], self.tokens, title=f"“{self.tokens[i]}”的注意力")
        self._say("")


__all__ += ["CorefExplorer", "ModelExplorer"]

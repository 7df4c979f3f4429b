"""Widgets of notebooks 05 and 06: MultiHeadExplorer and ReachExplorer (HTML/SVG views)."""

from __future__ import annotations

import html as _html

import ipywidgets as W
import numpy as np

from .. import compare as _compare
from .. import views
from ..multihead import multi_head_attention as _multi_head_attention
from ..text import embed, load_vocabulary, tokenize
from ._base import _Widget

__all__ = ["MultiHeadExplorer", "ReachExplorer"]




def _head_colors() -> list[str]:
    """The Okabe–Ito head colours of helpers.plots (imported lazily: it loads matplotlib)."""
    from ..plots import HEAD_COLORS

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

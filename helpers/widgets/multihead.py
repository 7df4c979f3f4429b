"""MultiHeadExplorer (notebook 05): the number of heads h, one head's heatmap and the lines view."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import palette, views
from .._checks import check_int
from ..multihead import multi_head_attention
from ..text import embed, load_vocabulary
from ._base import _Widget
from .sentence import check_tokens

__all__ = ["MultiHeadExplorer"]


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
        bad = [c for c in head_choices if width % c or not 1 <= c <= len(palette.HEAD_COLORS)]
        if bad:
            raise ValueError(f"head_choices 里的 {bad} 不能用：h 应在 1 到 8 之间，并且能整除宽度 {width}。")
        self.width = width
        self.tokens, self.X = [], np.zeros((0, self.vocab.d))
        self.h, self.head = int(h), 0
        self.weights = np.zeros((self.h, 0, 0))
        self.output = np.zeros((0, self.W_O.shape[1]))
        self.text = W.Text(value=text, description="句子", continuous_update=False,
                           placeholder="输入一句话，回车", layout=W.Layout(width="360px"))
        self.h_buttons = W.ToggleButtons(options=[(f"h = {c}", c) for c in head_choices], value=int(h),
                                         description="头数 h", style={"button_width": "64px"})
        self.head_buttons = W.ToggleButtons(options=self._head_options(int(h)), value=0, description="看哪个头",
                                            style={"button_width": "76px"})
        self.view = W.HTML()
        self.text.observe(lambda c: self._guard(self.update, c["new"], self.h, self.head), "value")
        self.h_buttons.observe(lambda c: self._on_h(c["new"]), "value")
        self.head_buttons.observe(
            lambda c: None if self.syncing else self._guard(self.update, self.text.value, self.h, c["new"]), "value")
        self._guard(self.update, text, int(h), 0)
        self.widget = W.VBox([self.text, self.h_buttons, self.head_buttons, self.view])

    @staticmethod
    def _head_options(h: int):
        return [("全部 all", -1)] + [(f"头 {i}", i) for i in range(h)]

    def _on_h(self, h: int) -> None:
        """A new number of heads: rebuild the head buttons, keep the head if it still exists."""
        head = self.head if self.head < h else 0
        if self._guard(self.update, self.text.value, h, head):
            with self._syncing():
                self.head_buttons.options = self._head_options(h)
                self.head_buttons.value = head

    def update(self, text: str, h: int, head: int) -> None:
        """Tokenise `text`, run h-head attention and redraw (raises ValueError on bad input)."""
        tokens = check_tokens(text, self.MAX_TOKENS)
        h = check_int(h, "h（头数）", 1, len(palette.HEAD_COLORS))
        if self.width % h:
            raise ValueError(f"头数 h 应能整除宽度 {self.width}，收到 {h!r}。")
        head = check_int(head, "head（要看的头，-1 = 全部）", -1, h - 1)
        X, unknown = embed(tokens, self.vocab)  # (n, d)
        output, weights = multi_head_attention(X, self.W_Q, self.W_K, self.W_V, self.W_O, h)  # (n, d_o), (h, n, n)
        self.tokens, self.X, self.h, self.head = tokens, X, h, head
        self.weights, self.output = weights, output
        self._draw(unknown)

    def _draw(self, unknown) -> None:
        colors, t, h = palette.HEAD_COLORS, self.tokens, self.h
        names = [f"头 {i}" for i in range(h)]
        info = views.note_html(f"h = {h} 个头，每个头 d_k = {self.width} / {h} = {self.width // h}；"
                               f"weights 的形状 (h, n, n) = {self.weights.shape}")
        if self.head == -1:
            left = views.heatmap_grid_html(self.weights, t, names, colors)
            right = views.lines_svg(self.weights, t, colors, names, min_weight=0.1)
        else:
            i = self.head
            left = views.heatmap_html(self.weights[i], t, t, caption=f"头 {i} 的权重（每行和为 1）")
            right = views.lines_svg(self.weights[i:i + 1], t, [colors[i]], [names[i]])
        body = (info + '<div style="display:flex;flex-wrap:wrap;align-items:flex-start">'
                f'<div style="margin-right:24px">{left}</div><div>{right}</div></div>')
        missing = "、".join(w for w, u in zip(t, unknown) if u)
        self._show(body, f"有的词不在玩具词表里：{missing}（用随机小向量代替）。" if missing else "")

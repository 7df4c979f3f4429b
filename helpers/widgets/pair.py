"""Widget of notebook 07: two sentences side by side in the real model (SentencePairExplorer).

Introduced in notebook 07. "…too tired." and "…too wide." differ in one word; the reader
picks a layer, a head and a word and sees that head's weights for both sentences next to
each other, with the word's two rows as bars and their difference.

Shape legend:
    L  layers, h  heads, n  tokens
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import views
from ._base import _Widget

__all__ = ["SentencePairExplorer"]


class SentencePairExplorer(_Widget):
    """Same layer, same head, two sentences: heatmaps and the chosen word's rows side by side.

    Parameters
    ----------
    model : object with ``.attentions(text) -> (tokens, weights (L, h, n, n))``
        The live model or the precomputed one (both sentences must then be precomputed).
    text_a, text_b : str
        Two sentences with the same number of tokens (e.g. tired / wide).
    layer, head : int
    word : str
        A token of both sentences whose row is compared.

    Attributes
    ----------
    tokens_a, tokens_b : list of str
    weights_a, weights_b : ndarray, shape (L, h, n, n)
    difference : ndarray, shape (n,)
        Row of `word` in sentence a minus its row in sentence b, for the current layer and head.
    """

    def __init__(self, model, text_a: str, text_b: str, *, layer: int = 0, head: int = 0, word: str = "it"):
        self.tokens_a, self.weights_a = model.attentions(text_a)
        self.tokens_b, self.weights_b = model.attentions(text_b)
        if self.weights_a.shape != self.weights_b.shape:
            raise ValueError(f"两句话的词元个数应相同（只差一个词），收到 {len(self.tokens_a)} 和 {len(self.tokens_b)} 个。 "
                             "(text_a and text_b must have the same number of tokens.)")
        if word not in self.tokens_a or word not in self.tokens_b:
            raise ValueError(f"word {word!r} 应是两句话共有的词元。 (word must be a token of both sentences.)")
        L, h = self.weights_a.shape[:2]
        self.word_index = self.tokens_a.index(word)
        self.keys = [a if a == b else f"{a}/{b}" for a, b in zip(self.tokens_a, self.tokens_b)]
        differ = [k for k, (a, b) in enumerate(zip(self.tokens_a, self.tokens_b)) if a != b]
        self.label_a, self.label_b = ((self.tokens_a[differ[0]], self.tokens_b[differ[0]]) if differ else ("句子 A", "句子 B"))
        self.layer = W.IntSlider(value=layer, min=0, max=L - 1, description="层 layer")
        self.head = W.IntSlider(value=head, min=0, max=h - 1, description="头 head")
        self.word = W.Dropdown(options=[(f"{i}: {t}", i) for i, t in enumerate(self.keys)], value=self.word_index,
                               description="看哪个词")
        self.view = W.HTML()
        self.difference = np.zeros(len(self.keys))
        for c in (self.layer, self.head, self.word):
            c.observe(lambda change: self._guard(self.redraw), "value")
        self.redraw()
        self.widget = W.VBox([W.HBox([self.layer, self.head, self.word]), self.view])

    DIFFERENCE_FULL_BAR = 0.01  # the smallest |difference| drawn as a full bar

    def difference_scale(self) -> float:
        """The value of a full difference bar: the largest |difference|, at least DIFFERENCE_FULL_BAR.

        Without the floor, a head whose two rows agree to 1e-13 (layer 0, head 2 looks at positions
        only) would show a full bar beside "+0.000".
        """
        return max(float(np.abs(self.difference).max()), self.DIFFERENCE_FULL_BAR)

    def redraw(self) -> None:
        """Both heatmaps and both rows for the chosen layer, head and word."""
        l, j, i = self.layer.value, self.head.value, self.word.value
        a, b = self.weights_a[l, j], self.weights_b[l, j]  # (n, n) each
        self.difference = a[i] - b[i]
        last_a, last_b = self.label_a, self.label_b
        heatmaps = ('<div style="display:flex;flex-wrap:wrap">'
                               + views.heatmap_html(a, self.tokens_a, self.tokens_a, highlight_row=i,
                                                    caption=f"第 {l} 层 · 第 {j} 个头：…{last_a}")
                               + views.heatmap_html(b, self.tokens_b, self.tokens_b, highlight_row=i,
                                                    caption=f"第 {l} 层 · 第 {j} 个头：…{last_b}") + "</div>")
        rows = ('<div style="display:flex;flex-wrap:wrap;gap:24px">'
                           + views.bars_html(a[i], self.tokens_a, title=f"“{self.keys[i]}”的一行：…{last_a}")
                           + views.bars_html(b[i], self.tokens_b, title=f"“{self.keys[i]}”的一行：…{last_b}")
                           + views.bars_html(self.difference, self.keys, vmax=self.difference_scale(), fmt="{:+.3f}",
                                             color="#009E73", title=f"差：{last_a} 减 {last_b}") + "</div>")
        self._show(rows + heatmaps)

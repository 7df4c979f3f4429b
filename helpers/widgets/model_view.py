"""ModelExplorer (notebook 07, part 2): one head of the real model, for a sentence and a word."""

from __future__ import annotations

import ipywidgets as W

from .. import views
from ._base import _Widget

__all__ = ["ModelExplorer"]


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

    MAX_CHARS = 300

    def __init__(self, model, sentences, *, layer: int = 0, head: int = 0, word: str = "it"):
        self.model = model
        self.sentence = W.Combobox(options=list(sentences), value=sentences[0], description="句子",
                                   ensure_option=False, continuous_update=False, layout=W.Layout(width="560px"))
        self.layer = W.IntSlider(value=layer, min=0, max=5, description="层 layer")
        self.head = W.IntSlider(value=head, min=0, max=11, description="头 head")
        self.word = W.Dropdown(options=[], description="看哪个词")
        self.view = W.HTML()
        self.tokens: list[str] = []
        self.weights = None
        self._wanted_word = word
        self.sentence.observe(lambda change: self._guard(self.load, change["new"]), "value")
        for c in (self.layer, self.head, self.word):
            c.observe(lambda change: self.syncing or self._guard(self.redraw), "value")
        self.load(sentences[0])
        self.widget = W.VBox([self.sentence, W.HBox([self.layer, self.head, self.word]), self.view])

    def load(self, text: str) -> None:
        """Run (or look up) the model for `text`."""
        if not text.strip():
            raise ValueError("请输入一个英文句子。")
        if len(text) > self.MAX_CHARS:
            raise ValueError(f"句子太长：{len(text)} 个字符；热力图最多看得清 {self.MAX_CHARS} 个字符左右的句子。")
        tokens, weights = self.model.attentions(text)
        L, h = weights.shape[:2]
        self.tokens, self.weights = tokens, weights
        keep = self._wanted_word if self._wanted_word in tokens else tokens[min(1, len(tokens) - 1)]
        with self._syncing():
            self.layer.max, self.head.max = L - 1, h - 1
            self.word.options = [(f"{i}: {t}", i) for i, t in enumerate(tokens)]
            self.word.value = tokens.index(keep)
        self.redraw()

    def redraw(self) -> None:
        """Update the view for the chosen layer, head and word."""
        if self.weights is None or self.word.value is None:
            return
        w = self.weights[self.layer.value, self.head.value]  # (n, n)
        i = self.word.value
        self._wanted_word = self.tokens[i]
        self._show(
            '<div style="display:flex;flex-wrap:wrap">'
            + views.heatmap_html(w, self.tokens, self.tokens, highlight_row=i,
                                 caption=f"第 {self.layer.value} 层 · 第 {self.head.value} 个头")
            + views.bars_html(w[i], self.tokens, title=f"“{self.tokens[i]}”的注意力") + "</div>"
        )

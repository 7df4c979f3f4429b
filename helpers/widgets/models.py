"""Widgets of notebook 07: CorefExplorer (the hand-built model) and ModelExplorer (the real one)."""

from __future__ import annotations

import ipywidgets as W

from .. import views
from ..text import tokenize
from ._base import _Widget

__all__ = ["CorefExplorer", "ModelExplorer"]




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
        from ..coref import resolve

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

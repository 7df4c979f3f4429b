"""CorefExplorer (notebook 07, part 1): tired ↔ wide, and where "it" looks in each layer."""

from __future__ import annotations

import ipywidgets as W

from .. import views
from ..coref import decide, resolve
from ._base import _Widget
from .sentence import check_tokens

__all__ = ["CorefExplorer"]


class CorefExplorer(_Widget):
    """Switch tired ↔ wide (or edit the sentence) and watch where "it" looks in each layer.

    Introduced in notebook 07, part 1. Built on `helpers.coref.resolve`.

    Attributes
    ----------
    result : helpers.coref.CorefResult
        The last good computation (weights1, weights2, tokens …).
    """

    ADJECTIVES = ("tired", "wide", "hungry", "narrow", "big")
    MAX_TOKENS = 24

    def __init__(self, template: str = "The animal didn't cross the street because it was too {}.",
                 adjective: str = "tired"):
        self.template = template
        self.adjective = W.ToggleButtons(options=list(self.ADJECTIVES), value=adjective, description="形容词")
        self.text = W.Text(value=template.format(adjective), description="句子", continuous_update=False,
                           layout=W.Layout(width="560px"))
        self.view = W.HTML()
        self.result = None
        self.adjective.observe(self._on_adjective, "value")
        self.text.observe(lambda change: self.syncing or self._guard(self.update, change["new"]), "value")
        self.update(self.text.value)
        self.widget = W.VBox([self.adjective, self.text, self.view])

    def _on_adjective(self, change) -> None:
        with self._syncing():
            self.text.value = self.template.format(change["new"])
        self._guard(self.update, self.text.value)

    def update(self, text: str) -> None:
        """Run the two layers on `text`; it must contain the word "it"."""
        tokens = check_tokens(text, self.MAX_TOKENS)
        if "it" not in tokens:
            raise ValueError("句子里要有代词 “it”，才能看它指向谁。")
        result = resolve(tokens)
        self.result = result
        t = result.tokens
        unknown = [w for w, u in zip(t, result.unknown) if u]
        answer, reason = decide(result.layer_row(1), t)
        verdict = f"第 1 层里 “it” 最关注：{answer}（{reason}）" if answer else f"第 1 层分不出：{reason}"
        self._show(
            views.bars_html(result.layer_row(0), t, title="第 0 层：“it”在读哪个词（应是形容词）")
            + views.bars_html(result.layer_row(1), t, title="第 1 层：“it”指向谁")
            + views.message_html(verdict, "ok" if answer else "warning"),
            f"不在词表里的词（特征没有含义）：{'、'.join(unknown)}" if unknown else "",
        )

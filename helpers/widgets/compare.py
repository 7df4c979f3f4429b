"""ReachExplorer (notebook 06): which positions a word reaches after 1, 2, 3 hops."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import compare, palette, views
from .._checks import check_choice, check_int
from ._base import _Widget

__all__ = ["ReachExplorer"]


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
        The chosen word (0-based, as the slider shows it).
    reached : ndarray of bool, shape (4, n)
        Row s: positions reached after s hops (row 0: the word itself).
    needed : ndarray of int, shape (n,)
        Fewest hops to reach each position; -1 = never.
    """

    MAX_N = 40
    HOPS = 3

    def __init__(self, n: int = 12, kind: str = "cnn", source: int = 0, *, k: int = 3):
        self.k = k
        self.n, self.kind, self.source = 0, kind, 0
        self.reached = np.zeros((self.HOPS + 1, 0), dtype=bool)
        self.needed = np.zeros(0, dtype=int)
        self.length = W.IntSlider(value=n, min=4, max=self.MAX_N, description="句长 n", continuous_update=False)
        self.layer = W.ToggleButtons(options=[(palette.KIND_SHORT_LABELS[c], c) for c in compare.KINDS], value=kind,
                                     description="层 layer", style={"button_width": "150px"})
        self.word = W.IntSlider(value=source, min=0, max=n - 1, description="第几个词", continuous_update=False)
        self.view = W.HTML()
        self.length.observe(lambda c: self._on_length(c["new"]), "value")
        self.layer.observe(lambda c: self._guard(self.update, self.n, c["new"], self.source), "value")
        self.word.observe(
            lambda c: None if self.syncing else self._guard(self.update, self.n, self.kind, c["new"]), "value")
        self._guard(self.update, n, kind, source)
        self.widget = W.VBox([self.layer, W.HBox([self.length, self.word]), self.view])

    def _on_length(self, n: int) -> None:
        source = min(self.source, n - 1)
        # The word slider's new range and value leave first, in one message: the browser redraws the slider
        # while the kernel measures; the view follows in one message. Should the measuring fail, the slider
        # goes back to the last good sentence (one more message, only then).
        self._set_word_range(n, source)
        if not self._guard(self.update, n, self.kind, source):
            self._set_word_range(self.n, self.source)

    def _set_word_range(self, n: int, source: int) -> None:
        with self._syncing(), self.word.hold_sync():
            self.word.max = n - 1
            self.word.value = source

    def update(self, n: int, kind: str, source: int) -> None:
        """Measure the reach of word `source` in a sentence of n words (raises ValueError on bad input)."""
        n = check_int(n, "n（句长）", 2, self.MAX_N)
        kind = check_choice(kind, "kind（层的类型）", compare.KINDS)
        source = check_int(source, "source（词的位置，从 0 数）", 0, n - 1)
        rng = np.random.default_rng(0)
        reached = compare.reach(kind, n, source, hops=self.HOPS, k=self.k, rng=rng)  # (4, n)
        needed = compare.hops_needed(kind, n, source, k=self.k, rng=rng)  # (n,)
        self.n, self.kind, self.source, self.reached, self.needed = n, kind, source, reached, needed
        unit = "步" if kind == "rnn" else "层"
        last = needed[n - 1]
        if source == n - 1:
            summary = "选的是最后一个词：换一个更靠前的词看看它能传多远。"
        elif last < 0:
            summary = "这个词影响不到最后一个词。"
        else:
            summary = (f"从第 {source} 个词到最后一个词（第 {n - 1} 个，从 0 数）：至少 {last} {unit}"
                       f"（{palette.KIND_LABELS[kind]}，k = {self.k}）。")
        note = ("RNN 只有 1 层，但信息要一步一步传：h_{t-1} → h_t。" if kind == "rnn" else
                "这里的 RNN 和 CNN 都只往右传（因果 causal）；注意力两边都看。")
        self._show(views.reach_html(reached, needed, source, unit=unit, color=palette.KIND_COLORS[kind],
                                    summary=summary, note=note))

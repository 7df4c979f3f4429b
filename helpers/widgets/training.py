"""Notebook 08's training widget: watch one attention layer learn the roles, step by step.

Play / pause come from an ipywidgets ``Play``: the browser ticks, and a tick runs one frame (a few
Adam steps, then one redraw). The kernel handles messages one after the other, so ticks that arrive
while a frame is being computed wait in a queue and reach the kernel in a burst right after it; they
are dropped (a tick is taken only if at least half an interval has passed since the last frame
ended), so ⏸ takes effect after the current frame at the latest. Tests call ``step()``.

Shape legend:
    n  words in a sentence
"""

from __future__ import annotations

import time

import ipywidgets as W

from .. import training_views
from ..roles import RoleCorpus, load_role_corpus
from ..trainer import CLASSES, Trainer, attention_by_class, check_learning_rate, hand_built_attention_by_class
from ._base import _Widget

SHOWN = ("猫吃鱼", "鱼吃猫", "鱼被猫吃")  # held out: the model never trains on 猫, 鱼 and 吃 together


class TrainingExplorer(_Widget):
    """Train the role model live: play / pause, one step, reset, learning rate; curves and heatmaps.

    Introduced in notebook 08.

    Attributes
    ----------
    trainer : Trainer      parameters and history of the current run
    frames : int           how many frames have been drawn since the last reset
    """

    def __init__(self, corpus: RoleCorpus | None = None, *, seed: int = 1, lr: float = 0.05,
                 steps_per_frame: int = 1, sentences=SHOWN, interval_ms: int = 150):
        self.corpus = corpus or load_role_corpus()
        self.sentences = tuple(sentences)
        self.trainer = Trainer(self.corpus, seed=seed, lr=lr)
        self.frames = 0
        self.dropped_ticks = 0          # ticks skipped because they arrived while a frame was running
        self._clock = time.monotonic    # replaced by a fake clock in the tests
        self._busy = False
        self._frame_end = -float("inf")
        self.play = W.Play(value=0, min=0, max=10**6, step=1, interval=interval_ms, show_repeat=False,
                           description="播放")
        self.step_button = W.Button(description="单步 step", tooltip="训练一帧（几步 Adam），再重画")
        self.reset_button = W.Button(description="重置 reset", tooltip="回到随机的初始参数（第 0 步）")
        self.lr = W.FloatText(value=lr, description="学习率 lr", step=0.01, layout=W.Layout(width="180px"))
        self.per_frame = W.IntSlider(value=steps_per_frame, min=1, max=10, description="每帧步数")
        self.compare_button = W.Button(description="对照第 02 课", tooltip="名词的注意力分给了哪类词：学到的 vs 手搭的")
        self.view = W.HTML()            # one view: message, curves, heatmaps and comparison, updated once a frame
        self.curves_html = self.maps_html = self.compare_html = ""
        self._hand = None  # lesson 02's table, computed on first use
        self.play.observe(self._on_tick, names="value")
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        self.compare_button.on_click(lambda _: self._guard(self.show_comparison))
        self.lr.observe(self._on_lr, names="value")
        controls = W.HBox([self.play, self.step_button, self.reset_button, self.lr, self.per_frame,
                           self.compare_button])
        self.widget = W.VBox([controls, self.view])
        self._draw()

    def step(self) -> None:
        """One frame: `per_frame` Adam steps on the whole training set, then one redraw."""
        if not self.trainer.step(self.per_frame.value):
            self.play.playing = False
            lr = self.trainer.lr
            self.trainer.reset()
            self.frames = 0
            self._draw(f"训练发散了：损失变成了 NaN 或 inf（学习率 {lr:g}）。已重置到第 0 步；请把学习率调小再试，例如 0.05。",
                       "warning")
            return
        self.frames += 1
        self._guard(self._draw)  # an old notice goes once training moves on

    def show_comparison(self) -> None:
        """Show, for the current parameters, where the nouns' attention goes, beside lesson 02's hand-built matrices."""
        if self._hand is None:
            self._hand = hand_built_attention_by_class(self.corpus)
        self.compare_html = training_views.noun_attention_html(
            attention_by_class(self.trainer), self._hand, CLASSES,
            title=f"名词的注意力分给了哪类词（留出集平均，第 {self.trainer.steps} 步）")
        self._render()

    def _on_tick(self, change) -> None:
        if change["new"] <= change["old"]:  # Play's stop button sets the counter back to 0: no frame for that
            return
        if self._busy or self._clock() - self._frame_end < self.play.interval / 2000:
            self.dropped_ticks += 1         # it piled up during the last frame: skip it
            return
        self._busy = True
        try:
            self.step()
        finally:
            self._busy = False
            self._frame_end = self._clock()

    def reset(self) -> None:
        """Back to step 0 with the same seed; the learning rate stays."""
        self.play.playing = False
        self.trainer.reset()
        self.frames = 0
        self.compare_html = ""
        self._draw("已重置：回到随机的初始参数（第 0 步）。", "info")

    def _on_lr(self, change) -> None:
        if self.syncing:  # the value was put back by the code below, not typed by the reader
            return
        try:
            self.trainer.lr = check_learning_rate(change["new"])
        except ValueError as exc:
            self.play.playing = False
            with self._syncing():
                self.lr.value = self.trainer.lr  # back to the last good value
            self._say(f"{exc}（学习率恢复为 {self.trainer.lr:g}）")
            return
        self._say(f"学习率改为 {self.trainer.lr:g}，从下一步起生效。", "info")

    def _render(self, message: str = "", kind: str = "info") -> None:
        """Show the message and every panel in one update of the view."""
        self._show(self.curves_html + self.maps_html + self.compare_html, message, kind)

    def _draw(self, message: str = "", kind: str = "info") -> None:
        """Recompute the curves and heatmaps for the current parameters, then show them."""
        self.curves_html = training_views.history_html(self.trainer.history)
        maps = []
        for sentence in self.sentences:
            words, weights = self.trainer.attention(sentence)
            maps.append(training_views.attention_roles_html(words, weights, self.trainer.roles(sentence),
                                                            caption=f"“{sentence}”（行：查询 → 预测的角色）"))
        self.maps_html = training_views.side_by_side(maps)
        self._render(message, kind)

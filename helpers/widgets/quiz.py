"""The final quiz of notebook 09 with buttons: one question at a time, a check button, a running score.

Introduced in notebook 09. The questions, their computed answers and the checking are in
``helpers.quiz`` (which re-exports ``QuizWidget``); this module is only the ipywidgets part.
"""

from __future__ import annotations

import html

import ipywidgets as W

from ..exercises import CheckResult
from ..quiz import QUIZ, UNANSWERED
from ._base import _Widget


class QuizWidget(_Widget):
    """The quiz with buttons: one question at a time, a check button, a running score.

    Attributes
    ----------
    index : int
        The question shown (0-based).
    results : dict
        Question number → True / False after it was checked.
    """

    def __init__(self):
        self.index = 0
        self.results: dict[int, bool] = {}
        self.answers: dict[int, object] = {}  # question number -> what was chosen or typed, kept when navigating
        self.feedbacks: dict[int, str] = {}  # question number -> the last feedback shown, kept when navigating
        self.question = W.HTML()
        self.choice = W.RadioButtons(options=[], layout=W.Layout(width="auto"))
        self.number = W.Text(description="答案", value="", placeholder="填一个数")
        self.check_button = W.Button(description="检查", button_style="primary")
        self.prev_button = W.Button(description="上一题")
        self.next_button = W.Button(description="下一题")
        self.feedback = W.HTML()
        self.progress = W.HTML()
        self.check_button.on_click(lambda _: self.check())
        self.prev_button.on_click(lambda _: self.show(self.index - 1))
        self.next_button.on_click(lambda _: self.show(self.index + 1))
        self.choice.observe(lambda ch: self._remember(ch["new"], "choice"), names="value")
        self.number.observe(lambda ch: self._remember(ch["new"], "number"), names="value")
        self.answer_box = W.VBox()
        self.widget = W.VBox([self.progress, self.question, self.answer_box,
                              W.HBox([self.prev_button, self.check_button, self.next_button]), self.feedback])
        self._showing = False
        self.show(0)

    def _remember(self, value, kind: str) -> None:
        if not self._showing and QUIZ[self.index].kind == kind:
            if self.answers.get(self.index + 1) != value:  # a new answer: the old feedback no longer applies
                self.feedbacks.pop(self.index + 1, None)
            self.answers[self.index + 1] = value

    def show(self, index: int) -> None:
        """Show question `index` (clamped to the quiz), with the answer given to it before, if any."""
        self.index = max(0, min(len(QUIZ) - 1, index))
        q = QUIZ[self.index]
        kept = self.answers.get(self.index + 1)
        self._showing = True
        try:
            self.question.value = (f"<div style='font-size:14px'>第 {self.index + 1} 题（第 {q.lesson} 课）"
                                   f"{html.escape(q.text)}</div>")
            if q.kind == "choice":
                self.choice.options = [(f"{chr(65 + i)}. {opt}", chr(65 + i)) for i, opt in enumerate(q.options)]
                self.choice.value = kept
                self.answer_box.children = [self.choice]
            else:
                self.number.value = kept or ""
                self.answer_box.children = [self.number]
        finally:
            self._showing = False
        self.feedback.value = self.feedbacks.get(self.index + 1, "")  # going back keeps what was said
        self._update_progress()

    def check(self) -> CheckResult:
        """Check the current answer and show the result; an empty or malformed answer is not counted."""
        q = QUIZ[self.index]
        answer = self.choice.value if q.kind == "choice" else self.number.value
        if answer is None or not str(answer).strip():  # untouched: say so, and do not count it
            result = CheckResult(False, UNANSWERED, "unanswered")
            self.feedback.value = result._repr_html_()
            return result
        result = q.check(answer)
        if result.diagnosis != "format":  # "8,2" is not an attempt: say why, do not count it
            self.results[self.index + 1] = result.passed
        self.feedback.value = self.feedbacks[self.index + 1] = result._repr_html_()
        self._update_progress()
        return result

    def _update_progress(self) -> None:
        right = sum(self.results.values())
        self.progress.value = (f"<span style='color:#444'>共 {len(QUIZ)} 题 · 已检查 {len(self.results)} 题 · "
                               f"答对 {right} 题</span>")

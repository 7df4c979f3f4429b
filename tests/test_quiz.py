"""The final quiz (helpers.quiz): answers computed by the course, one question per lesson, the unanswered state."""

import numpy as np
import pytest

from exercise_harness import load
from helpers.quiz import QUIZ, UNANSWERED, QuizWidget, check_answer, score

s08 = load("09_summary_quiz")


def test_every_lesson_01_to_07_has_a_question():
    assert {"01", "02", "03", "04", "05", "06", "07"} <= {q.lesson for q in QUIZ}


def test_reference_answers_score_full_marks_and_each_wrong_answer_fails():
    assert score(s08.quiz_answers).passed
    for k, q in enumerate(QUIZ, start=1):
        assert check_answer(k, s08.quiz_answers[k]).passed, k
        wrong = ("A" if q.answer != "A" else "D") if q.kind == "choice" else float(q.answer) + 1
        assert not check_answer(k, wrong).passed, k
        assert "还没有作答" in check_answer(k, None).message


def test_answers_agree_with_what_the_lessons_compute():
    from helpers.attention import causal_mask, softmax
    from helpers.compare import expected, measure_layer

    by_text = {q.text: q for q in QUIZ}
    q_rounds = next(q for q in QUIZ if "n = 256" in q.text)
    assert q_rounds.answer == expected("attention", 256, d=64)["steps"] == 4  # 06's table: 4 rounds for every n
    assert check_answer(QUIZ.index(q_rounds) + 1, 4).passed  # the lesson's count is accepted
    assert measure_layer("attention", 16, d=8, rng=np.random.default_rng(1)).steps == 4
    q_mask = next(q for q in QUIZ if "因果掩码" in q.text)
    assert q_mask.answer == causal_mask(5)[2].sum() == 3
    q_w = next(q for q in QUIZ if "8.2 和 0.5" in q.text)
    assert abs(q_w.answer - softmax(np.array([8.2, 0.5]) / 8)[0]) < 1e-12
    assert check_answer(QUIZ.index(q_w) + 1, 0.72).passed
    assert all("遮挡" not in q.text + q.explanation for q in by_text.values())


def test_lesson_01_question_matches_the_lesson():
    """In 01 every word of 猫吃鱼 attends most to itself when word vectors are compared directly."""
    from helpers.attention import softmax
    from helpers.text import embed, tokenize

    X, _ = embed(tokenize("猫吃鱼"))
    w = softmax(X @ X.T)
    assert list(np.argmax(w, axis=1)) == [0, 1, 2]
    assert QUIZ[0].answer == "A" and QUIZ[0].options[0] == "它自己"


def test_messages_and_score():
    assert "字母" in check_answer(1, "Z").message
    assert "一个数" in check_answer(3, "eight").message
    half = {**s08.quiz_answers, 1: "D", 13: "A"}
    r = score(half)
    assert not r.passed and f"{len(QUIZ) - 2} / {len(QUIZ)}" in r.message and "1、13" in r.message
    r = score({})
    assert not r.passed and "还没作答的题" in r.message and "没答对" not in r.message


def test_widget_starts_unanswered_and_does_not_count_untouched_questions():
    w = QuizWidget()
    assert w.choice.value is None
    r = w.check()
    assert not r.passed and r.message == UNANSWERED == "请先选择/填写答案。" and w.results == {}
    assert "None" not in w.feedback.value
    w.choice.value = "A"
    assert w.check().passed and w.results == {1: True}
    w.next_button.click()
    w.next_button.click()
    assert w.index == 2 and w.answer_box.children == (w.number,) and w.number.value == ""
    assert w.check().message == UNANSWERED and w.results == {1: True}
    w.number.value = "8.2"
    assert w.check().passed
    w.next_button.click()
    w.number.value = "0.5"
    assert not w.check().passed and "答对 2 题" in w.progress.value and "已检查 3 题" in w.progress.value
    w.number.value = "abc"
    assert "一个数" in w.check().message
    w.show(99)
    assert w.index == len(QUIZ) - 1


@pytest.mark.parametrize("k", range(1, len(QUIZ) + 1))
def test_question_renders_as_markdown(k):
    md = QUIZ[k - 1].markdown(k)
    assert md.startswith(f"**第 {k} 题**") and QUIZ[k - 1].lesson in md

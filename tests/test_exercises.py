"""Exercises of notebooks 00–04: reference solutions pass, plausible wrong answers are caught."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from helpers import exercises as ex
from helpers.attention import softmax

SOLUTIONS = Path(__file__).resolve().parent.parent / "notebooks" / "solutions"


def load(name):
    spec = importlib.util.spec_from_file_location(name, SOLUTIONS / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def not_written(*args):
    raise NotImplementedError


s00, s01, s02, s03, s04 = (load(n) for n in ("00_course_intro", "01_core_idea", "02_qkv", "03_scores_softmax",
                                             "04_weighted_sum"))


def naive_softmax(x):
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


def attention_no_scale(Q, K, V):
    w = softmax(Q @ K.T)
    return w @ V, w


def attention_column_softmax(Q, K, V):
    w = softmax(Q @ K.T / np.sqrt(Q.shape[-1]), axis=0)
    return w @ V, w


def masked_by_zeroing_scores(Q, K, V, mask):
    s = np.where(mask, Q @ K.T / np.sqrt(Q.shape[-1]), 0.0)
    w = softmax(s)
    return w @ V, w


CASES = [
    (ex.check_dot, s00.dot, [lambda a, b: a * b, lambda a, b: float(np.sum(a + b))]),
    (ex.check_matmul_shape, s00.matmul_shape, [(3, 4), (4, 2), "3x2"]),
    (ex.check_similarity, s01.similarity, [lambda X: X.T @ X, lambda X: X * X]),
    (ex.check_most_attended, s01.most_attended,
     [lambda w, t, word: t[int(np.argmax(w[:, t.index(word)]))], lambda w, t, word: t[int(np.argmin(w[t.index(word)]))]]),
    (ex.check_projection, s02.project, [lambda X, a, b, c: (X @ a, X @ a, X @ c), lambda X, a, b, c: (a, b, c)]),
    (ex.check_raw_scores, s02.raw_scores, [lambda Q, K: Q @ K.T / np.sqrt(Q.shape[1]), lambda Q, K: K @ Q.T]),
    (ex.check_softmax, s03.my_softmax, [naive_softmax, lambda x: np.exp(x) / np.exp(x).sum(), lambda x: x / x.sum()]),
    (ex.check_scaled_softmax, s03.scaled_softmax, [lambda s, d: softmax(s / d), lambda s, d: softmax(s)]),
    (ex.check_dot_variance, s03.variance_answer, [8, 1, "64?"]),
    (ex.check_weighted_sum, s04.weighted_sum, [lambda w, V: V @ np.ones(V.shape[1]), lambda w, V: w @ V[::-1]]),
    (ex.check_attention, s04.my_attention, [attention_no_scale, attention_column_softmax, lambda Q, K, V: Q]),
    (ex.check_masked_attention, s04.my_masked_attention, [masked_by_zeroing_scores,
                                                         lambda Q, K, V, m: s04.my_attention(Q, K, V)]),
]


@pytest.mark.parametrize("check, solution, wrong", CASES, ids=[c[0].__name__ for c in CASES])
def test_reference_passes_wrong_answers_fail(check, solution, wrong):
    result = check(solution)
    assert result.passed, result.message
    assert "通过" in result.message or "对" in result.message
    for answer in wrong:
        bad = check(answer)
        assert not bad.passed, f"{check.__name__} accepted a wrong answer"
        assert len(bad.message) > 10


@pytest.mark.parametrize("check", [c[0] for c in CASES if callable(c[1])], ids=lambda c: c.__name__)
def test_stub_and_bad_returns_get_a_helpful_message(check):
    r = check(not_written)
    assert not r.passed and "NotImplementedError" in r.message
    r = check(lambda *args: None)
    assert not r.passed and "return" in r.message


def test_design_query():
    from helpers.toy import toy_qkv

    toy = toy_qkv("猫吃鱼")
    assert ex.check_design_query(s02.q_fish, toy.K, toy.tokens, "吃").passed
    assert not ex.check_design_query([0, 0, 5.0], toy.K, toy.tokens, "吃").passed
    assert "-10 到 10" in ex.check_design_query([1000, 0, 0], toy.K, toy.tokens, "吃").message
    assert "3 个分量" in ex.check_design_query([1, 2], toy.K, toy.tokens, "吃").message


def test_failure_message_names_first_failing_case_and_hint():
    r = ex.check_softmax(naive_softmax)
    assert "第 3 个例子" in r.message and "提示" in r.message
    html = r._repr_html_()
    assert "#D55E00" in html


def test_readers_function_cannot_corrupt_later_cases():
    seen = []

    def destructive(x):
        seen.append(x.copy())
        x[...] = 0
        return s03.my_softmax(seen[-1])

    assert ex.check_softmax(destructive).passed


s09 = load("09_summary_quiz")


def test_notebook_09_exercises():
    assert ex.check_positional_encoding(s09.positional_encoding).passed
    swapped = lambda n, d: s09.positional_encoding(n, d)[:, ::-1]  # sin and cos columns swapped
    assert not ex.check_positional_encoding(swapped).passed
    assert not ex.check_positional_encoding(lambda n, d: np.sin(np.arange(n)[:, None] * np.ones(d))).passed
    assert ex.check_self_attention_layer(s09.self_attention_layer).passed
    no_values = lambda X, a, b, c: softmax((X @ a) @ (X @ b).T / np.sqrt(a.shape[1])) @ X
    assert not ex.check_self_attention_layer(no_values).passed


def test_quiz_reference_answers_score_full_marks_and_wrong_ones_do_not():
    from helpers.quiz import QUIZ, QuizWidget, check_answer, score

    assert 8 <= len(QUIZ) <= 12
    assert score(s09.quiz_answers).passed
    lessons = {q.lesson for q in QUIZ}
    assert {"02", "03", "04", "05", "06", "07"} <= lessons
    for k, q in enumerate(QUIZ, start=1):
        assert check_answer(k, s09.quiz_answers[k]).passed, k
        wrong = "A" if q.kind == "choice" and q.answer != "A" else ("D" if q.kind == "choice" else float(q.answer) + 1)
        assert not check_answer(k, wrong).passed, k
        assert not check_answer(k, None).passed
    assert "字母" in check_answer(1, "Z").message
    assert "一个数" in check_answer(2, "eight").message
    half = {**s09.quiz_answers, 1: "A", 12: "A"}
    r = score(half)
    assert not r.passed and "10 / 12" in r.message and "1、12" in r.message

    w = QuizWidget()
    w.choice.value = "B"
    assert w.check().passed and w.results == {1: True}
    w.next_button.click()
    assert w.index == 1 and w.answer_box.children == (w.number,)
    w.number.value = 8.2
    assert w.check().passed
    w.next_button.click()
    w.number.value = 0.5
    assert not w.check().passed and "答对 2 题" in w.progress.value
    w.show(99)
    assert w.index == len(QUIZ) - 1


s07 = load("07_it_animal")


def test_notebook_07_exercises():
    assert ex.check_top_head(s07.top_head).passed
    first_max = lambda w, t, q, k: (0, int(np.argmax(w[0, :, t.index(q), t.index(k)])))
    assert not ex.check_top_head(first_max).passed
    swapped = lambda w, t, q, k: s07.top_head(w, t, k, q)
    assert not ex.check_top_head(swapped).passed
    assert ex.check_layer_norm(s07.layer_norm).passed
    sample_var = lambda x, g, b: (x - x.mean(-1, keepdims=True)) / x.std(-1, ddof=1, keepdims=True) * g + b
    assert not ex.check_layer_norm(sample_var).passed
    from helpers.pretrained import layer_norm

    assert ex.check_layer_norm(lambda x, g, b: layer_norm(x, g, b)).passed

"""Exercises of notebook 01: the reference passes, other correct forms pass, plausible mistakes are named."""

import numpy as np
import pytest
from exercise_harness import assert_fails, assert_passes, load

from helpers import exercises as ex

s = load("01_core_idea")


@pytest.mark.parametrize("answer", [s.similarity, lambda X: np.dot(X, X.T), lambda X: np.einsum("id,jd->ij", X, X),
                                    lambda X: np.array([[a @ b for b in X] for a in X])])
def test_similarity_correct_forms(answer):
    assert_passes(ex.check_similarity, answer)


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda X: X.T @ X, "Xᵀ X"),
    (lambda X: X * X, "逐元素相乘"),
    (lambda X: (X / np.linalg.norm(X, axis=1, keepdims=True)) @ (X / np.linalg.norm(X, axis=1, keepdims=True)).T,
     "余弦相似度"),
])
def test_similarity_mistakes(answer, diagnosis):
    assert_fails(ex.check_similarity, answer, diagnosis)


@pytest.mark.parametrize("answer", [s.most_attended,
                                    lambda w, t, word: t[list(w[t.index(word)]).index(max(w[t.index(word)]))]])
def test_most_attended_correct_forms(answer):
    assert_passes(ex.check_most_attended, answer)


def _last_of_ties(w, t, word):
    row = list(w[t.index(word)])
    return t[len(row) - 1 - row[::-1].index(max(row))]


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda w, t, word: t[int(np.argmax(w[:, t.index(word)]))], "那一列"),
    (lambda w, t, word: t[int(np.argmin(w[t.index(word)]))], "最小"),
    (_last_of_ties, "并列最大"),
    (lambda w, t, word: t[int(np.argmax(np.where(np.eye(len(t))[t.index(word)] > 0, -1.0, w[t.index(word)])))],
     "把 word 自己排除了"),
    (lambda w, t, word: int(np.argmax(w[t.index(word)])), "下标"),
])
def test_most_attended_mistakes(answer, diagnosis):
    assert_fails(ex.check_most_attended, answer, diagnosis)


def test_not_self_design():
    assert_passes(ex.check_not_self, s.X_design)
    assert_passes(ex.check_not_self, [[0.0, 1.0], [0.5, 3.0]])
    assert "还没写" in ex.check_not_self(None).message
    assert_fails(ex.check_not_self, np.eye(2), "还是最关注自己")
    assert_fails(ex.check_not_self, [[2.0, 0.0], [1.0, 0.0]], "还是最关注自己")
    assert_fails(ex.check_not_self, [[1.0, 0.0, 0.0]], "(2, 2)")
    result = assert_fails(ex.check_not_self, [[20.0, 0.0], [1.0, 0.0]], "20 超出了这个范围")
    assert "形状" not in result.message


def test_no_two_words_can_both_prefer_the_other():
    """The claim in check_not_self's message: x0·x1 ≤ max(|x0|², |x1|²), on many random pairs."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10_000, 2, 5)) * rng.uniform(0.1, 10, size=(10_000, 2, 1))
    S01 = np.einsum("nd,nd->n", X[:, 0], X[:, 1])
    assert np.all(S01 <= np.maximum((X[:, 0] ** 2).sum(1), (X[:, 1] ** 2).sum(1)) + 1e-9)


def test_the_pass_message_shows_enough_digits_to_see_the_difference():
    result = assert_passes(ex.check_not_self, [[1.0, 0.0], [1.0000001, 0.0]])
    assert "（1.0000001 > 1）" in result.message and "（1 > 1）" not in result.message


def test_argmax_over_the_whole_matrix_gets_a_project_message_not_a_bare_index_error():
    result = assert_fails(ex.check_most_attended, lambda w, t, word: t[int(np.argmax(w))],
                          "你用来取 tokens 的下标超出了范围（tokens 只有 n 个词）。如果用了 np.argmax(weights)")
    assert "IndexError" in result.message  # numpy's/Python's own words only after the project's


def test_dividing_by_sqrt_d_is_named():
    assert_fails(ex.check_similarity, lambda X: X @ X.T / np.sqrt(X.shape[1]), "你把点积除以了 √d：这一题要的是点积本身")


def test_the_fail_message_shows_enough_digits_too():
    result = assert_fails(ex.check_not_self, [[1.0000001, 0.0], [1.0, 0.0]], "（1.0000002 ≥ 1.0000001）")
    assert "（1 ≥ 1）" not in result.message

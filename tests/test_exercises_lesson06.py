"""Exercises of notebook 06: the reference passes, other correct forms pass, plausible mistakes are named."""

import math

import numpy as np
import pytest
from exercise_harness import assert_fails, assert_passes, load

from helpers import exercises as ex

s = load("06_vs_rnn_cnn")


def rnn_preallocated(X, W_x, W_h, b):
    H = np.zeros((len(X), W_h.shape[0]))
    h = np.zeros(W_h.shape[0])
    for t in range(len(X)):
        h = H[t] = np.tanh(X[t] @ W_x + h @ W_h + b)
    return H


@pytest.mark.parametrize("answer", [s.rnn_forward, rnn_preallocated])
def test_rnn_correct_forms(answer):
    assert_passes(ex.check_rnn, answer)


def rnn(X, W_x, W_h, b, recur=True, last=False, swap=False, pre=False):
    h, out = np.zeros(W_h.shape[0]), []
    for x in X:
        z = (x @ W_h + h @ W_x if swap else x @ W_x + (h @ W_h if recur else 0)) + b
        h = z if pre else np.tanh(z)
        out.append(np.tanh(h) if pre else h)
    return out[-1] if last else np.array(out)


def _linear_states(X, Wx, Wh, b):
    h = np.zeros(Wh.shape[0])
    for x in X:
        h = x @ Wx + h @ Wh + b
        yield h


def _late_states(X, Wx, Wh, b):
    h = np.zeros(Wh.shape[0])
    for x in X:
        yield h
        h = np.tanh(x @ Wx + h @ Wh + b)


def _ones_start(X, Wx, Wh, b):
    h = np.ones(Wh.shape[0])
    for x in X:
        h = np.tanh(x @ Wx + h @ Wh + b)
        yield h


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda *a: rnn(*a, recur=False), "没有用上一步的 h"),
    (lambda *a: rnn(*a, last=True), "只返回了最后一个 h"),
    (lambda *a: rnn(*a, pre=True), "没有经过 tanh"),
    (lambda *a: rnn(*a, swap=True), "用反了"),
    (lambda X, Wx, Wh, b: np.array(list(_linear_states(X, Wx, Wh, b))), "没有 tanh"),
    (lambda X, Wx, Wh, b: np.array(list(_late_states(X, Wx, Wh, b))), "off-by-one"),
    (lambda X, Wx, Wh, b: np.array(list(_ones_start(X, Wx, Wh, b))), "h_{-1} 应全是 0"),
])
def test_rnn_mistakes(answer, diagnosis):
    assert_fails(ex.check_rnn, answer, diagnosis)


def path_with_log_rounded(kind, n, k):
    if kind == "cnn_dilated":
        return math.ceil(round(math.log(n, k), 9))
    return s.predicted_path_length(kind, n, k)


@pytest.mark.parametrize("answer", [s.predicted_path_length, path_with_log_rounded])
def test_path_length_correct_forms(answer):
    assert_passes(ex.check_path_length, answer)


def other(kind, n, k):
    return s.predicted_path_length(kind, n, k)


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda kind, n, k: math.ceil(math.log(n, k)) if kind == "cnn_dilated" else other(kind, n, k), "浮点误差"),
    (lambda kind, n, k: n // k if kind == "cnn" else other(kind, n, k), "n / k"),
    (lambda kind, n, k: math.ceil(n / (k - 1)) if kind == "cnn" else other(kind, n, k), "n 而不是 n − 1"),
    (lambda kind, n, k: n if kind == "rnn" else other(kind, n, k), "RNN 按 n 步"),
    (lambda kind, n, k: int(math.log(n, k) + 1e-9) if kind == "cnn_dilated" else other(kind, n, k), "向下取整"),
    (lambda kind, n, k: math.ceil(math.log(n - 1, k) - 1e-9) if kind == "cnn_dilated" else other(kind, n, k), "log(n − 1)"),
])
def test_path_length_mistakes(answer, diagnosis):
    assert_fails(ex.check_path_length, answer, diagnosis)


def test_path_length_is_graded_by_measurement_and_the_float_log_trap_is_real():
    from helpers.compare import path_length

    assert path_length("cnn_dilated", 125, k=5, rng=np.random.default_rng(0)) == 3
    assert math.ceil(math.log(125, 5)) == 4


def max_length_by_search(m, h, L, b):
    n = int((m // (h * L * b)) ** 0.5)  # a float guess, then corrected with integers
    while n * n * h * L * b > m:
        n -= 1
    while (n + 1) ** 2 * h * L * b <= m:
        n += 1
    return n


@pytest.mark.parametrize("answer", [s.max_length, max_length_by_search,
                                    lambda m, h, L, b: np.int64(math.isqrt(m // (h * L * b)))])
def test_max_length_correct_forms(answer):
    assert_passes(ex.check_max_length, answer)


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda m, h, L, b: m // (h * L * b), "线性"),
    (lambda m, h, L, b: math.isqrt(m // (h * b)), "少乘了层数"),
    (lambda m, h, L, b: round(math.sqrt(m / (h * L * b))), "四舍五入"),
    (lambda m, h, L, b: math.ceil(math.sqrt(m / (h * L * b))), "向上取整"),
    (lambda m, h, L, b: int(np.sqrt(m / (h * L * b))), "浮点数开平方"),
    (lambda m, h, L, b: int(math.floor(math.sqrt(m / (h * L * b)))), "浮点数开平方"),
    (lambda m, h, L, b: math.isqrt(m // (L * b)), "少乘了头数"),
])
def test_max_length_mistakes(answer, diagnosis):
    assert_fails(ex.check_max_length, answer, diagnosis)


def test_max_length_passed_note_is_computed():
    assert s.max_length(16 * 2 ** 30, 12, 12, 4) == 5461  # "约 5 千个词元"
    assert s.max_length(16 * 2 ** 30, 12, 12, 4) ** 2 * 12 * 12 * 4 <= 16 * 2 ** 30


def test_longest_within_is_graded_by_measurement():
    from helpers.compare import path_length

    assert_passes(ex.check_longest_within, s.n_max)
    assert_passes(ex.check_longest_within, np.int64(81))
    assert_passes(ex.check_longest_within, 81.0)
    assert_passes(ex.check_longest_within, np.float64(81.0))
    rng = np.random.default_rng(0)
    assert path_length("cnn_dilated", 81, k=3, rng=rng) == 4 and path_length("cnn_dilated", 82, k=3, rng=rng) == 5
    assert "还没写" in ex.check_longest_within(None).message
    for wrong, diagnosis in ((82, "还是 n − 1 段距离"), (80, "能放下的词数是什么关系"), (64, "还能更长"), (243, "超过了 4 跳"),
                             (81.5, "应是一个整数"), ("81", "应是一个整数"), (True, "应是一个整数"), (1, "至少是 2")):
        assert_fails(ex.check_longest_within, wrong, diagnosis)
    assert ex.check_longest_within(16, hops=4, k=2).passed


def test_tanh_around_the_input_term_only_is_named():
    def tanh_outside(X, W_x, W_h, b):  # the student's code
        h, H = np.zeros(W_h.shape[0]), np.zeros((len(X), W_h.shape[0]))
        for t in range(len(X)):
            h = np.tanh(X[t] @ W_x) + h @ W_h + b
            H[t] = h
        return H

    result = assert_fails(ex.check_rnn, tanh_outside, "tanh 只包住了 x_t W_x 那一项")
    assert "没有经过 tanh" not in result.message


@pytest.mark.parametrize(("answer", "named"), [
    (lambda m, h, L, b: math.isqrt(int(m / (h * L * b))), "开平方用了 math.isqrt，可它之前的除法用了 /（浮点除法）"),
    (lambda m, h, L, b: int(math.sqrt(m / (h * L * b))), "你用浮点数开平方（math.sqrt 或 np.sqrt）再取整"),
    (lambda m, h, L, b: int(np.sqrt(m // (h * L * b))), "你用浮点数开平方（math.sqrt 或 np.sqrt）再取整"),
    (lambda m, h, L, b: math.isqrt(m // (h * L)), "少乘了每个数的字节数"),
])
def test_max_length_float_steps_are_told_apart(answer, named):
    result = assert_fails(ex.check_max_length, answer, named)
    assert "math.isqrt（整数平方根）" not in result.message  # the first tier names the mistake, not the function to use


def test_max_length_exact_integer_forms_pass():
    assert_passes(ex.check_max_length, lambda m, h, L, b: float(math.isqrt(m // (h * L * b))))
    assert_passes(ex.check_max_length, lambda m, h, L, b: np.int64(math.isqrt(m // (h * L * b))))


def test_dilated_log_of_n_minus_1_is_named_without_the_rule():
    def path(kind, n, k):
        return s.predicted_path_length(kind, n, k) if kind != "cnn_dilated" else (
            math.ceil(math.log(n - 1, k)) if n > 2 else 1)

    result = assert_fails(ex.check_path_length, path, "空洞卷积差了一个位置")
    assert "k**L ≥ n" not in result.message


def test_integer_answers_are_read_alike_in_06_3_and_06_4():
    forms_ok = (int, float, np.int64)
    forms_odd = (str, lambda n: n + 0.5, lambda n: True)
    for convert in forms_ok:
        ex.reset_hints()
        assert ex.check_max_length(lambda *a, c=convert: c(s.max_length(*a))).passed, convert
        ex.reset_hints()
        assert ex.check_longest_within(convert(81)).passed, convert
    for convert in forms_odd:
        ex.reset_hints()
        result = ex.check_max_length(lambda *a, c=convert: c(s.max_length(*a)))
        assert not result.passed and "应返回一个整数" in result.message, result.message
        ex.reset_hints()
        result = ex.check_longest_within(convert(81))
        assert not result.passed and "应是一个整数" in result.message, result.message

"""Exercises of notebook 00: the reference passes, other correct forms pass, plausible mistakes are named."""

import numpy as np
import pytest
from exercise_harness import assert_fails, assert_passes, load

from helpers import exercises as ex

s = load("00_course_intro")


@pytest.mark.parametrize("answer", [s.dot, lambda a, b: a @ b, lambda a, b: np.dot(a, b),
                                    lambda a, b: sum(x * y for x, y in zip(a, b))])
def test_dot_correct_forms(answer):
    assert_passes(ex.check_dot, answer)


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda a, b: a * b, "还差一步：把它们加起来"),
    (lambda a, b: float(np.sum(a + b)), "相加了，不是相乘"),
    (lambda a, b: float(np.sum(a) * np.sum(b)), "先把每个向量各自求和"),
])
def test_dot_mistakes(answer, diagnosis):
    assert_fails(ex.check_dot, answer, diagnosis)


def test_shapes():
    assert_passes(ex.check_shapes, s.shapes)
    assert_passes(ex.check_shapes, {k: list(v) for k, v in s.shapes.items()})
    assert "还没写" in ex.check_shapes({k: None for k in s.shapes}).message
    assert_passes(ex.check_shapes, {k: (np.int64(a), float(b)) for k, (a, b) in s.shapes.items()})
    for key, got, diagnosis in (("Q = X @ W_Q", (3, 5), "行和列反了"), ("Q @ K.T", (3, 3), "Qᵀ @ K"),
                                ("weights @ V", (5, 5), "权重的形状"), ("Q = X @ W_Q", (5, 9), "X 的形状"),
                                ("Q @ K.T", (5, 3), "Q 自己的形状")):
        first = assert_fails(ex.check_shapes, {**s.shapes, key: got}, diagnosis).message
        assert "(5, 3) @ (3, 5)" not in first and "K.T 是 (" not in first and "往哪里看：" not in first, first
    for odd in ("53", (5.9, 3.1), (True, 3), "5, 3", (5, 3, 1), 53):
        result = assert_fails(ex.check_shapes, {**s.shapes, "Q = X @ W_Q": odd}, "两个整数组成的元组")
        assert result.diagnosis == "format"


@pytest.mark.parametrize("answer", [s.row_sums, lambda M: M.sum(axis=-1), lambda M: M.sum(axis=1, keepdims=True)[:, 0],
                                    lambda M: np.array([sum(row) for row in M])])
def test_row_sums_correct_forms(answer):
    assert_passes(ex.check_row_sums, answer)


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda M: M.sum(axis=0), "每一列的和"),
    (lambda M: M.sum(), "整个矩阵加成了一个数"),
    (lambda M: M.mean(axis=1), "平均值"),
    (lambda M: M.sum(axis=1, keepdims=True), "keepdims：形状是 (n, 1)"),
    (lambda M: M.sum(axis=-1, keepdims=True), "keepdims：形状是 (n, 1)"),
])
def test_row_sums_mistakes(answer, diagnosis):
    assert_fails(ex.check_row_sums, answer, diagnosis)


IN_PLACE = "你改动了传入的 M（原地修改，像 -=、*=、x[0] = 0）：调用者手里的数组也跟着变了。要返回新数组，不要改动输入。"


def test_row_sums_that_writes_running_sums_into_M_is_rejected():
    def rs(M):  # the student's code: the running sums written into the caller's matrix
        M[:, :] = M.cumsum(axis=1)
        return M[:, -1].copy()

    result = assert_fails(ex.check_row_sums, rs, IN_PLACE)
    assert result.diagnosis == "in place"
    assert_passes(ex.check_row_sums, lambda M: M.cumsum(axis=1)[:, -1])  # the same idea on a new array passes


@pytest.mark.parametrize(("answer", "named"), [
    (lambda a, b: np.linalg.norm(a) * np.linalg.norm(b), "你返回的是两个向量长度（范数 norm）的乘积 |a|·|b|，不是点积"),
    (lambda a, b: sum(a), "你的结果只用到了 a：另一个向量没有参与计算。"),
    (lambda a, b: float(b @ b), "你的结果只用到了 b：另一个向量没有参与计算。"),
    (lambda a, b: np.sum(a) * np.sum(b), "你先把每个向量各自求和，再相乘"),
])
def test_dot_mistakes_are_named_by_what_was_done(answer, named):
    assert_fails(ex.check_dot, answer, named)

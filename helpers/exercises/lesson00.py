"""Warm-up exercises of notebook 00: dot product, predicting shapes, sums along an axis."""

from __future__ import annotations

import numpy as np

from ._core import Case, Exercise, Mistake, _Reject, check_value, compare_arrays, fmt, rng, run_check


def _scalar(got, want, case):
    if isinstance(got, np.ndarray) and got.ndim > 0 and got.size > 1:
        raise _Reject(f"应返回一个数，你返回了形状 {got.shape} 的数组。")
    return compare_arrays(got, want, case, name="点积")


def _dot_cases():
    r = rng(0)
    a, b = r.normal(size=5), r.normal(size=5)
    return [Case("文章的词向量和自己", (np.array([0.2, -0.5, 1.3]), np.array([0.2, -0.5, 1.3]))),
            Case("互相垂直的两个向量", (np.array([1.0, 0.0]), np.array([0.0, 3.0]))),
            Case("随机的 5 维向量", (a, b), hidden=True),
            Case("只有 1 维", (np.array([-2.0]), np.array([4.0])), hidden=True)]


DOT = Exercise(
    "00-1", _dot_cases, lambda a, b: float(a @ b),
    where="点积是“对应分量相乘，再全部相加”，结果是一个数。",
    how="先 a * b（逐个分量相乘），再 np.sum(...)；或者直接 a @ b。",
    compare=_scalar,
    mistakes=[Mistake("你返回的是逐个分量的乘积（一个向量），还差一步：把它们加起来。", "return 那一行。",
                      lambda a, b: a * b),
              Mistake("你把分量相加了，不是相乘：a + b。", "运算符：点积用乘法。", lambda a, b: float(np.sum(a + b))),
              Mistake("你先把每个向量各自求和，再相乘；要先逐个分量相乘，再求和。", "求和与相乘的顺序。",
                      lambda a, b: float(np.sum(a) * np.sum(b))),
              Mistake("你返回的是两个向量长度（范数 norm）的乘积 |a|·|b|，不是点积：长度相乘不看两个向量的方向"
                      "（互相垂直的两个向量，点积是 0）。", "np.linalg.norm 算的是长度。",
                      lambda a, b: float(np.linalg.norm(a) * np.linalg.norm(b))),
              *[Mistake(f"你的结果只用到了 {name}：另一个向量没有参与计算。", "return 那一行：a 和 b 都要用上。", produce)
                for name, produce in (("a", lambda a, b: float(np.sum(a))), ("b", lambda a, b: float(np.sum(b))),
                                      ("a", lambda a, b: float(a @ a)), ("b", lambda a, b: float(b @ b)))]])


def check_dot(fn, hint=None):
    """Exercise 00-1: fn(a, b) returns the dot product of two vectors (a number)."""
    return run_check(DOT, fn, hint)


# X (5, 9), W_Q and W_K (9, 3), W_V (9, 4)
SHAPES = {"Q = X @ W_Q": (5, 3), "Q @ K.T": (5, 5), "weights @ V": (5, 4)}
# a wrong shape -> (what it is, tier 1: names no answer; where to look, tier 2)
_SHAPE_MISTAKES = {
    "Q = X @ W_Q": {(3, 5): ("行和列反了", "行是词，列是坐标"), (9, 3): ("这是 W_Q 自己的形状", "X 的每一行（每个词）都会留下来"),
                    (5, 9): ("这是 X 的形状", "中间那一维被“消掉”，留下 W_Q 的列数")},
    "Q @ K.T": {(3, 3): ("这是 Qᵀ @ K 的形状", "Q @ K.T 给每一对词一个数"), (5, 3): ("这是 Q 自己的形状", "K.T 是把 K 转置")},
    "weights @ V": {(5, 5): ("这是权重的形状", "乘 V 之后每个词得到 V 的每一列"), (5, 3): ("列数不对", "V 的列数由 W_V 决定")},
}
_RULE = "(a, b) @ (b, c) 的结果是 (a, c)：中间相同的 b 消掉。"
_HOW = ("每个乘法单独推：先写下 @ 两边的形状（K 的形状和 Q 一样，由 X @ W_K 推出；.T 把形状的两个数对调；"
        "weights 的形状就是你对 Q @ K.T 的答案），检查中间的数相同，再留下外面的两个数。")


def _shape_of(value):
    """(rows, columns) as two ints, or None: only integers count (5 and 5.0 yes; "5", 5.9 and True no)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)) or len(value) != 2:
        return None
    out = []
    for x in value:
        if isinstance(x, (bool, np.bool_)):
            return None
        if isinstance(x, (int, np.integer)):
            out.append(int(x))
        elif isinstance(x, (float, np.floating)) and float(x).is_integer():
            out.append(int(x))
        else:
            return None
    return tuple(out)


def check_shapes(answers, hint=None):
    """Exercise 00-2: predict three shapes of the attention pipeline before running any code."""
    if not isinstance(answers, dict) or set(answers) != set(SHAPES):
        return check_value("00-2", False, f"请填一个字典，键是 {fmt(list(SHAPES))}，值是形状元组。",
                           "单元格里的 shapes = {...}。", "照着 (a, b) @ (b, c) -> (a, c) 逐个推。", hint)
    if all(v is None for v in answers.values()):
        return check_value("00-2", False, "还没写（not written yet）：把每个 None 换成你预测的形状，例如 (5, 7)。",
                           "", "", hint, diagnosis="not written")
    for key, want in SHAPES.items():
        got = _shape_of(answers[key])
        if got is None:
            return check_value("00-2", False, f"“{key}”的值应是两个整数组成的元组，例如 (5, 7)；收到 {answers[key]!r}"
                               f"（{type(answers[key]).__name__}）。字符串和带小数的数不算形状。",
                               "每个值写成 (行数, 列数)，两个整数。", _HOW, hint, diagnosis="format")
        if got != want:
            what, where = _SHAPE_MISTAKES[key].get(got, ("", "再按规则推一遍"))
            return check_value("00-2", False, f"“{key}”：{fmt(got)} 不对" + (f"——{what}。" if what else "。"),
                               f"{where}；{_RULE}", _HOW, hint, diagnosis=what or "shape")
    return check_value("00-2", True, "", "", "", hint,
                       passed="三个形状都对。运行下一个单元格，用 numpy 验证你的预测。")


def _sum_cases():
    r = rng(1)
    return [Case("2 × 3 的矩阵", (np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),)),
            Case("3 × 3 的矩阵", (np.arange(9.0).reshape(3, 3),), hidden=True),
            Case("随机的 4 × 7", (r.normal(size=(4, 7)),), hidden=True),
            Case("只有一行", (np.array([[0.5, 0.25, 0.25]]),), hidden=True)]


def _row_sums_compare(got, want, case):
    return compare_arrays(got, want, case, name="每一行的和")


ROW_SUMS = Exercise(
    "00-3", _sum_cases, lambda M: M.sum(axis=1),
    where="np.sum 的 axis 参数：axis=0 沿着行往下加（得到每一列的和），axis=1 沿着一行往右加。",
    how="M.sum(axis=1)（或 axis=-1，最后一维）。",
    compare=_row_sums_compare,
    mistakes=[Mistake("keepdims：形状是 (n, 1)，题目要的是 (n,)：每一行的和都对，但多了一维。去掉 keepdims=True。",
                      "np.sum 的 keepdims 参数：它保留被加掉的那一维。", lambda M: M.sum(axis=1, keepdims=True)),
              Mistake("你算的是每一列的和（axis=0）；要的是每一行的和。", "axis 的取值。", lambda M: M.sum(axis=0)),
              Mistake("你把整个矩阵加成了一个数；要每一行一个数。", "np.sum 需要 axis 参数。", lambda M: M.sum()),
              Mistake("你算的是每一行的平均值，不是和。", "np.mean 和 np.sum 的区别。", lambda M: M.mean(axis=1))])


def check_row_sums(fn, hint=None):
    """Exercise 00-3: fn(M) returns the sum of each row of M, shape (n,)."""
    return run_check(ROW_SUMS, fn, hint)

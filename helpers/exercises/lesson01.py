"""Exercises of notebook 01: the similarity matrix, reading a weight row, designing vectors."""

from __future__ import annotations

import numpy as np

from ._core import (
    Case,
    Exercise,
    Mistake,
    _Reject,
    check_value,
    compare_arrays,
    fmt,
    order_text,
    rng,
    run_check,
    shape_text,
)


def _sim_cases():
    r = rng(1)
    return [Case("两个正交的词向量", (np.eye(2),)),
            Case("猫、吃、鱼 的 3 维例子", (np.array([[0.2, -0.5, 1.3], [1.0, 0.0, 0.0], [0.5, 0.5, 0.5]]),)),
            Case("只有 1 个词", (r.normal(size=(1, 4)),), hidden=True),
            Case("随机的 5 个词、9 维", (r.normal(size=(5, 9)),), hidden=True),
            Case("随机的 4 个词、2 维（float32）", (r.normal(size=(4, 2)).astype(np.float32),), hidden=True)]


def _unit(X):
    return X / np.linalg.norm(X, axis=1, keepdims=True)


SIMILARITY = Exercise(
    "01-1", _sim_cases, lambda X: X @ X.T,
    where="第 i 行第 j 列是词 i 的向量和词 j 的向量的点积；结果是 (n, n)：每一对词一个数。",
    how="把 X 和它的转置相乘：(n, d) @ (d, n) -> (n, n)。想一想转置该放在左边还是右边。",
    compare=lambda g, w, c: compare_arrays(g, w, c, name="点积矩阵", atol=1e-5),
    mistakes=[Mistake("你算的是 Xᵀ X：(d, d)，是每一对“特征”的点积，不是每一对词的。", "转置放在哪一边。",
                      lambda X: X.T @ X),
              Mistake("你做的是逐元素相乘（X * X），不是矩阵乘法。", "* 和 @ 的区别。", lambda X: X * X),
              Mistake("你把向量先归一化了（余弦相似度）；这里要点积本身，向量的长度也算数。", "别除以长度。",
                      lambda X: _unit(X) @ _unit(X).T),
              Mistake("你把点积除以了 √d：这一题要的是点积本身，还没有缩放（缩放是第 03 课的事）。", "return 那一行的除法。",
                      lambda X: X @ X.T / np.sqrt(X.shape[1]))])


def check_similarity(fn, hint=None):
    """Exercise 01-1: fn(X) returns the (n, n) matrix of dot products X Xᵀ."""
    return run_check(SIMILARITY, fn, hint)


W1 = np.array([[0.2, 0.7, 0.1], [0.5, 0.2, 0.3], [0.1, 0.8, 0.1]])
TOKENS = ["猫", "吃", "鱼"]


def _most_cases():
    tie = np.array([[0.4, 0.4, 0.2], [0.1, 0.3, 0.6], [0.3, 0.3, 0.4]])
    return [Case("猫 最关注谁", (W1, TOKENS, "猫")), Case("吃 最关注谁", (W1, TOKENS, "吃")),
            Case("另一组权重里的 c", (np.array([[0.1, 0.1, 0.8], [0.3, 0.3, 0.4], [0.6, 0.2, 0.2]]),
                                      ["a", "b", "c"], "c"), hidden=True),
            Case("y 最关注自己", (np.array([[0.5, 0.3, 0.2], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8]]), ["x", "y", "z"], "y"),
                 hidden=True),
            Case("并列最大：0.4 和 0.4", (tie, ["甲", "乙", "丙"], "甲"), hidden=True),
            Case("只有 1 个词", (np.array([[1.0]]), ["猫"], "猫"), hidden=True)]


def _most(w, t, word):
    return t[int(np.argmax(w[t.index(word)]))]


def _word_compare(got, want, case):
    if isinstance(got, (int, np.integer)) and not isinstance(got, str):
        raise _Reject(f"你返回了下标 {fmt(got)}；要返回词本身，例如 tokens[{fmt(got)}]。")
    return None if got == want else f"应是 {want!r}，你的是 {got!r}。"


def _not_self(w, t, word):
    i = t.index(word)
    if len(t) < 2:
        return None
    row = np.where(np.arange(len(t)) == i, -np.inf, w[i])
    return t[int(np.argmax(row))]


def _last_max(w, t, word):
    row = w[t.index(word)]
    return t[len(row) - 1 - int(np.argmax(row[::-1]))]


MOST_ATTENDED = Exercise(
    "01-2", _most_cases, _most,
    where="一行 = 一个词给所有词的权重（它关注谁）；一列 = 所有词给某个词的权重（谁关注它）。",
    how="i = tokens.index(word) 找到行；np.argmax(weights[i]) 找到这一行最大的列；返回 tokens[那一列]。",
    compare=_word_compare,
    errors=[("index out of range", "你用来取 tokens 的下标超出了范围（tokens 只有 n 个词）。如果用了 np.argmax(weights)："
                                   "不给 axis、也不先取出一行时，它在拉平的整个矩阵里找，返回的下标可以到 n² − 1。",
             "np.argmax 作用在哪个数组上：整个矩阵，还是 word 那一行。")],
    mistakes=[Mistake("你读的是 word 那一列（谁关注 word），题目要的是 word 那一行（word 关注谁）。",
                      "weights[i] 和 weights[:, i] 的区别。", lambda w, t, word: t[int(np.argmax(w[:, t.index(word)]))]),
              Mistake("你找的是权重最小的词。", "argmax 和 argmin。", lambda w, t, word: t[int(np.argmin(w[t.index(word)]))]),
              Mistake("你把 word 自己排除了：一个词也可以最关注它自己，这一行的每一列都算数。", "不要跳过对角线。",
                      _not_self),
              Mistake("有两个并列最大时你返回了后一个；约定返回先出现的（np.argmax 就是这样）。", "并列时的规则。",
                      _last_max)])


def check_most_attended(fn, hint=None):
    """Exercise 01-2: fn(weights, tokens, word) returns the token that `word` attends to most."""
    return run_check(MOST_ATTENDED, fn, hint)


def check_not_self(X, hint=None):
    """Exercise 01-3 (design): two word vectors where word 0 attends more to word 1 than to itself.

    Graded on the dot products S = X Xᵀ: S[0, 1] > S[0, 0]; word 1 must still attend most to itself.
    """
    key = "01-3"
    how = ("先随便定一个 x0，写出两个数：S[0, 0] = |x0|² 和 S[0, 1] = x0 · x1。要第二个更大，x1 该和 x0 指向"
           "同一个方向还是相反？它的长度该比 x0 长还是短？试几个 x1，算出这两个数来比较。")
    where = "S[0, 0] = |x0|²，S[0, 1] = x0 · x1：点积既看方向，也看长度。"
    if X is None:
        return check_value(key, False, "还没写（not written yet）：把 None 换成一个 (2, 2) 的数组。", where, how, hint,
                           diagnosis="not written")
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        return check_value(key, False, f"X 应是数字组成的 (2, 2) 数组，收到 {X!r}。", where, how, hint)
    if X.shape != (2, 2):
        return check_value(key, False, f"X 应是形状 (2, 2) 的数组（两个词，每个 2 维），收到形状 {shape_text(X.shape)}。",
                           where, how, hint, diagnosis="shape")
    bad = [float(x) for x in X.ravel() if not (np.isfinite(x) and abs(x) <= 10)]
    if bad:
        return check_value(key, False, f"X 的每个数要在 -10 到 10 之间（不能是 NaN 或 inf），{fmt(bad[0])} 超出了这个范围。",
                           where, how, hint, diagnosis="range")
    S = X @ X.T  # (2, 2) @ (2, 2) -> (2, 2)
    if S[0, 1] <= S[0, 0]:
        return check_value(key, False, f"词 0 和自己的点积 ≥ 和词 1 的（{order_text(S[0, 0], S[0, 1], '≥')}）：它还是最关注自己。",
                           where, how, hint, diagnosis="self")
    return check_value(key, True, "", "", "", hint,
                       passed=f"S = {fmt(S)}：词 0 更关注词 1（{order_text(S[0, 1], S[0, 0])}），而词 1 仍最关注自己"
                              f"（{fmt(S[1, 1])}）。两个词不可能同时更关注对方：x0·x1 ≤ |x0||x1| ≤ max(|x0|², |x1|²)"
                              "——这就是第 02 课要用不同的 Q 和 K 的原因。")

"""Exercises of notebook 03: a stable softmax, choosing d_k, the variance of q·k, a query long enough."""

from __future__ import annotations

import numpy as np

from ._core import Case, Exercise, Mistake, check_value, compare_arrays, fmt, rng, run_check

LARGE = "有上千的分数：exp(1000) 溢出成 inf，inf / inf = NaN；减掉的最大值要让每一行最大的数变成 0"


def _ref(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_cases():
    r = rng(4)
    return [Case("文章的分数 8.2 和 0.5", (np.array([8.2, 0.5]),)),
            Case("全相等的分数（并列）", (np.zeros(4),)),
            Case("一维、很大的分数 [1000, 999, -1000]", (np.array([1000.0, 999.0, -1000.0]),), nan_reason=LARGE),
            Case("二维、两行差得很远 [[1000, 999], [0, -1]]", (np.array([[1000.0, 999.0], [0.0, -1.0]]),),
                 hidden=True, nan_reason=LARGE),
            Case("二维：每一行分别归一化", (r.normal(size=(3, 5)) * 3,), hidden=True),
            Case("二维、很小的分数", (np.array([[-1000.0, -1001.0], [-5.0, 5.0]]),), hidden=True, nan_reason=LARGE),
            Case("只有 1 个分数", (np.array([[7.0]]),), hidden=True),
            Case("一行里的平均值离最大值很远 [2000, -2000]", (np.array([2000.0, -2000.0]),), hidden=True, nan_reason=LARGE),
            Case("二维、平均值离最大值很远 [[1000, 0, -1000], [3, 2, 1]]",
                 (np.array([[1000.0, 0.0, -1000.0], [3.0, 2.0, 1.0]]),), hidden=True, nan_reason=LARGE),
            Case("float32", (r.normal(size=(2, 3)).astype(np.float32),), hidden=True)]


def _naive(x):
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


def _no_keepdims(on_max, on_sum):
    def produce(x):
        if x.ndim < 2:
            return None  # without keepdims a 1-D row is still right
        e = np.exp(x - (x.max(axis=-1) if on_max else x.max(axis=-1, keepdims=True)))
        return e / (e.sum(axis=-1) if on_sum else e.sum(axis=-1, keepdims=True))
    return produce


def _global_max(x):
    e = np.exp(x - x.max())
    return e / e.sum(axis=-1, keepdims=True)


def _global_sum(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum()


SOFTMAX = Exercise(
    "03-1", _softmax_cases, _ref,
    where="三步：减去每一行自己的最大值 → exp → 除以每一行自己的和；每一步都沿最后一维（axis=-1）。",
    how="z = x - x.max(axis=-1, keepdims=True)；e = np.exp(z)；e / e.sum(axis=-1, keepdims=True)。"
        "keepdims=True 让 (n, 1) 能和 (n, m) 对齐。",
    compare=lambda g, w, c: compare_arrays(g, w, c, name="softmax", atol=1e-6),
    forbidden=("softmax",),
    errors=[("broadcast", "形状对不上：二维时 x.max(axis=-1)（或 .sum(axis=-1)）的形状是 (n,)，不能和 (n, m) 对齐"
                          "（没有 keepdims）。", "max 和 sum 的 keepdims 参数。")],
    mistakes=[Mistake("没有 keepdims：二维时 x.max(axis=-1)（或 .sum(axis=-1)）的形状是 (n,)，和 (n, m) 对齐时"
                      "沿错了方向，减去（或除以）的不是每一行自己的数。", "max 和 sum 的 keepdims 参数。", _no_keepdims(True, False)),
              Mistake("没有 keepdims：二维时 .sum(axis=-1) 的形状是 (n,)，和 (n, m) 对齐时沿错了方向，"
                      "除以的不是每一行自己的和。", "sum 的 keepdims 参数。", _no_keepdims(False, True)),
              Mistake("没有 keepdims：二维时 x.max(axis=-1) 和 .sum(axis=-1) 的形状是 (n,)，和 (n, m) 对齐时沿错了方向。",
                      "max 和 sum 的 keepdims 参数。", _no_keepdims(True, True)),
              Mistake("减去的不是每一行的最大值（或者没有减）：最大的分数减完不是 0，exp(上千的数) 溢出成 inf，inf / inf = NaN。"
                      "只有减去最大值，exp 的每个数才都不超过 1。", "exp 之前的那一步。", _naive),
              Mistake("你减去的是整个数组的最大值 x.max()，不是每一行的：两行差得很远时（1000 和 0），"
                      "小的那一行 exp 全变成 0，0 / 0 = NaN。", "max 需要 axis=-1 和 keepdims=True。", _global_max),
              Mistake("你除以的是整个数组的和，不是每一行的和：二维时每一行加起来不等于 1。", "sum 需要 axis=-1。",
                      _global_sum),
              Mistake("沿错了轴：你的每一列加起来是 1，应是每一行。", "axis=0 和 axis=-1。",
                      lambda x: _ref(np.swapaxes(np.atleast_2d(x), 0, -1)).swapaxes(0, -1).reshape(np.shape(x))),
              Mistake("你除以的是每一列的和（sum 沿 axis=0），不是每一行的：二维时每一行加起来不等于 1。",
                      "sum 的 axis。", lambda x: (lambda e: e / e.sum(axis=0, keepdims=True))(
                          np.exp(x - x.max(axis=-1, keepdims=True))) if x.ndim > 1 else None),
              Mistake("你减去的是整个数组的最大值，除以的也是整个数组的和：二维时每一行加起来不等于 1，"
                      "两行差得很远时小的那一行全是 0。", "max 和 sum 都要按行：axis=-1。",
                      lambda x: (lambda e: e / e.sum())(np.exp(x - x.max())) if x.ndim > 1 else None),
              Mistake("没有做 exp：直接除以和，负的分数会得到负的“权重”。", "np.exp。",
                      lambda x: x / x.sum(axis=-1, keepdims=True))])


def check_softmax(fn, hint=None):
    """Exercise 03-1: fn(x) is a numerically stable softmax over the last axis (1-D or 2-D, ±1000)."""
    return run_check(SOFTMAX, fn, hint)


def _weight(d_k):
    return float(_ref(np.array([8.2, 0.5]) / np.sqrt(d_k))[0])


def check_article_d_k(d_k, hint=None):
    """Exercise 03-2 (reasoning): the d_k for which softmax([8.2, 0.5] / √d_k) gives the article's 0.7 (±0.005)."""
    key = "03-2"
    where = "权重只取决于分数差 (8.2 − 0.5) / √d_k：0.7 / 0.3 要求 e^差 = 0.7 / 0.3。"
    how = "解 7.7 / √d_k = ln(0.7 / 0.3)，再平方；或者在几个 d_k 上算 softmax，逐步逼近。"
    if d_k is None:
        return check_value(key, False, "还没写（not written yet）：把 None 换成一个数。", where, how, hint,
                           diagnosis="not written")
    if isinstance(d_k, (str, bytes, bool, np.bool_)) or not isinstance(d_k, (int, float, np.integer, np.floating)):
        return check_value(key, False, f"d_k 应是一个数（不加引号，例如 100），收到 {d_k!r}（{type(d_k).__name__}）。",
                           where, how, hint, diagnosis="format")
    d_k = float(d_k)
    if not d_k > 0:
        return check_value(key, False, f"d_k 应大于 0，收到 {fmt(d_k)}。", where, how, hint)
    w = _weight(d_k)
    if abs(w - 0.7) <= 0.005:
        return check_value(key, True, "", "", "", hint,
                           passed=f"d_k = {fmt(d_k)} 给出 {w:.3f} / {1 - w:.3f}。要恰好 0.7，d_k 约为 83——不是 2 的幂："
                                  "文章的 0.7 / 0.3 是取整后的示意，d_k = 64 给出的是 0.72 / 0.28。")
    if abs(d_k - 9.09) < 0.3:   # √82.6 ≈ 9.09: the answer given as √d_k
        what = f"{fmt(d_k)} 是 √d_k（分数要除以的数），题目问的是 d_k 本身。"
        return check_value(key, False, what, "把它平方。", how, hint, diagnosis="sqrt")
    if abs(d_k - 64) < 0.5:
        what = f"d_k = 64 给出 {w:.3f}（课上算过），不是 0.70。"
    elif abs(w - 0.7) < 0.02:
        what = (f"很接近了：d_k = {fmt(d_k)} 给出第一个权重 {w:.4f}，离 0.70 差 {w - 0.7:+.4f}，"
                "超出了 0.005 的误差范围。")
    else:
        what = f"d_k = {fmt(d_k)} 给出第一个权重 {w:.3f}，离 0.70 还差 {w - 0.7:+.3f}。"
    what += "权重太大，说明 d_k 还要更大（分数差缩得更多）。" if w > 0.7 else "权重太小，说明 d_k 要更小。"
    return check_value(key, False, what, where, how, hint, diagnosis="far")


def check_dot_variance(answer, d_k: int = 64, hint=None):
    """Exercise 03-3: (variance of q·k, variance of q·k / √d_k) for d_k independent N(0, 1) entries.

    The expectation (d_k, 1) is accepted, and so is a measured value within 10 % of it.
    """
    key = "03-3"
    where = "q·k 是 d_k 个独立乘积 q_i k_i 的和，每个乘积的方差是 1；除以常数 c，方差除以 c²。"
    how = "方差相加：d_k 个 1 加起来；再除以 (√d_k)² = d_k。"
    if answer is None or (isinstance(answer, tuple) and all(a is None for a in answer)):
        return check_value(key, False, "还没写（not written yet）：把 None 换成两个数 (缩放前, 缩放后)。", where, how,
                           hint, diagnosis="not written")
    try:
        if any(isinstance(a, (str, bytes, bool, np.bool_)) for a in answer):
            raise TypeError  # "64" is no number here (as in every exercise): the same message as any other odd answer
        before, after = (float(a) for a in answer)
    except (TypeError, ValueError):
        return check_value(key, False, f"请给两个数 (缩放前的方差, 缩放后的方差)，收到 {answer!r}。", where, how, hint)
    if abs(before - np.sqrt(d_k)) < 0.5:
        return check_value(key, False, f"{fmt(before)} 是标准差 √d_k；方差是标准差的平方。", where, how, hint,
                           diagnosis="std")
    if abs(before - d_k) > 0.1 * d_k:
        return check_value(key, False, f"缩放前的方差 {fmt(before)} 不对：课上测得的值在 {d_k} 附近"
                           f"（接受期望值 {d_k}，或误差 10% 以内的测量值）。", where, how, hint, diagnosis="before")
    if abs(after - np.sqrt(d_k)) < 0.5:
        return check_value(key, False, f"缩放后的 {fmt(after)} 不对：你把方差也除以了 √d_k。每个数除以一个常数 c 时，"
                                       "方差除以的不是 c。",
                           where, how, hint, diagnosis="after sqrt")
    if abs(after - 1) > 0.1:
        return check_value(key, False, f"缩放后的方差 {fmt(after)} 不对（接受期望值 1，或误差 10% 以内的测量值）。",
                           where, how, hint, diagnosis="after")
    exact = before == d_k and after == 1
    return check_value(key, True, "", "", "", hint,
                       passed=("期望值正好是" if exact else "你的测量值接近期望值") +
                              f" {d_k} 和 1：缩放把方差拉回 1，softmax 就不会随 d_k 饱和。")


def check_design_query(q, K=None, tokens=None, target: str = "吃", at_least: float = 0.8, hint=None):
    """Exercise 03-4 (design): a query q (entries in [-10, 10]) with softmax(K q / √d_k)[target] ≥ at_least."""
    key = "03-4"
    if K is None or tokens is None:
        from ..toy import toy_qkv
        toy = toy_qkv("猫吃鱼")
        K, tokens = toy.K, toy.tokens
    where = "权重只看分数之差：softmax 要给一个键 0.8，它的分数得比其他的高出一截。"
    how = f"让 q 指向 K(“{target}”)，再把它放长：分数差 = |q|·|K| / √d_k，要让 e^差 足够大。"
    if q is None:
        return check_value(key, False, "还没写（not written yet）：把 None 换成三个数。", where, how, hint,
                           diagnosis="not written")
    try:
        q = np.asarray(q, dtype=float).ravel()
        K = np.asarray(K, dtype=float)
    except (TypeError, ValueError):
        return check_value(key, False, "q 应是一串数字，例如 [1.0, 0.0, 2.0]。", where, how, hint)
    if q.shape != (K.shape[1],):
        return check_value(key, False, f"q 应有 {K.shape[1]} 个分量（和 K 的每一行一样长），收到 {q.size} 个。",
                           where, how, hint, diagnosis="shape")
    if not np.all(np.isfinite(q)) or np.abs(q).max() > 10:
        return check_value(key, False, "q 的每个分量要在 -10 到 10 之间（而且不能是 NaN）。", where, how, hint,
                           diagnosis="range")
    w = _ref(K @ q / np.sqrt(K.shape[1]))  # (n_k, d_k) @ (d_k,) -> (n_k,)
    j = tokens.index(target)
    shown = "、".join(f"{t} {x:.3f}" for t, x in zip(tokens, w))
    if w[j] >= at_least:
        return check_value(key, True, "", "", "", hint, passed=f"权重：{shown}。“{target}”得到 {w[j]:.3f} ≥ {at_least}。")
    if int(np.argmax(w)) == j and np.sum(w == w.max()) == 1:
        return check_value(key, False, f"方向对了（“{target}”的分数最高），但 q 太短：它只得到 {w[j]:.3f}（{shown}）。",
                           "分数差有多大？把 q 放长几倍再试。", how, hint, diagnosis="too short")
    top = tokens[int(np.argmax(w))]
    return check_value(key, False, f"q 没有指向“{target}”：权重是 {shown}，最多的是“{top}”。",
                       f"K(“{target}”) = {fmt(K[j])}：q 在哪个坐标上和它重合？", how, hint, diagnosis="direction")

"""Exercises of notebook 05: splitting and merging heads, multi-head attention, counting parameters."""

from __future__ import annotations

import numpy as np

from ._core import Case, Exercise, Mistake, _Reject, compare_arrays, fmt, rng, run_check, shape_text
from .lesson04 import _pair


def _split(x, h):
    n, d = x.shape
    return x.reshape(n, h, d // h).transpose(1, 0, 2)  # (n, d) -> (n, h, d/h) -> (h, n, d/h)


def _merge(x):
    h, n, d_v = x.shape
    return x.transpose(1, 0, 2).reshape(n, h * d_v)  # (h, n, d_v) -> (n, h, d_v) -> (n, h·d_v)


def _split_cases():
    r = rng(50)
    return [Case("4 个词、d = 6、h = 2（0 到 23，便于手算）", (np.arange(24.0).reshape(4, 6), 2)),
            Case("3 个词、d = 6、h = 3", (np.arange(18.0).reshape(3, 6), 3), hidden=True),
            Case("h = 1：只有一个头", (r.normal(size=(5, 4)), 1), hidden=True),
            Case("1 个词、d = 8、h = 4", (r.normal(size=(1, 8)), 4), hidden=True),
            Case("7 个词、d = 32、h = 8（float32）", (r.normal(size=(7, 32)).astype(np.float32), 8), hidden=True)]


SPLIT = Exercise(
    "05-1", _split_cases, _split,
    where="头 i 拿的是每个词的第 i 段（连续的 d/h 列）；先在每个词内部切段，再把“头”这一维换到最前面。",
    how="x.reshape(n, h, d // h) 切段，再 np.transpose(切好的, (1, 0, 2)) 把 h 换到最前面。",
    compare=lambda g, w, c: compare_arrays(g, w, c, name="切好的头"),
    mistakes=[Mistake("你直接 reshape 成了 (h, n, d/h)：这样会把不同词的数字拼进同一行。", "reshape 之后还要转置。",
                      lambda x, h: x.reshape(h, x.shape[0], x.shape[1] // h)),
              Mistake("形状是 (n, h, d/h)：段切对了，还差把 h 换到最前面。", "np.transpose 的轴顺序。",
                      lambda x, h: x.reshape(x.shape[0], h, x.shape[1] // h)),
              Mistake("你按列交错地切（第 0、h、2h 等列给头 0）；头 i 应拿连续的第 i 段列。", "reshape 的 (d/h, h) 顺序。",
                      lambda x, h: x.reshape(x.shape[0], x.shape[1] // h, h).transpose(2, 0, 1))])


def check_split_heads(fn, hint=None):
    """Exercise 05-1: fn(x, h) cuts x (n, d) into h heads, shape (h, n, d // h)."""
    return run_check(SPLIT, fn, hint)


def _merge_cases():
    r = rng(52)
    return [Case("2 个头、3 个词、d_v = 2（0 到 11）", (np.arange(12.0).reshape(2, 3, 2),)),
            Case("1 个头", (r.normal(size=(1, 4, 3)),), hidden=True),
            Case("8 个头、5 个词、d_v = 4", (r.normal(size=(8, 5, 4)),), hidden=True),
            Case("3 个头、1 个词", (r.normal(size=(3, 1, 2)),), hidden=True)]


MERGE = Exercise(
    "05-2", _merge_cases, _merge,
    where="拼接后每个词一行：第 i 个词的行 = 头 0 给它的 d_v 个数，接着头 1 的，依此类推（merge 是 split 的逆）。",
    how="先把 (h, n, d_v) 转置成 (n, h, d_v)，再 reshape 成 (n, h·d_v)；或 np.concatenate(list(heads), axis=-1)。",
    compare=lambda g, w, c: compare_arrays(g, w, c, name="拼接结果"),
    mistakes=[Mistake("没有先转置就 reshape：同一个头里不同词的数字被拼进了同一行（merge without transpose）。",
                      "reshape 之前的轴顺序。", lambda x: x.reshape(x.shape[1], -1)),
              Mistake("沿错了轴拼接：结果是 (h·n, d_v)，应是 (n, h·d_v)。", "concatenate 的 axis。",
                      lambda x: np.concatenate(list(x), axis=0)),
              Mistake("你把各个头加起来了；应该并排拼接，每个头的 d_v 列都保留。", "sum 和 concatenate。",
                      lambda x: x.sum(axis=0))])


def check_merge_heads(fn, hint=None):
    """Exercise 05-2: fn(heads) turns (h, n, d_v) into (n, h·d_v), the inverse of split_heads."""
    return run_check(MERGE, fn, hint)


def _mh(X, Wq, Wk, Wv, Wo, h, width=None, merge=_merge, keep_heads=True, use_wo=True):
    Q, K, V = (_split(X @ W, h) for W in (Wq, Wk, Wv))  # (h, n, d_k), (h, n, d_k), (h, n, d_v)
    s = Q @ np.swapaxes(K, -1, -2) / np.sqrt(width or Q.shape[-1])  # (h, n, n)
    e = np.exp(s - s.max(-1, keepdims=True))
    w = e / e.sum(-1, keepdims=True)
    out = merge(w @ V)  # (n, h·d_v)
    return (out @ Wo if use_wo else out), (w if keep_heads else w.mean(axis=0))


def _mh_cases():
    r = rng(51)
    cases = []
    for label, (n, d, h, dk, dv, do), hidden in (("n=3、d=4、h=2", (3, 4, 2, 2, 2, 4), False),
                                                 ("n=7、d=9、h=8", (7, 9, 8, 4, 4, 9), True),
                                                 ("h = 1", (5, 6, 1, 3, 3, 6), True),
                                                 ("d_k ≠ d_v、d_o = 3", (4, 5, 2, 3, 2, 3), True),
                                                 ("1 个词", (1, 4, 2, 2, 2, 4), True)):
        cases.append(Case(label, (r.normal(size=(n, d)), r.normal(size=(d, h * dk)), r.normal(size=(d, h * dk)),
                                  r.normal(size=(d, h * dv)), r.normal(size=(h * dv, do)), h), hidden))
    return cases


def _mh_compare(got, want, case):
    if isinstance(got, (tuple, list)) and len(got) == 2:
        w = np.asarray(got[1], dtype=float)
        if w.shape == want[1].shape[1:]:
            X, Wq, Wk, Wv, Wo, h = case.args
            if np.allclose(w, want[1].mean(axis=0)):
                raise _Reject(f"你把 {h} 个头的权重平均成了一个 {shape_text(w.shape)}：每个头应有自己的一个 (n, n)，"
                              f"合起来是 {shape_text(want[1].shape)}。")
            if h > 1 and np.allclose(w, _mh(X, Wq, Wk, Wv, Wo, 1)[1][0]):
                raise _Reject(f"你没有把 Q、K、V 切成 {h} 个头：整块只做了一次注意力，得到一个 {shape_text(w.shape)} 的权重。"
                              f"多头是每个头各自做一次，权重合起来是 {shape_text(want[1].shape)}。")
            raise _Reject(f"权重的形状是 {shape_text(w.shape)}：每个头应有自己的一个 (n, n)，"
                          f"合起来是 {shape_text(want[1].shape)}。")
    return _pair(got, want, case)


MULTI_HEAD = Exercise(
    "05-3", _mh_cases, _mh,
    where="Q = X @ W_Q 之后切成 (h, n, d_k)；每个头各自做第 04 课的注意力；输出拼回 (n, h·d_v)；最后乘 W_O。",
    how="用 split_heads 切 Q、K、V，scaled_dot_product_attention 对 (h, n, d_k) 一次算完所有头（它会除以一个头的 √d_k），"
        "merge_heads 拼接，再 @ W_O。",
    compare=_mh_compare, forbidden=("multi_head_attention", "heads_one_by_one"),
    mistakes=[Mistake("你除以的是 √(h·d_k)（整个 W_Q 的宽度）；每个头应除以它自己的 √d_k。", "缩放用的宽度。",
                      lambda X, Wq, Wk, Wv, Wo, h: _mh(X, Wq, Wk, Wv, Wo, h, width=Wq.shape[1])),
              Mistake("拼接前没有把头换回去（merge without transpose）：不同词的数字混在了一行。", "拼接那一步。",
                      lambda X, Wq, Wk, Wv, Wo, h: _mh(X, Wq, Wk, Wv, Wo, h, merge=lambda x: x.reshape(x.shape[1], -1))),
              Mistake("没有乘 W_O：这是拼接后的结果。", "最后一步。",
                      lambda X, Wq, Wk, Wv, Wo, h: _mh(X, Wq, Wk, Wv, Wo, h, use_wo=False))])


def check_multi_head(fn, hint=None):
    """Exercise 05-3: fn(X, W_Q, W_K, W_V, W_O, h) returns (output (n, d_o), weights (h, n, n))."""
    return run_check(MULTI_HEAD, fn, hint)


def _count(d, h, dk, dv, do):
    return 2 * d * h * dk + d * h * dv + h * dv * do


def _int_compare(got, want, case):
    """An integer answer: 16384 and 16384.0 count, "16384", True and 4.6 do not; a wrong one is said too big or too small.

    The expected number is not shown: in a counting exercise it is the answer to that case.
    """
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer, float, np.floating)):
        raise _Reject(f"应返回一个整数，收到 {type(got).__name__}（{got!r}）。")
    if not np.isfinite(float(got)) or float(got) != int(got):
        raise _Reject(f"应返回一个整数，收到 {fmt(got)}：还没有取整。")
    if int(got) == want:
        return None
    return f"你的是 {fmt(int(got))}，比正确的{'大' if int(got) > want else '小'}。"


PARAMETERS = Exercise(
    "05-4", lambda: [Case("课上手搭的两个头：d=9、h=2、d_k=d_v=3、d_o=3", (9, 2, 3, 3, 3)),
                     Case("Transformer base：d=512、h=8、d_k=d_v=64、d_o=512", (512, 8, 64, 64, 512)),
                     Case("一个宽 512 的头", (512, 1, 512, 512, 512), hidden=True),
                     Case("d_k ≠ d_v：d=10、h=2、d_k=3、d_v=5、d_o=10", (10, 2, 3, 5, 10), hidden=True),
                     Case("d_o ≠ d：d=6、h=3、d_k=d_v=2、d_o=4", (6, 3, 2, 2, 4), hidden=True)],
    _count,
    where="本课第 2 节（公式）和第 3 节（手工搭两个头）：四个矩阵 W_Q、W_K、W_V、W_O 各乘在什么上、乘出什么形状。",
    how="一个矩阵的行数 = 乘它的那个数组的列数，列数 = 乘出来的数组的列数；X 是 (n, d)，h 个头并排的 Q 有 h·d_k 列，"
        "拼接后的输出有 h·d_v 列。写出四个形状，把每个的 行 × 列 加起来。",
    compare=_int_compare,
    passed_note="比较 Transformer base 和一个宽 512 的头：参数一样多——多头只是换了切法。",
    mistakes=[Mistake("少了 W_O：它也是这一层的参数。", "第四个矩阵。", lambda d, h, dk, dv, do: 2 * d * h * dk + d * h * dv),
              Mistake("你只算了一个头（忘了乘 h）。", "每个 W 的列数是 h·d_k。",
                      lambda d, h, dk, dv, do: 2 * d * dk + d * dv + dv * do),
              Mistake("四个矩阵你都按 W_Q 的大小算了：W_V 和 W_O 乘在别的东西上，乘出来的宽度也不同。", "W_V 和 W_O 的形状。",
                      lambda d, h, dk, dv, do: 4 * d * h * dk),
              Mistake("W_O 的大小算错了：它乘出来的宽度你用了 d；这一层的输出宽度是参数里的另一个数。", "W_O 的列数。",
                      lambda d, h, dk, dv, do: _count(d, h, dk, dv, d)),
              Mistake("W_O 的行数少乘了 h：W_O 乘的是 h 个头拼接起来的输出。", "W_O 的行数。",
                      lambda d, h, dk, dv, do: 2 * d * h * dk + d * h * dv + dv * do),
              Mistake("你把偏置（bias）也算进去了：这道题只数四个矩阵 W_Q、W_K、W_V、W_O 的元素。", "题目要数什么。",
                      lambda d, h, dk, dv, do: _count(d, h, dk, dv, do) + 2 * h * dk + h * dv + do),
              Mistake("你把偏置（bias）也算进去了（只算了 W_Q、W_K、W_V 的）：这道题只数四个矩阵的元素。", "题目要数什么。",
                      lambda d, h, dk, dv, do: _count(d, h, dk, dv, do) + 2 * h * dk + h * dv),
              Mistake("W_V 的宽度用了 d_k；V 的宽度是 d_v。", "W_V 的列数。",
                      lambda d, h, dk, dv, do: 3 * d * h * dk + h * dv * do)])


def check_head_parameters(fn, hint=None):
    """Exercise 05-4: fn(d, h, d_k, d_v, d_o) counts the entries of W_Q, W_K, W_V (d, h·…) and W_O (h·d_v, d_o)."""
    return run_check(PARAMETERS, fn, hint)

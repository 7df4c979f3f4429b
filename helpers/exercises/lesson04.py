"""Exercises of notebook 04: the weighted sum, attention from scratch, masks, predicting a masked row."""

from __future__ import annotations

import numpy as np

from ._core import Case, Exercise, Mistake, _Reject, check_value, compare_arrays, fmt, rng, run_check

HELPERS = ("softmax", "scaled_dot_product_attention", "attention_scores", "_scores")  # "softmax": every softmax in helpers/
LARGE = "的分数上千：exp 会溢出，先减去每一行的最大值"
MASKED = "有一行全被掩码：exp(-inf − (−inf)) = NaN；这一行没有能关注的键，让它的权重全为 0（或平均分配），不要 NaN"


def _softmax(s, axis=-1):
    e = np.exp(s - s.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _ws_cases():
    r = rng(5)
    w = _softmax(r.normal(size=5))
    return [Case("文章的 0.7 和 0.3", (np.array([0.7, 0.3]), np.array([[1.0, 0.0], [0.0, 1.0]]))),
            Case("全部给第 0 个词", (np.array([1.0, 0.0, 0.0]), np.arange(6.0).reshape(3, 2))),
            Case("随机的 5 个词、d_v = 4", (w, r.normal(size=(5, 4))), hidden=True),
            Case("只有 1 个词", (np.array([1.0]), np.array([[2.0, -1.0, 0.5]])), hidden=True),
            Case("d_v = 1（float32）", (w.astype(np.float32), r.normal(size=(5, 1)).astype(np.float32)), hidden=True)]


WEIGHTED_SUM = Exercise(
    "04-1", _ws_cases, lambda w, V: w @ V,
    where="结果是 V 各行（每个词一行）的加权和，形状 (d_v,)：把 n_k 个词加起来，不是把坐标加起来。",
    how="weights_row (n_k,) @ V (n_k, d_v) -> (d_v,)；或 (weights_row[:, None] * V).sum(axis=0)。",
    compare=lambda g, w, c: compare_arrays(g, w, c, name="加权和"),
    mistakes=[Mistake("你把每一行乘上了权重，但还没有加起来。", "最后一步求和。", lambda w, V: w[:, None] * V),
              Mistake("加错了方向：你把每个词的 d_v 个坐标加了起来，应该把 n_k 个词加起来（axis=0）。", "sum 的 axis。",
                      lambda w, V: (w[:, None] * V).sum(axis=1)),
              Mistake("你求的是平均（多除了 n_k）；权重已经加起来等于 1，不用再除。", "去掉除法 / mean。",
                      lambda w, V: (w[:, None] * V).mean(axis=0)),
              Mistake("你没有用权重：这是 V 各行的直接相加。", "乘上 weights_row。", lambda w, V: V.sum(axis=0))],
    errors=[("matmul", "矩阵乘法的形状对不上：weights_row 是 (n_k,)，V 是 (n_k, d_v)，每个词的权重要和 V 里这个词的那一行对齐。"
                       "你把 V 转置了，或者把两个放反了？", "@ 两边的形状：中间相同的那一维是 n_k。"),
            ("broadcast", "形状对不上：weights_row 是 (n_k,)，V 是 (n_k, d_v)。逐元素相乘时，每个词的权重要乘到 V 的那一行上，"
                          "先把权重变成 (n_k, 1)。", "weights_row[:, None]。")])


def check_weighted_sum(fn, hint=None):
    """Exercise 04-1: fn(weights_row, V) returns Σ_j weights_row[j] · V[j], shape (d_v,)."""
    return run_check(WEIGHTED_SUM, fn, hint)


def attention_reference(Q, K, V, mask=None):
    """(output, weights); a fully masked row gets zero weights and a zero output."""
    s = Q @ K.T / np.sqrt(Q.shape[-1])  # (n_q, d_k) @ (d_k, n_k) -> (n_q, n_k)
    if mask is not None:
        s = np.where(mask, s, -np.inf)
    top = s.max(axis=-1, keepdims=True)
    e = np.exp(s - np.where(np.isfinite(top), top, 0.0))
    total = e.sum(axis=-1, keepdims=True)
    w = np.divide(e, total, out=np.zeros_like(e), where=total > 0)
    return w @ V, w


def _attention_cases(seed, masked):
    r = rng(seed)
    cases = []
    specs = [("3 个词、d_k = 3", 3, 3, 3, 3, 1.0, False), ("n_q = 1、n_k = 4", 1, 4, 2, 5, 1.0, True),
             ("6 个词、d_k = 8", 6, 6, 8, 2, 1.0, True), ("n_q = 2、n_k = 7、d_k = 64", 2, 7, 64, 3, 1.0, True),
             ("分数上千（Q、K 放大 100 倍）", 3, 4, 4, 2, 100.0, True), ("只有 1 个词", 1, 1, 2, 2, 1.0, True)]
    for label, nq, nk, dk, dv, scale, hidden in specs:
        Q, K, V = r.normal(size=(nq, dk)) * scale, r.normal(size=(nk, dk)) * scale, r.normal(size=(nk, dv))
        args = (Q, K, V)
        if masked:
            args += (r.random((nq, nk)) < 0.6) | (np.arange(nk) == 0),
        cases.append(Case(label, args, hidden, nan_reason=LARGE if scale > 1 else ""))
    Q = np.array([[1.0, 0.0], [1.0, 0.0]])
    K = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    tie = (Q, K, np.arange(6.0).reshape(3, 2)) + ((np.ones((2, 3), bool),) if masked else ())
    cases.append(Case("两个键的分数并列", tie, hidden=True))
    if masked:
        n = 3
        causal = np.tril(np.ones((n, n), dtype=bool))
        cases.insert(0, Case("猫吃鱼 的因果掩码（下三角）", (r.normal(size=(n, 2)), r.normal(size=(n, 2)),
                                                        np.eye(n), causal)))
        pad = np.array([[True, True, False]] * 3)
        cases.insert(1, Case("填充掩码：最后一个键是 <pad>", (r.normal(size=(3, 2)), r.normal(size=(3, 2)),
                                                           r.normal(size=(3, 2)), pad)))
        full = np.array([[True, False, False], [False, False, False], [True, True, True]])
        cases.append(Case("第 1 行全被掩码", (r.normal(size=(3, 2)), r.normal(size=(3, 2)), r.normal(size=(3, 2)), full),
                          hidden=True, nan_reason=MASKED))
    return cases


def _pair(got, want, case):
    """Weights first (they explain the output), then the output."""
    if isinstance(got, np.ndarray) or not isinstance(got, (tuple, list)) or len(got) != 2:
        raise _Reject(f"应返回 (output, weights) 两个数组，收到 {type(got).__name__}"
                      + (f"，形状 {got.shape}" if isinstance(got, np.ndarray) else "") + "。")
    out, w = (np.asarray(g, dtype=float) for g in got)
    if out.shape == want[1].shape and w.shape == want[0].shape and np.allclose(out, want[1], equal_nan=True) \
            and (out.shape != w.shape or not np.allclose(w, want[1], equal_nan=True)):
        raise _Reject("顺序反了：应返回 (output, weights)，你返回的是 (weights, output)。")
    want_out, want_w = want
    if len(case.args) == 4:  # a fully masked row may be all zeros or uniform, never NaN
        empty = ~np.asarray(case.args[3]).any(axis=-1)
        if empty.any() and w.shape == want_w.shape and np.allclose(w[empty], 1 / w.shape[-1]):
            want_w = want_w.copy()
            want_w[empty] = 1 / w.shape[-1]
            want_out = want_w @ case.args[2]
    if w.shape == want_w.shape and np.all(np.isfinite(w)) and not np.allclose(w.sum(-1), want_w.sum(-1), atol=1e-6):
        return f"权重每一行加起来应是 1，你的是 {fmt(w.sum(-1))}。"
    return compare_arrays(w, want_w, case, name="权重") or compare_arrays(out, want_out, case, name="输出")


def _att(Q, K, V, scale, axis=-1, transpose=False, naive=False, mask=None, fill=None, after=False, renorm=False):
    s = (K @ Q.T if transpose else Q @ K.T) * scale
    if mask is not None and not after:
        s = np.where(mask, s, fill)
    w = np.exp(s) / np.exp(s).sum(axis=axis, keepdims=True) if naive else _softmax(s, axis)
    if after:
        w = w * mask
        if renorm:
            w = w / w.sum(axis=-1, keepdims=True)
    return w @ V, w


def _att_global_max(Q, K, V, mask=None):
    s = Q @ K.T / np.sqrt(Q.shape[-1])  # (n_q, n_k)
    if mask is not None:
        s = np.where(mask, s, -np.inf)
    e = np.exp(s - s.max())
    w = e / e.sum(axis=-1, keepdims=True)
    return w @ V, w


_BY_N = "除以的是 √n（词数），不是 √d_k：缩放用的是每个查询和键的维数 d_k = Q.shape[-1]，和句子多长无关。"
_COMMON = [
    Mistake(_BY_N, "np.sqrt 里的那个数：Q.shape[-1]，不是 Q.shape[0] 或 K.shape[0]。",
            lambda Q, K, V, *m: _att(Q, K, V, K.shape[0] ** -0.5, mask=m[0] if m else None, fill=-np.inf)),
    Mistake(_BY_N, "np.sqrt 里的那个数：Q.shape[-1]，不是 Q.shape[0] 或 K.shape[0]。",
            lambda Q, K, V, *m: _att(Q, K, V, Q.shape[0] ** -0.5, mask=m[0] if m else None, fill=-np.inf)),
    Mistake("少除了 √d_k：分数没有缩放。", "softmax 之前的那一步。", lambda Q, K, V, *m: _att(Q, K, V, 1.0, mask=m[0] if m else None, fill=-np.inf)),
    Mistake("你除以的是 √d_v（V 的宽度），不是 √d_k：缩放用的是查询和键的维数 Q.shape[-1]。", "np.sqrt 里的那个数。",
            lambda Q, K, V, *m: _att(Q, K, V, V.shape[-1] ** -0.5, mask=m[0] if m else None, fill=-np.inf)),
    Mistake("你除以的是 d_k，应除以 √d_k。", "np.sqrt。", lambda Q, K, V, *m: _att(Q, K, V, 1 / Q.shape[-1], mask=m[0] if m else None, fill=-np.inf)),
    Mistake("softmax 沿错了轴：你的权重每一列加起来是 1，应是每一行（axis=-1）。", "sum 和 max 的 axis。",
            lambda Q, K, V, *m: _att(Q, K, V, Q.shape[-1] ** -0.5, axis=0, mask=m[0] if m else None, fill=-np.inf)),
    Mistake("权重是转置的：第 i 行应是第 i 个查询对所有键的权重（Q @ K.T，不是 K @ Q.T）。", "打分那一行。",
            lambda Q, K, V, *m: _att(Q, K, V, Q.shape[-1] ** -0.5, transpose=True)),
    Mistake("你减去的是整个分数矩阵的最大值，不是每一行的：分数上千时，最大值不在的那一行 exp 全变成 0，0 / 0 = NaN。",
            "softmax 里 max 的 axis。", lambda Q, K, V, *m: _att_global_max(Q, K, V, m[0] if m else None)),
    Mistake("没有先减去每一行的最大值：分数上千时 exp 溢出成 inf，得到 NaN。", "softmax 的第一步。",
            lambda Q, K, V, *m: _att(Q, K, V, Q.shape[-1] ** -0.5, naive=True, mask=m[0] if m else None, fill=-np.inf)),
]


ATTENTION = Exercise(
    "04-2", lambda: _attention_cases(6, False), attention_reference,
    where="四步：分数 Q @ K.T → 除以 √d_k → 每一行 softmax → 权重 @ V。先检查权重，再检查输出。",
    how="scores = Q @ K.T / np.sqrt(d_k)；减去每行最大值，exp，除以每行的和（axis=-1, keepdims=True）；"
        "return weights @ V, weights。",
    compare=_pair, forbidden=HELPERS, mistakes=_COMMON)


def check_attention(fn, hint=None):
    """Exercise 04-2: fn(Q, K, V) -> (output, weights), written without the helpers' softmax or attention."""
    return run_check(ATTENTION, fn, hint)


_INVERTED = ("掩码用反了：这门课（和 helpers）里 mask 为 True 表示“可以关注”；你把 True 的位置挡住了——"
             "这是 PyTorch 的 nn.MultiheadAttention 的约定（它的 attn_mask 里 True 表示“挡住”），本课提醒过两者相反。")


MASKED_ATTENTION = Exercise(
    "04-3", lambda: _attention_cases(7, True), lambda Q, K, V, m: attention_reference(Q, K, V, m),
    where="掩码要在 softmax 之前改分数：被掩码的分数要变成“exp 之后是 0”的数。全被掩码的一行要单独处理。",
    how="scores = np.where(mask, scores, -np.inf)（或 -1e9），再做稳定的 softmax；"
        "全是 -inf 的一行：最大值也是 -inf，先把它换成 0，再把和为 0 的行的权重设为 0。",
    compare=_pair, forbidden=HELPERS,
    mistakes=[Mistake("全被掩码的一行得到了 NaN：这一行的分数全是 -inf，exp(-inf − (−inf)) = NaN。"
                      "这一行没有能关注的键：让它的权重全为 0（或平均分配）。", "全是 -inf 的那一行。",
                      lambda Q, K, V, m: _att(Q, K, V, Q.shape[-1] ** -0.5, mask=m, fill=-np.inf)),
              Mistake("掩码放在了 softmax 之后：被掩码的权重变成了 0，可每一行不再加起来等于 1。掩码要在 softmax 之前。",
                      "掩码那一行放在哪里。", lambda Q, K, V, m: _att(Q, K, V, Q.shape[-1] ** -0.5, mask=m, after=True)),
              Mistake("掩码放在了 softmax 之后（再重新归一化）：平常和先掩码一样，可分数上千时，softmax 把权重全给了一个"
                      "被掩码的键，没被掩码的键 exp 之后都成了 0，掩码一乘，这一行全是 0，再除以和就是 0 / 0 = NaN。"
                      "（你减去了最大值，溢出不是问题所在。）", "掩码那一行放在哪里：softmax 之前还是之后。",
                      lambda Q, K, V, m: _att(Q, K, V, Q.shape[-1] ** -0.5, mask=m, after=True, renorm=True)),
              Mistake("被掩码的分数填的数不够小：exp 之后被掩码的键仍然分到权重（填 0 时 exp(0) = 1；填 −30、−100 这样的数，"
                      "遇到上千的分数也不够小）。", "np.where 的填充值：要比任何分数都小得多。",
                      lambda Q, K, V, m: _att(Q, K, V, Q.shape[-1] ** -0.5, mask=m, fill=0.0)),
              *[Mistake(_INVERTED, "np.where(mask, 分数, -np.inf)：True 的位置保留分数。", produce)
                for produce in (lambda Q, K, V, m: attention_reference(Q, K, V, ~m),
                                lambda Q, K, V, m: _att(Q, K, V, Q.shape[-1] ** -0.5, mask=~m, fill=-np.inf),
                                lambda Q, K, V, m: _att(Q, K, V, Q.shape[-1] ** -0.5, mask=~m, fill=-1e9),
                                lambda Q, K, V, m: _att(Q, K, V, Q.shape[-1] ** -0.5, mask=~m, fill=-1e30))],
              Mistake("你没有用 mask：结果和不加掩码一样。", "mask 参数。",
                      lambda Q, K, V, m: attention_reference(Q, K, V))] + _COMMON)


def check_masked_attention(fn, hint=None):
    """Exercise 04-3: fn(Q, K, V, mask) with a boolean mask (True = may attend); no NaN for fully masked rows."""
    return run_check(MASKED_ATTENTION, fn, hint)


def check_masked_prediction(cat_row, fish_unchanged, hint=None):
    """Exercise 04-4 (predict, then run): 猫吃鱼 under the causal mask — 猫's weight row, and is 鱼's output unchanged?"""
    from ..attention import causal_mask, scaled_dot_product_attention
    from ..toy import toy_qkv

    key = "04-4"
    where = "因果掩码下，第 i 个词只能看第 0 到第 i 个词；一行的权重仍然加起来是 1。"
    how = ("数一数：因果掩码下“猫”（第 0 个词）能看见哪几个词？它的权重只能分给这些词，而且加起来仍是 1。"
           "“鱼”（第 2 个、最后一个词）要看的词里，有没有哪一个被掩码挡住？")
    if cat_row is None or fish_unchanged is None:
        return check_value(key, False, "还没写（not written yet）：先预测，把两个 None 换成你的答案。", where, how, hint,
                           diagnosis="not written")
    toy = toy_qkv("猫吃鱼")
    out_m, w_m = scaled_dot_product_attention(toy.Q, toy.K, toy.V, mask=causal_mask(3))
    out, w = scaled_dot_product_attention(toy.Q, toy.K, toy.V)
    if not isinstance(fish_unchanged, (bool, np.bool_)):
        return check_value(key, False, f"fish_unchanged 应是 True 或 False（不加引号），收到 {fish_unchanged!r}"
                           f"（{type(fish_unchanged).__name__}）。（Expected a boolean True/False.）", where, how, hint,
                           diagnosis="format")
    try:
        row = np.asarray(cat_row, dtype=float)
    except (TypeError, ValueError):
        row = None
    if isinstance(cat_row, (str, bytes)) or row is None or row.shape != (3,):
        return check_value(key, False, f"cat_row 应是 3 个数（“猫”给 猫、吃、鱼 的权重），收到 {cat_row!r}。", where, how,
                           hint, diagnosis="format")
    if not np.allclose(row, w_m[0], atol=1e-9):  # the masked weights are exactly 0: 0.001 is a wrong prediction
        if np.allclose(row, w[0], atol=0.001):
            what = f"{fmt(row)} 是不加掩码时“猫”的权重；因果掩码下“猫”看不见后面的词。"
        elif not np.isclose(row.sum(), 1, atol=0.001):
            what = f"{fmt(row)} 加起来是 {fmt(float(row.sum()))}：被掩码之后，剩下的权重仍然加起来是 1。"
        else:
            what = f"“猫”的权重行 {fmt(row)} 不对。"
        return check_value(key, False, what, where, how, hint, diagnosis="cat")
    same = bool(np.allclose(out_m[2], out[2]))
    if bool(fish_unchanged) != same:
        return check_value(key, False, "“鱼”的预测不对：它是最后一个词，因果掩码对它挡住了什么？", where, how, hint,
                           diagnosis="fish")
    return check_value(key, True, "", "", "", hint,
                       passed=f"运行的结果：猫的权重 {fmt(w_m[0])}，鱼的输出 {fmt(out_m[2])}（不加掩码时 {fmt(out[2])}）。")

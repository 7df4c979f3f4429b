"""Exercises of notebook 09 (the summary): positional encoding, one whole self-attention layer, layer normalisation."""

from __future__ import annotations

import numpy as np

from ._core import Case, Exercise, Mistake, _Reject, compare_arrays, rng, run_check


def _pe(n, d, swap=False, exponent_scale=1.0, all_sin=False, first=0):
    pos = np.arange(first, first + n)[:, None]  # (n, 1)
    i = np.arange(0, d, 2)[None, :]  # (1, d/2): the even column numbers 2i
    angle = pos / 10000 ** (exponent_scale * i / d)  # (n, d/2)
    pe = np.zeros((n, d))
    first, second = (np.cos, np.sin) if swap else (np.sin, np.cos)
    pe[:, 0::2] = first(angle)
    pe[:, 1::2] = np.sin(angle) if all_sin else second(angle)
    return pe


def _pe_by_column(n, d):
    j = np.arange(d)[None, :]  # (1, d): every column's own number
    angle = np.arange(n)[:, None] / 10000 ** (j / d)  # (n, d)
    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))


def _angle(n, d):
    return np.arange(n)[:, None] / 10000 ** (np.arange(0, d, 2)[None, :] / d)  # (n, 1) / (1, d/2) -> (n, d/2)


POSITIONAL = Exercise(
    "09-1", lambda: [Case("n=3、d=4", (3, 4)), Case("n=1、d=2", (1, 2), hidden=True), Case("n=10、d=16", (10, 16), hidden=True),
                     Case("n=50、d=8", (50, 8), hidden=True)],
    _pe,
    where="偶数列 2i 放 sin，奇数列 2i + 1 放 cos，两者用同一个角度 pos / 10000^(2i/d)；2i 就是偶数列的列号。",
    how="pos = np.arange(n)[:, None]；two_i = np.arange(0, d, 2)[None, :]；angle = pos / 10000 ** (two_i / d)；"
        "pe[:, 0::2] = np.sin(angle)；pe[:, 1::2] = np.cos(angle)。",
    compare=lambda g, w, c: compare_arrays(g, w, c, name="位置编码"),
    mistakes=[Mistake("sin 和 cos 放反了：偶数列是 sin，奇数列是 cos。", "0::2 和 1::2。", lambda n, d: _pe(n, d, swap=True)),
              Mistake("指数多乘了 2：np.arange(0, d, 2) 已经是 2i，不要再乘 2。", "指数 2i / d。",
                      lambda n, d: _pe(n, d, exponent_scale=2.0)),
              Mistake("奇数列也用了 sin；奇数列是 cos。", "1::2 那一行。", lambda n, d: _pe(n, d, all_sin=True)),
              Mistake("sin 和 cos 是拼接起来的（前一半列全是 sin，后一半全是 cos）；应交错放：偶数列 sin，奇数列 cos。",
                      "0::2 和 1::2：隔一列放一个。",
                      lambda n, d: np.concatenate([np.sin(_angle(n, d)), np.cos(_angle(n, d))], axis=1)),
              Mistake("位置从 1 数起了：第 0 个词的位置是 0（它的编码是 sin 0 = 0、cos 0 = 1 交错），和课程里所有下标一样从 0 开始。",
                      "pos = np.arange(n)。", lambda n, d: _pe(n, d, first=1)),
              Mistake("指数用了 i / d，其中 i 是 0, 1, 2, 3：公式里的 2i 是偶数列号 0, 2, 4, 6。", "指数。",
                      lambda n, d: _pe(n, d, exponent_scale=0.5)),
              Mistake("指数用了每一列自己的列号 j / d：奇数列 2i + 1 的 cos 要和它左边的偶数列 2i 用同一个角度。",
                      "奇数列的角度。", _pe_by_column)])


def check_positional_encoding(fn, hint=None):
    """Exercise 09-1: fn(n, d) returns the sinusoidal positional encoding, shape (n, d)."""
    return run_check(POSITIONAL, fn, hint)


def _layer(X, Wq, Wk, Wv, scale=True, values=True, k_matrix=None, axis=-1, naive=False, width=None, weights=False):
    Q, K, V = X @ Wq, X @ (Wk if k_matrix is None else k_matrix), X @ Wv
    s = Q @ K.T / (np.sqrt(width or Q.shape[-1]) if scale else 1.0)  # (n, n)
    e = np.exp(s) if naive else np.exp(s - s.max(axis, keepdims=True))
    w = e / e.sum(axis, keepdims=True)
    return w if weights else w @ (V if values else X)


LARGE = "的分数上千：exp(上千的数) 溢出成 inf，inf / inf = NaN"


def _layer_cases():
    r = rng(8)
    return [Case(f"{n} 个词、d={d}、d_k={dk}", (r.normal(size=(n, d)), r.normal(size=(d, dk)), r.normal(size=(d, dk)),
                                               r.normal(size=(d, dk))), hidden=k > 0)
            for k, (n, d, dk) in enumerate(((3, 9, 3), (5, 4, 2), (1, 6, 6), (4, 8, 8)))] + [
        Case("float32 的输入", tuple(a.astype(np.float32) for a in (r.normal(size=(4, 6)), r.normal(size=(6, 3)),
                                                                  r.normal(size=(6, 3)), r.normal(size=(6, 3)))),
             hidden=True),
        Case("分数上千（W_Q、W_K 放大 20 倍）", (r.normal(size=(4, 6)), 20 * r.normal(size=(6, 4)), 20 * r.normal(size=(6, 4)),
                                             r.normal(size=(6, 4))), hidden=True, nan_reason=LARGE)]


def _output_only(got, want, case):
    if isinstance(got, tuple):
        raise _Reject(f"只返回输出就够了，你返回了一个含 {len(got)} 个元素的元组。")
    return compare_arrays(got, want, case, name="输出")


SELF_ATTENTION = Exercise(
    "09-2", _layer_cases, _layer,
    where="整条流水线：Q、K、V = X 乘三个矩阵 → 缩放分数 QKᵀ/√d_k → 每行 softmax → 权重 @ V。",
    how="先写出 Q、K、V 三个投影（形状 (n, d_k)）；接着就是第 04 课你自己写过的注意力，只返回输出，不返回权重。",
    compare=_output_only,
    mistakes=[Mistake("权重乘的是 X，不是 V：还差 V = X @ W_V。", "最后一步乘谁。", lambda X, a, b, c: _layer(X, a, b, c, values=False)),
              Mistake("少除了 √d_k。", "分数那一步。", lambda X, a, b, c: _layer(X, a, b, c, scale=False)),
              Mistake("你的 K 用的也是 W_Q：K 和 Q 一模一样。", "K 那一行用的是哪个矩阵。", lambda X, a, b, c: _layer(X, a, b, c, k_matrix=a)),
              Mistake("你除以的是 √d（词向量的宽度 X.shape[1]），不是 √d_k（每个查询和键的宽度）。", "np.sqrt 里的那个数。",
                      lambda X, a, b, c: _layer(X, a, b, c, width=X.shape[1])),
              Mistake("你返回的是注意力权重 (n, n)，不是输出：还差最后一步，权重 @ V。", "return 那一行。",
                      lambda X, a, b, c: _layer(X, a, b, c, weights=True)),
              Mistake("softmax 沿错了轴：你的权重每一列加起来是 1，应是每一行（每个查询一行）。", "softmax 里 max 和 sum 的 axis。",
                      lambda X, a, b, c: _layer(X, a, b, c, axis=0)),
              Mistake("softmax 没有先减去每一行的最大值：分数上千时 exp 溢出成 inf，inf / inf = NaN。", "softmax 的第一步。",
                      lambda X, a, b, c: _layer(X, a, b, c, naive=True))])


def check_self_attention_layer(fn, hint=None):
    """Exercise 09-2: fn(X, W_Q, W_K, W_V) returns the output of one self-attention layer, shape (n, d_k)."""
    return run_check(SELF_ATTENTION, fn, hint)


def _ln(x, g, b, eps=1e-12, ddof=0, axis=-1, affine=True, how="inside"):
    mu = x.mean(axis, keepdims=True)
    var = x.var(axis, ddof=ddof, keepdims=True)
    if how == "inside":
        y = (x - mu) / np.sqrt(var + eps)
    elif how == "outside":  # (std + eps)
        y = (x - mu) / (np.sqrt(var) + eps)
    else:  # eps ignored; a zero standard deviation replaced by 1
        s = np.sqrt(var)
        y = (x - mu) / np.where(s == 0, 1.0, s)
    return y * g + b if affine else y


CONSTANT = "有一行所有数都相同：方差是 0，不加 ε 就是 0 / 0 = NaN"


def _ln_compare(got, want, case):
    """ε = 1e-12 (BERT) and ε = 1e-5 (PyTorch's default) both pass as a default; an ε passed in is used exactly."""
    reason = compare_arrays(got, want, case, name="归一化结果", atol=1e-6)
    if reason is None or len(case.args) == 4 or not np.allclose(want, _ln(*case.args), equal_nan=True):
        return reason  # an eps passed in is used exactly; a mistake's value is compared as it is
    if compare_arrays(got, _ln(*case.args, eps=1e-5), case, name="归一化结果", atol=1e-6) is None:
        return None
    return reason


def _ln_cases():
    r = rng(10)
    return [Case("一个向量，γ = 1、β = 0", (np.array([1.0, 2.0, 3.0]), np.ones(3), np.zeros(3))),
            Case("4 个词、8 维", (r.normal(size=(4, 8)) * 5 + 2, r.normal(size=8), r.normal(size=8)), hidden=True),
            Case("一行全是 0.5（方差为 0）", (np.array([[0.5, 0.5, 0.5, 0.5], [1.0, -1.0, 2.0, 0.0]]), np.ones(4),
                                            np.full(4, 0.1)), hidden=True, nan_reason=CONSTANT),
            Case("批次 (2, 3, 6)", (r.normal(size=(2, 3, 6)), np.ones(6), np.full(6, 0.5)), hidden=True),
            Case("方差约 1e-12 的一行，eps = 1e-3（参数传进来）",
                 (np.stack([1.0 + 1e-6 * r.normal(size=6), r.normal(size=6)]), np.ones(6), np.zeros(6), 1e-3), hidden=True),
            Case("方差约 1e-3 的行，eps = 1e-3",
                 (0.03 * r.normal(size=(3, 5)), r.normal(size=5), r.normal(size=5), 1e-3), hidden=True)]


LAYER_NORM = Exercise(
    "09-3", _ln_cases, _ln,
    where="对每一行（最后一维）单独：减去这一行的均值，除以 √(这一行的方差 + ε)，再乘 γ 加 β。",
    how="mu = x.mean(-1, keepdims=True)；var = x.var(-1, keepdims=True)（总体方差，np.var 的默认）；"
        "(x - mu) / np.sqrt(var + eps) * gamma + beta，eps = 1e-12。",
    compare=_ln_compare,
    errors=[("positional argument", "你的函数没有 eps 参数：题目给的签名是 layer_norm(x, gamma, beta, eps=1e-12)，"
                                    "检查会传入别的 eps（例如 1e-3）。", "def 那一行：保留 eps=1e-12 这个参数，并在分母里用它。")],
    mistakes=[Mistake("少了 ε：方差为 0 的一行（所有数都相同）得到 0 / 0 = NaN。", "√(方差 + ε)。",
                      lambda x, g, b, *e: _ln(x, g, b, eps=0.0)),
              Mistake("没有用参数 eps：传进来的 eps = 1e-3 时，你的结果和 eps 很小时一样"
                      "（标准差为 0 时换成 1 不等于加 ε）。", "分母要用参数 eps：√(方差 + eps)。",
                      lambda x, g, b, *e: _ln(x, g, b, how="ignore")),
              Mistake("ε 加在了根号外面：你除以的是 (标准差 + ε)，公式是 √(方差 + ε)。方差很小时两者差得很多。",
                      "分母：ε 在根号里面。", lambda x, g, b, *e: _ln(x, g, b, *e[:1], how="outside")),
              Mistake("没有用参数 eps：你用的是固定的 ε（比如 1e-12 或 1e-5），可这个例子传进来的 eps 不同。",
                      "函数的 eps 参数。", lambda x, g, b, *e: _ln(x, g, b) if e else None),
              Mistake("没有用参数 eps：你用的是固定的 ε（比如 1e-12 或 1e-5），可这个例子传进来的 eps 不同。",
                      "函数的 eps 参数。", lambda x, g, b, *e: _ln(x, g, b, 1e-5) if e else None),
              Mistake("用了样本方差（ddof=1）；LayerNorm 用总体方差（np.var 的默认 ddof=0）。", "var 的 ddof。",
                      lambda x, g, b, *e: _ln(x, g, b, *e[:1], ddof=1)),
              Mistake("沿错了轴：要对每个词（每一行，axis=-1）归一化，不是每一列。", "mean 和 var 的 axis。",
                      lambda x, g, b, *e: _ln(x, g, b, *e[:1], axis=0)),
              Mistake("没有乘 γ、加 β。", "最后一步。", lambda x, g, b, *e: _ln(x, g, b, *e[:1], affine=False)),
              Mistake("γ 和 β 用反了：你乘的是 β、加的是 γ。", "最后一步的乘和加。",
                      lambda x, g, b, *e: _ln(x, b, g, *e[:1])),
              Mistake("你除以的是方差（加 ε），不是标准差：方差要先开根号。", "分母里的 np.sqrt。",
                      lambda x, g, b, *e: (x - x.mean(-1, keepdims=True)) / (x.var(-1, keepdims=True) + (e[0] if e else 1e-12))
                      * g + b)])


def check_layer_norm(fn, hint=None):
    """Exercise 09-3: fn(x, gamma, beta, eps=1e-12) = LayerNorm over the last axis.

    As a default ε = 1e-12 (BERT) or 1e-5 (PyTorch) both pass; two hidden cases pass eps = 1e-3 explicitly, on rows
    with a tiny variance, where ε inside the root, ε outside it and no ε at all differ measurably.
    """
    return run_check(LAYER_NORM, fn, hint)

"""Auto-checked exercises: run the reader's code on several cases, answer in Chinese.

Introduced in notebook 01. Every ``check_*`` function takes the reader's function (or
answer), runs it on a few cases — small hand-checkable ones first, then random shapes and
edge cases — and returns a :class:`CheckResult` that shows as a green or red box in the
notebook, naming the first failing case and giving a hint. The reader's inputs are copies:
a function that writes into its inputs cannot corrupt later cases.

Reference solutions live in ``notebooks/solutions/`` and are tested with these checks.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from .attention import causal_mask, scaled_dot_product_attention, softmax

__all__ = [
    "CheckResult",
    "check_top_head",
    "check_layer_norm",
    "check_positional_encoding",
    "check_self_attention_layer",
    "check_dot",
    "check_matmul_shape",
    "check_similarity",
    "check_most_attended",
    "check_projection",
    "check_raw_scores",
    "check_design_query",
    "check_softmax",
    "check_scaled_softmax",
    "check_dot_variance",
    "check_weighted_sum",
    "check_attention",
    "check_masked_attention",
]


@dataclass
class CheckResult:
    """Outcome of a check: shows as a coloured box in Jupyter, is truthy when passed."""

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return ("✓ " if self.passed else "✗ ") + self.message

    def _repr_html_(self) -> str:
        colour, bg = ("#009E73", "#e8f6f0") if self.passed else ("#D55E00", "#fdeee4")
        body = html.escape(repr(self)).replace("\n", "<br>")
        return f'<div style="border-left:4px solid {colour};background:{bg};padding:6px 10px">{body}</div>'


def _fmt(x) -> str:
    if isinstance(x, np.ndarray):
        return np.array2string(np.round(x, 4), separator=", ", threshold=30)
    if isinstance(x, tuple):
        return "(" + ", ".join(_fmt(a) for a in x) + ")"
    return repr(x)


def _copy(args):
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def _compare_arrays(got, want, atol):
    """None when got matches want, else a reason in Chinese."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"返回值无法转换成数值数组（得到 {type(got).__name__}）"
    if got.shape != np.shape(want):
        return f"形状不对：期望 {np.shape(want)}，得到 {got.shape}"
    if not np.all(np.isfinite(got)) and np.all(np.isfinite(want)):
        return f"结果里有 nan 或 inf（溢出了？）：得到\n{_fmt(got)}"
    if not np.allclose(got, want, atol=atol, rtol=0):
        k = np.unravel_index(np.argmax(np.abs(got - want)), got.shape) if got.ndim else ()
        return f"数值不对：期望\n{_fmt(np.asarray(want))}\n得到\n{_fmt(got)}\n（最大差别在下标 {tuple(int(i) for i in k)}）"
    return None


def _run_cases(fn, cases, hint: str, compare=None, atol: float = 1e-6) -> CheckResult:
    """Call fn(*args) for each (description, args, expected); stop at the first failure."""
    if not callable(fn):
        return CheckResult(False, f"请传入一个函数（收到的是 {type(fn).__name__}）。")
    compare = compare or (lambda got, want: _compare_arrays(got, want, atol))
    for k, (description, args, want) in enumerate(cases, start=1):
        try:
            with np.errstate(all="ignore"):  # overflow shows up below as nan/inf, not as a warning
                got = fn(*_copy(args))
        except NotImplementedError:
            return CheckResult(False, "函数还没有写完（抛出了 NotImplementedError）。把 raise 那一行换成你的代码。")
        except Exception as exc:
            return CheckResult(False, f"第 {k} 个例子（{description}）运行出错：{type(exc).__name__}: {exc}\n提示：{hint}")
        if got is None:
            return CheckResult(False, f"第 {k} 个例子（{description}）：函数没有返回值（忘了 return？）。")
        reason = compare(got, want)
        if reason:
            return CheckResult(False, f"第 {k} 个例子（{description}）：{reason}\n提示：{hint}")
    return CheckResult(True, f"全部 {len(cases)} 个例子都通过了！")


def _rng(seed: int = 2024) -> np.random.Generator:
    return np.random.default_rng(seed)


# ------------------------------------------------------------------ notebook 00


def check_dot(fn) -> CheckResult:
    """Warm-up 00-1: fn(a, b) returns the dot product of two vectors."""
    rng = _rng(0)
    a, b = rng.normal(size=5), rng.normal(size=5)
    cases = [("文章的词向量与自己", (np.array([0.2, -0.5, 1.3]), np.array([0.2, -0.5, 1.3])), 0.04 + 0.25 + 1.69),
             ("互相垂直的两个向量", (np.array([1.0, 0.0]), np.array([0.0, 3.0])), 0.0),
             ("随机的 5 维向量", (a, b), float(a @ b))]
    return _run_cases(fn, cases, "对应分量相乘再相加：np.dot(a, b) 或 a @ b。")


def check_matmul_shape(answer) -> CheckResult:
    """Warm-up 00-2: the shape of a (3, 4) matrix times a (4, 2) matrix."""
    try:
        got = tuple(int(x) for x in answer)
    except (TypeError, ValueError):
        return CheckResult(False, f"请写成一个元组，例如 (5, 7)；收到 {answer!r}。")
    if got == (3, 2):
        return CheckResult(True, "对：(3, 4) @ (4, 2) -> (3, 2)，中间的 4 “消掉”了。")
    return CheckResult(False, f"{got} 不对。提示：(a, b) @ (b, c) 的结果是 (a, c)。")


# ------------------------------------------------------------------ notebook 01


def check_similarity(fn) -> CheckResult:
    """Exercise 01-1: fn(X) returns the (n, n) matrix of dot products X Xᵀ."""
    rng = _rng(1)
    cases = [("两个正交的词向量", (np.array([[1.0, 0.0], [0.0, 1.0]]),), np.eye(2))]
    cases.append(("猫、吃、鱼 的 3 维例子", (np.array([[0.2, -0.5, 1.3], [1.0, 0.0, 0.0], [0.5, 0.5, 0.5]]),), None))
    for n, d in ((1, 4), (5, 9), (12, 3)):
        cases.append((f"随机的 {n} 个词、{d} 维", (rng.normal(size=(n, d)),), None))
    cases = [(desc, args, args[0] @ args[0].T if want is None else want) for desc, args, want in cases]
    return _run_cases(fn, cases, "第 i 行第 j 列是词 i 和词 j 的点积；用 X @ X.T。")


def check_most_attended(fn) -> CheckResult:
    """Exercise 01-2: fn(weights, tokens, word) returns the token that `word` attends to most."""
    w = np.array([[0.2, 0.7, 0.1], [0.5, 0.2, 0.3], [0.1, 0.8, 0.1]])
    toks = ["猫", "吃", "鱼"]
    cases = [("猫 最关注谁", (w, toks, "猫"), "吃"), ("吃 最关注谁", (w, toks, "吃"), "猫"),
             ("鱼 最关注谁", (w, toks, "鱼"), "吃")]
    w2 = np.array([[0.1, 0.1, 0.8], [0.3, 0.3, 0.4], [0.6, 0.2, 0.2]])
    cases.append(("另一组权重", (w2, ["a", "b", "c"], "c"), "a"))

    def compare(got, want):
        return None if got == want else f"期望 {want!r}，得到 {got!r}"

    return _run_cases(fn, cases, "先用 tokens.index(word) 找到这个词的行，再用 np.argmax 找这一行最大的列。", compare)


# ------------------------------------------------------------------ notebook 02


def check_projection(fn) -> CheckResult:
    """Exercise 02-1: fn(X, W_Q, W_K, W_V) returns (Q, K, V)."""
    rng = _rng(2)
    cases = []
    for n, d, dk, dv in ((3, 9, 3, 3), (1, 2, 2, 1), (6, 5, 4, 2)):
        X, Wq, Wk, Wv = rng.normal(size=(n, d)), rng.normal(size=(d, dk)), rng.normal(size=(d, dk)), rng.normal(size=(d, dv))
        cases.append((f"{n} 个词、d={d}、d_k={dk}、d_v={dv}", (X, Wq, Wk, Wv), (X @ Wq, X @ Wk, X @ Wv)))

    def compare(got, want):
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            return f"应返回三个数组 (Q, K, V)，得到 {type(got).__name__}"
        for name, g, w in zip("QKV", got, want):
            reason = _compare_arrays(g, w, 1e-9)
            if reason:
                return f"{name} {reason}"
        return None

    return _run_cases(fn, cases, "每个词一行：Q = X @ W_Q，K、V 同理。", compare)


def check_raw_scores(fn) -> CheckResult:
    """Exercise 02-2: fn(Q, K) returns the unscaled scores Q Kᵀ, shape (n_q, n_k)."""
    rng = _rng(3)
    cases = [("文章里的例子", (np.array([[2.0, 1.0, 0.0]]), np.array([[3.0, 2.2, 0.0], [0.25, 0.0, 1.0]])),
              np.array([[8.2, 0.5]]))]
    for nq, nk, d in ((3, 3, 3), (2, 5, 4), (4, 1, 2)):
        Q, K = rng.normal(size=(nq, d)), rng.normal(size=(nk, d))
        cases.append((f"n_q={nq}、n_k={nk}、d_k={d}", (Q, K), Q @ K.T))
    return _run_cases(fn, cases, "分数矩阵第 i 行第 j 列 = Q 的第 i 行 · K 的第 j 行；用 Q @ K.T（注意转置）。")


def check_design_query(q, K, tokens, target: str, at_least: float = 0.8) -> CheckResult:
    """Exercise 02-3: a query vector q that puts ≥ `at_least` of its weight on `target`."""
    try:
        q = np.asarray(q, dtype=float).ravel()
        K = np.asarray(K, dtype=float)
    except (TypeError, ValueError):
        return CheckResult(False, "q 应是一串数字，例如 [1.0, 0.0, 2.0]。")
    if q.shape != (K.shape[1],):
        return CheckResult(False, f"q 应有 {K.shape[1]} 个分量（和 K 的每一行一样长），得到 {q.shape[0]} 个。")
    if not np.all(np.isfinite(q)):
        return CheckResult(False, "q 里有 NaN 或 inf。")
    if np.abs(q).max() > 10:
        return CheckResult(False, "请让 q 的每个分量在 -10 到 10 之间：靠巨大的数字谁都能做到，试着用方向而不是长度。")
    w = softmax(K @ q / np.sqrt(K.shape[1]))  # (n_k, d_k) @ (d_k,) -> (n_k,)
    j = tokens.index(target)
    if w[j] >= at_least:
        return CheckResult(True, f"“{target}”得到的权重是 {w[j]:.3f} ≥ {at_least}。")
    top = tokens[int(np.argmax(w))]
    return CheckResult(False, f"“{target}”只得到 {w[j]:.3f}（最多的是“{top}”：{w.max():.3f}）。"
                       f"\n提示：让 q 指向 K(“{target}”) 的方向，而不是其他词的 K。")


# ------------------------------------------------------------------ notebook 03


def check_softmax(fn) -> CheckResult:
    """Exercise 03-1: a numerically stable softmax over the last axis."""
    rng = _rng(4)
    cases = [
        ("文章的分数 8.2 和 0.5", (np.array([8.2, 0.5]),), softmax(np.array([8.2, 0.5]))),
        ("全相等的分数", (np.zeros(4),), np.full(4, 0.25)),
        ("很大的分数（不能溢出成 nan）", (np.array([1000.0, 999.0, -1000.0]),), softmax(np.array([1000.0, 999.0, -1000.0]))),
        ("很小的分数", (np.array([-1000.0, -1001.0]),), softmax(np.array([-1000.0, -1001.0]))),
        ("二维：每一行分别归一化", (rng.normal(size=(3, 5)) * 3,), None),
    ]
    cases = [(d, a, softmax(a[0]) if w is None else w) for d, a, w in cases]
    return _run_cases(fn, cases, "先减去最大值（x - x.max(axis=-1, keepdims=True)），再 exp，再除以同一行的和。")


def check_scaled_softmax(fn) -> CheckResult:
    """Exercise 03-2: fn(scores, d_k) returns softmax(scores / √d_k)."""
    cases = [("文章的分数，d_k = 64", (np.array([8.2, 0.5]), 64), softmax(np.array([8.2, 0.5]) / 8)),
             ("d_k = 1 时不缩放", (np.array([1.0, 2.0, 3.0]), 1), softmax(np.array([1.0, 2.0, 3.0]))),
             ("d_k = 4", (np.array([[4.0, 0.0], [0.0, 2.0]]), 4), softmax(np.array([[2.0, 0.0], [0.0, 1.0]])))]
    return _run_cases(fn, cases, "先把分数除以 np.sqrt(d_k)，再做 softmax。")


def check_dot_variance(answer, d_k: int = 64) -> CheckResult:
    """Exercise 03-3: the variance of q·k when q and k have d_k independent N(0, 1) entries."""
    try:
        x = float(answer)
    except (TypeError, ValueError):
        return CheckResult(False, f"请给出一个数，收到 {answer!r}。")
    if abs(x - d_k) <= 0.5:
        return CheckResult(True, f"对：方差是 d_k = {d_k}，标准差是 √d_k = {np.sqrt(d_k):g}，所以要除以 √d_k。")
    if abs(x - np.sqrt(d_k)) <= 0.05:
        return CheckResult(False, f"{x:g} 是标准差 √d_k。方差是标准差的平方。")
    return CheckResult(False, f"{x:g} 不对。提示：q·k 是 d_k 个独立乘积 q_i k_i 的和，每个乘积的方差是 1。")


# ------------------------------------------------------------------ notebook 04


def check_weighted_sum(fn) -> CheckResult:
    """Exercise 04-1: fn(weights_row, V) returns Σ_j weights_row[j] · V[j]."""
    rng = _rng(5)
    V = np.array([[1.0, 0.0], [0.0, 1.0]])
    cases = [("文章的 0.7 和 0.3", (np.array([0.7, 0.3]), V), np.array([0.7, 0.3])),
             ("全部给第一个词", (np.array([1.0, 0.0, 0.0]), np.arange(6.0).reshape(3, 2)), np.array([0.0, 1.0]))]
    w = softmax(rng.normal(size=5))
    Vr = rng.normal(size=(5, 4))
    cases.append(("随机的 5 个词、d_v = 4", (w, Vr), w @ Vr))
    return _run_cases(fn, cases, "结果是 V 各行的加权和：weights_row @ V。")


def _attention_cases(rng, with_mask: bool):
    cases = []
    for n_q, n_k, d_k, d_v in ((3, 3, 3, 3), (1, 4, 2, 5), (6, 6, 8, 2), (2, 7, 64, 3)):
        Q, K, V = rng.normal(size=(n_q, d_k)), rng.normal(size=(n_k, d_k)), rng.normal(size=(n_k, d_v))
        args = (Q, K, V)
        if with_mask:
            mask = causal_mask(max(n_q, n_k))[-n_q:, :n_k] if n_q <= n_k else causal_mask(n_q)[:, :n_k]
            mask = mask | (np.arange(n_k) == 0)  # every query may see at least key 0
            args = (Q, K, V, mask)
        cases.append((f"n_q={n_q}、n_k={n_k}、d_k={d_k}、d_v={d_v}", args,
                      scaled_dot_product_attention(*args[:3], mask=args[3] if with_mask else None)))
    return cases


def _compare_output_weights(got, want):
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return f"应返回 (output, weights) 两个数组，得到 {type(got).__name__}"
    for name, g, w in zip(("output", "weights"), got, want):
        reason = _compare_arrays(g, w, 1e-8)
        if reason:
            return f"{name} {reason}"
    return None


def check_attention(fn) -> CheckResult:
    """Exercise 04-2: fn(Q, K, V) returns (output, weights) = attention from scratch."""
    return _run_cases(fn, _attention_cases(_rng(6), False),
                      "weights = softmax(Q @ K.T / √d_k)（对每一行），output = weights @ V；返回 (output, weights)。",
                      _compare_output_weights)


def check_masked_attention(fn) -> CheckResult:
    """Exercise 04-3: fn(Q, K, V, mask) with a boolean mask (True = may attend)."""
    return _run_cases(fn, _attention_cases(_rng(7), True),
                      "在 softmax 之前，把 mask 为 False 的分数换成 -np.inf：np.where(mask, scores, -np.inf)。",
                      _compare_output_weights)


# ------------------------------------------------------------------ notebook 05
# (appended section for notebooks 05 and 06; the checks above are untouched)

from .attention import split_heads as _split_heads
from .compare import KIND_LABELS as _KIND_LABELS
from .compare import path_length as _path_length
from .compare import rnn_layer as _rnn_layer
from .multihead import multi_head_attention as _multi_head_attention

__all__ += ["check_split_heads", "check_multi_head", "check_head_parameters",
            "check_rnn", "check_path_length", "check_attention_memory"]


def check_split_heads(fn) -> CheckResult:
    """Exercise 05-1: fn(x, h) cuts x (n, d) into h heads, shape (h, n, d // h)."""
    rng = _rng(50)
    cases = [("4 个词、d = 6、h = 2（x 是 0 到 23，便于手算）", (np.arange(24.0).reshape(4, 6), 2)),
             ("3 个词、d = 6、h = 3", (np.arange(18.0).reshape(3, 6), 3)),
             ("h = 1：只有一个头", (rng.normal(size=(5, 4)), 1)),
             ("7 个词、d = 32、h = 8（文章的 8 个头）", (rng.normal(size=(7, 32)), 8))]
    cases = [(desc, args, _split_heads(*args)) for desc, args in cases]
    return _run_cases(fn, cases,
                      "头 i 拿的是每个词的第 i 段列：先 x.reshape(n, h, d // h)，再用 np.transpose(…, (1, 0, 2)) "
                      "把 h 换到最前面。直接 x.reshape(h, n, d // h) 会把不同词的数字拼进同一行。")


def check_multi_head(fn) -> CheckResult:
    """Exercise 05-2: fn(X, W_Q, W_K, W_V, W_O, h) returns (output (n, d_o), weights (h, n, n))."""
    rng = _rng(51)
    cases = []
    for n, d, h, d_k, d_v, d_o in ((3, 4, 2, 2, 2, 4), (7, 9, 8, 4, 4, 9), (5, 6, 1, 3, 3, 6), (4, 5, 2, 3, 2, 3)):
        X = rng.normal(size=(n, d))
        W_Q, W_K = rng.normal(size=(d, h * d_k)), rng.normal(size=(d, h * d_k))
        W_V, W_O = rng.normal(size=(d, h * d_v)), rng.normal(size=(h * d_v, d_o))
        args = (X, W_Q, W_K, W_V, W_O, h)
        cases.append((f"n={n}、d={d}、h={h}、d_k={d_k}、d_v={d_v}、d_o={d_o}", args, _multi_head_attention(*args)))
    return _run_cases(fn, cases,
                      "Q = X @ W_Q 之后切成 h 个头 (h, n, d_k)；每个头除以 √d_k（一个头的宽度，不是 h·d_k）；"
                      "各头的输出拼接回 (n, h·d_v)，最后乘 W_O。返回 (output, weights)。",
                      _compare_output_weights)


def check_head_parameters(fn) -> CheckResult:
    """Exercise 05-3: fn(d, h, d_k, d_v) counts the entries of W_Q, W_K, W_V and W_O (W_O: (h·d_v, d))."""
    cases = [("手搭的两个头：d=9、h=2、d_k=d_v=3", (9, 2, 3, 3), 216),
             ("一个头：d=512、h=1、d_k=d_v=512", (512, 1, 512, 512), 1048576),
             ("Transformer base：d=512、h=8、d_k=d_v=64", (512, 8, 64, 64), 1048576),
             ("d_k ≠ d_v：d=10、h=2、d_k=3、d_v=5", (10, 2, 3, 5), 320)]

    def compare(got, want):
        try:
            ok = int(got) == want and float(got) == float(int(got))
        except (TypeError, ValueError):
            return f"应返回一个整数，得到 {got!r}"
        return None if ok else f"期望 {want:,}，得到 {got!r}"

    return _run_cases(fn, cases,
                      "四个矩阵：W_Q、W_K 各是 (d, h·d_k)，W_V 是 (d, h·d_v)，W_O 是 (h·d_v, d)。别忘了 W_O。", compare)


# ------------------------------------------------------------------ notebook 06


def check_rnn(fn) -> CheckResult:
    """Exercise 06-1: fn(X, W_x, W_h, b) returns all hidden states h_t = tanh(x_t W_x + h_{t-1} W_h + b)."""
    rng = _rng(60)
    cases = [("一个词：h_0 = tanh(x_0 W_x + b)", (np.array([[1.0, 0.0]]), np.eye(2), np.eye(2), np.zeros(2)))]
    cases.append(("两个词、W_h = 单位矩阵：第二步要带上 h_0",
                  (np.array([[1.0, 0.0], [0.0, 1.0]]), np.eye(2), np.eye(2), np.zeros(2))))
    for n, d_in, d_h in ((6, 4, 4), (5, 3, 2), (12, 8, 8)):
        cases.append((f"随机的 {n} 个词、d_in={d_in}、d_h={d_h}",
                       (rng.normal(size=(n, d_in)), rng.normal(0, 0.5, (d_in, d_h)), rng.normal(0, 0.5, (d_h, d_h)),
                        rng.normal(0, 0.1, d_h))))
    cases = [(desc, args, _rnn_layer(args[0], {"W_x": args[1], "W_h": args[2], "b": args[3]})) for desc, args in cases]
    return _run_cases(fn, cases,
                      "从 h = np.zeros(d_h) 开始，对每个 x_t：h = np.tanh(x_t @ W_x + h @ W_h + b)，把每一步的 h 存下来，"
                      "最后 np.array(列表)，形状 (n, d_h)。", atol=1e-9)


def check_path_length(fn) -> CheckResult:
    """Exercise 06-2: fn(kind, n, k) predicts the hops from the first word to the last; graded by measurement."""
    cases = []
    for kind, n, k in (("attention", 10, 3), ("rnn", 10, 3), ("cnn", 10, 3), ("cnn", 9, 3), ("cnn", 40, 5),
                       ("cnn_dilated", 9, 3), ("cnn_dilated", 10, 3), ("cnn_dilated", 33, 2), ("rnn", 2, 3),
                       ("cnn", 64, 2)):
        measured = _path_length(kind, n, k=k, rng=_rng(61))
        cases.append((f"{_KIND_LABELS[kind]}、n={n}、k={k}（染色法测得 {measured}）", (kind, n, k), measured))

    def compare(got, want):
        try:
            ok = int(got) == want
        except (TypeError, ValueError):
            return f"应返回一个整数，得到 {got!r}"
        return None if ok else f"测得 {want}，你的公式给出 {got!r}"

    return _run_cases(fn, cases,
                      "从第 1 个词到第 n 个词要跨过 n − 1 个位置。RNN 每步前进 1；连续卷积每层最多前进 k − 1；"
                      "空洞卷积 L 层后能看到 k**L 个位置；注意力一层就到。记得向上取整。", compare)


def check_attention_memory(fn) -> CheckResult:
    """Exercise 06-3: fn(n, h, layers, bytes_per_number) returns the bytes of all attention weight matrices."""
    cases = []
    for n, h, layers, b in ((3, 1, 1, 8), (7, 8, 1, 8), (10, 2, 3, 4)):
        real = sum(np.zeros((h, n, n), dtype=np.float64 if b == 8 else np.float32).nbytes for _ in range(layers))
        cases.append((f"n={n}、h={h}、{layers} 层、每个数 {b} 字节（和真实数组的 nbytes 比较）", (n, h, layers, b), real))
    cases.append(("BERT-base：n=512、h=12、12 层、float32", (512, 12, 12, 4), 512 * 512 * 12 * 12 * 4))
    cases.append(("n=128000、h=32、1 层、float16", (128000, 32, 1, 2), 128000 ** 2 * 32 * 2))

    def compare(got, want):
        try:
            ok = int(got) == want
        except (TypeError, ValueError, OverflowError):
            return f"应返回一个整数（字节数），得到 {got!r}"
        return None if ok else f"期望 {want:,} 字节，得到 {got!r}"

    return _run_cases(fn, cases,
                      "每一层、每个头都有一个 (n, n) 的权重矩阵：层数 × 头数 × n × n × 每个数的字节数。", compare)


# ------------------------------------------------------------------ notebook 08


def _sinusoidal(n: int, d: int) -> np.ndarray:
    """Reference positional encoding of Vaswani et al. 2017, shape (n, d)."""
    pos = np.arange(n)[:, None]  # (n, 1)
    i = np.arange(0, d, 2)[None, :]  # (1, d/2)
    angle = pos / 10000 ** (i / d)  # (n, d/2)
    pe = np.zeros((n, d))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle)
    return pe


def check_positional_encoding(fn) -> CheckResult:
    """Exercise 08-1: fn(n, d) returns the sinusoidal positional encoding, shape (n, d)."""
    cases = [(f"n={n}、d={d}", (n, d), _sinusoidal(n, d)) for n, d in ((1, 2), (3, 4), (10, 16), (50, 8))]
    return _run_cases(fn, cases, "偶数列 sin(pos / 10000^(2i/d))，奇数列 cos(同一个角度)；i 是列号的一半。")


def check_self_attention_layer(fn) -> CheckResult:
    """Exercise 08-2: fn(X, W_Q, W_K, W_V) returns the output of one self-attention layer."""
    rng = _rng(8)
    cases = []
    for n, d, d_k in ((3, 9, 3), (5, 4, 2), (1, 6, 6)):
        X, Wq, Wk, Wv = rng.normal(size=(n, d)), rng.normal(size=(d, d_k)), rng.normal(size=(d, d_k)), rng.normal(size=(d, d_k))
        cases.append((f"{n} 个词、d={d}、d_k={d_k}", (X, Wq, Wk, Wv), scaled_dot_product_attention(X @ Wq, X @ Wk, X @ Wv)[0]))
    return _run_cases(fn, cases, "先算 Q = X W_Q、K、V，再算 softmax(QKᵀ/√d_k) V；只返回输出。")


# ------------------------------------------------------------------ notebook 07


def check_top_head(fn) -> CheckResult:
    """Exercise 07-1: fn(weights, tokens, query, key) -> (layer, head) where query attends most to key."""
    rng = _rng(9)
    cases = []
    for L, h, n, (l0, h0) in ((2, 3, 4, (1, 2)), (6, 12, 5, (3, 1)), (1, 1, 3, (0, 0))):
        w = softmax(rng.normal(size=(L, h, n, n)))
        tokens = [f"t{i}" for i in range(n)]
        q, k = n - 1, 0
        w[l0, h0, q] = 0.0
        w[l0, h0, q, k] = 1.0  # this head sends the query entirely to the key
        cases.append((f"{L} 层 × {h} 个头、{n} 个词", (w, tokens, tokens[q], tokens[k]), (l0, h0)))

    def compare(got, want):
        try:
            got = tuple(int(x) for x in got)
        except (TypeError, ValueError):
            return f"应返回 (layer, head) 两个整数，得到 {got!r}"
        return None if got == want else f"期望 (层, 头) = {want}，得到 {got}"

    return _run_cases(fn, cases, "取出 weights[:, :, i, j]（形状 (L, h)），再用 np.unravel_index(np.argmax(...), 形状)。",
                      compare)


def check_layer_norm(fn) -> CheckResult:
    """Exercise 07-2: fn(x, gamma, beta) = LayerNorm over the last axis (eps = 1e-12)."""
    rng = _rng(10)

    def reference(x, g, b):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + 1e-12) * g + b

    cases = [("一个向量，γ = 1、β = 0", (np.array([1.0, 2.0, 3.0]), np.ones(3), np.zeros(3)), None),
             ("4 个词、8 维", (rng.normal(size=(4, 8)) * 5 + 2, rng.normal(size=8), rng.normal(size=8)), None),
             ("批次 (2, 3, 6)", (rng.normal(size=(2, 3, 6)), np.ones(6), np.full(6, 0.5)), None)]
    cases = [(d, a, reference(*a)) for d, a, _ in cases]
    return _run_cases(fn, cases, "对最后一维：减去均值，除以 √(方差 + 1e-12)（用总体方差，即 np.var 的默认），再乘 γ 加 β。",
                      atol=1e-6)

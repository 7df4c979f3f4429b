"""Exercises of notebook 06: an RNN step by step, predicting path lengths, the longest sentence that fits."""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from ._core import Case, Exercise, Mistake, compare_arrays, rng, run_check
from .lesson05 import _int_compare


def _rnn(X, W_x, W_h, b, act=np.tanh, swap=False, last=False, recur=True, h0=0.0, left=False, shift=False):
    h, states = np.full(W_h.shape[0], h0), []
    for x_t in X:
        if shift:  # the state before the update is stored: one step late
            states.append(h)
        recurrent = (W_h @ h if left else h @ W_h) if recur else 0
        pre = (x_t @ W_h + h @ W_x if swap else x_t @ W_x + recurrent) + b
        h = act(pre)
        if not shift:
            states.append(h)
    return states[-1] if last else np.array(states)


def _rnn_cases():
    r = rng(60)
    cases = [Case("一个词：h_0 = tanh(x_0 W_x + b)", (np.array([[1.0, 0.0]]), np.eye(2), np.eye(2), np.zeros(2))),
             Case("两个词、W_h = 单位矩阵：第二步要带上 h_0",
                  (np.array([[1.0, 0.0], [0.0, 1.0]]), np.eye(2), np.eye(2), np.zeros(2)))]
    for n, d_in, d_state in ((6, 4, 4), (5, 3, 2), (12, 8, 8)):
        cases.append(Case(f"随机的 {n} 个词、d_in={d_in}、d_state={d_state}",
                          (r.normal(size=(n, d_in)), r.normal(0, 0.5, (d_in, d_state)),
                           r.normal(0, 0.5, (d_state, d_state)), r.normal(0, 0.5, d_state)), hidden=True))
    return cases


def _tanh_on_input(X, W_x, W_h, b):
    h, out = np.zeros(W_h.shape[0]), []
    for x in X:
        h = np.tanh(x @ W_x) + h @ W_h + b  # tanh only around the input term
        out.append(h)
    return np.array(out)


def _pre_tanh(X, W_x, W_h, b):
    h, out = np.zeros(W_h.shape[0]), []
    for x in X:
        h = x @ W_x + h @ W_h + b
        out.append(np.tanh(h))
    return np.array(out)


RNN = Exercise(
    "06-1", _rnn_cases, _rnn,
    where="h 从 0 开始；每一步用上一步的 h：h = tanh(x_t W_x + h W_h + b)；每一步的 h 都要存下来。",
    how="h = np.zeros(d_state)（d_state = W_h.shape[0]）；for x_t in X: h = np.tanh(x_t @ W_x + h @ W_h + b)，append；最后 np.array(列表)。",
    compare=lambda g, w, c: compare_arrays(g, w, c, name="隐状态", atol=1e-9),
    mistakes=[Mistake("没有用上一步的 h：每个词各算各的，这不是循环。", "h @ W_h 那一项。",
                      lambda X, W_x, W_h, b: _rnn(X, W_x, W_h, b, recur=False)),
              Mistake("忘了偏置 b：每一步是 tanh(x_t W_x + h W_h + b)。", "括号里的第三项。",
                      lambda X, W_x, W_h, b: _rnn(X, W_x, W_h, np.zeros_like(b))),
              Mistake("只返回了最后一个 h；要返回所有 n 个，形状 (n, d_state)。", "循环里存下每一步。",
                      lambda X, W_x, W_h, b: _rnn(X, W_x, W_h, b, last=True)),
              Mistake("传给下一步的 h 没有经过 tanh（tanh 只用在了存下来的值上）。", "循环里 h 的更新。", _pre_tanh),
              Mistake("tanh 只包住了 x_t W_x 那一项：h W_h 和 b 加在了 tanh 外面。tanh 要作用在三项的和上。",
                      "tanh 的括号到哪里为止。", _tanh_on_input),
              Mistake("W_x 和 W_h 用反了：x_t 乘 W_x，h 乘 W_h。", "两个矩阵各乘谁。",
                      lambda X, W_x, W_h, b: _rnn(X, W_x, W_h, b, swap=True)),
              Mistake("没有 tanh：每一步的 h 应是 tanh(x_t W_x + h W_h + b)，不是括号里的数本身。", "h 的更新那一行。",
                      lambda X, W_x, W_h, b: _rnn(X, W_x, W_h, b, act=lambda z: z)),
              Mistake("差了一步（off-by-one）：你存下的是更新之前的 h（第一个是 h_{-1} = 0），应存更新之后的。",
                      "append 放在更新的前面还是后面。", lambda X, W_x, W_h, b: _rnn(X, W_x, W_h, b, shift=True)),
              Mistake("h 的起点不对：开始之前的 h_{-1} 应全是 0。", "循环之前 h 的初值。",
                      lambda X, W_x, W_h, b: _rnn(X, W_x, W_h, b, h0=1.0)),
              Mistake("你算的是 W_h @ h（h 在右边）：行向量 h 要从左边乘，h @ W_h。", "h 和 W_h 的顺序。",
                      lambda X, W_x, W_h, b: _rnn(X, W_x, W_h, b, left=True))])


def check_rnn(fn, hint=None):
    """Exercise 06-1: fn(X, W_x, W_h, b) returns all hidden states h_t = tanh(x_t W_x + h_{t-1} W_h + b)."""
    return run_check(RNN, fn, hint)


@cache
def _measured(kind, n, k):
    from ..compare import path_length
    return path_length(kind, n, k=k, rng=np.random.default_rng(61))


def _path_cases():
    from ..compare import KIND_LABELS
    specs = [("attention", 10, 3, False), ("rnn", 10, 3, False), ("cnn", 10, 3, False), ("cnn_dilated", 9, 3, False),
             ("cnn", 9, 3, True), ("cnn", 40, 5, True), ("cnn_dilated", 10, 3, True), ("cnn_dilated", 33, 2, True),
             ("cnn_dilated", 125, 5, True), ("cnn_dilated", 243, 3, True), ("cnn_dilated", 20, 3, True),
             ("rnn", 2, 3, True), ("cnn", 64, 2, True)]
    return [Case(f"{KIND_LABELS[kind]}、n={n}、k={k}（染色法测得 {_measured(kind, n, k)}）", (kind, n, k), hidden)
            for kind, n, k, hidden in specs]


def _log_float(kind, n, k, ref):
    return math.ceil(math.log(n, k)) if kind == "cnn_dilated" else ref(kind, n, k)


def _path_ref(kind, n, k):
    return _measured(kind, n, k)


def _ok(kind, n, k):
    """The reference formula, to build the mistakes from."""
    from ..compare import expected
    return expected(kind, n, d=1, k=k)["path"]


PATH = Exercise(
    "06-2", _path_cases, _path_ref,
    where="从第 0 个词到第 n − 1 个词要跨过 n − 1 个位置。RNN 每步前进 1；连续卷积每层最多前进 k − 1；"
          "空洞卷积 L 层之后能看到 k**L 个位置；注意力一层就到。",
    how="连续卷积：向上取整的 (n − 1) / (k − 1)，用整数写 -(-(n - 1) // (k - 1))；空洞卷积：最小的 L 使 k**L ≥ n，"
        "用整数循环（seen *= k），不要用 math.log（浮点误差）。",
    compare=_int_compare,
    mistakes=[Mistake("空洞卷积用了 math.ceil(math.log(n, k))：浮点误差让 math.log(125, 5) = 3.0000000000000004，"
                      "向上取整成了 4，测得的是 3。", "用整数循环代替对数。", lambda kind, n, k: _log_float(kind, n, k, _ok)),
              Mistake("连续卷积按 n / k 算了；每层最多前进 k − 1 个位置，要跨过的是 n − 1 个位置。", "cnn 那一支。",
                      lambda kind, n, k: n // k if kind == "cnn" else _ok(kind, n, k)),
              Mistake("连续卷积用了 n 而不是 n − 1：第 0 个词到第 n − 1 个词只隔 n − 1 个位置。", "cnn 的距离。",
                      lambda kind, n, k: -(-n // (k - 1)) if kind == "cnn" else _ok(kind, n, k)),
              Mistake("RNN 按 n 步算了；从第 0 个词到第 n − 1 个词是 n − 1 步。", "rnn 那一支。",
                      lambda kind, n, k: n if kind == "rnn" else _ok(kind, n, k)),
              Mistake("空洞卷积差了一个位置：你让 L 层覆盖 n − 1 个位置（用了 log(n − 1)），可 L 层之后能看到的位置"
                      "要包括第 0 个词到第 n − 1 个词，一共 n 个。", "空洞卷积那一支：要覆盖几个位置？",
                      lambda kind, n, k: math.ceil(math.log(n - 1, k) - 1e-9) if kind == "cnn_dilated" and n > 1
                      else _ok(kind, n, k)),
              Mistake("空洞卷积向下取整了：层数少了一层时，最后一个词还看不到。", "取整的方向。",
                      lambda kind, n, k: int(math.log(n, k) + 1e-9) if kind == "cnn_dilated" else _ok(kind, n, k))])


def check_path_length(fn, hint=None):
    """Exercise 06-2: fn(kind, n, k) predicts the hops from word 0 to word n − 1; graded by measurement."""
    return run_check(PATH, fn, hint)


GIB = 2 ** 30


def _max_len(memory_bytes, h, layers, bytes_per_number):
    return math.isqrt(memory_bytes // (h * layers * bytes_per_number))


MAX_LENGTH = Exercise(
    "06-3", lambda: [Case("1 GiB、1 层 1 个头、float32", (GIB, 1, 1, 4)),
                     Case("1 KiB、2 个头、3 层、float64", (1024, 2, 3, 8)),
                     Case("BERT-base 在 16 GiB 里：12 层 × 12 个头、float32", (16 * GIB, 12, 12, 4)),
                     Case("80 GiB、32 层 × 32 个头、float16", (80 * GIB, 32, 32, 2), hidden=True),
                     Case("刚好放下 3 × 3", (72, 1, 1, 8), hidden=True),
                     Case("(9·10⁷)² − 1 字节、1 层 1 个头、1 字节：浮点开平方会多 1", (81 * 10 ** 14 - 1, 1, 1, 1),
                          hidden=True),
                     Case("10¹⁶ − 1 字节、1 层 1 个头、1 字节：浮点除法、浮点开平方都会多 1", (10 ** 16 - 1, 1, 1, 1),
                          hidden=True)],
    _max_len,
    where="所有权重矩阵的字节数 = 层数 × 头数 × n² × 每个数的字节数；要它 ≤ memory_bytes 的最大整数 n。",
    how="n² ≤ memory_bytes / (layers · h · bytes_per_number)；用 math.isqrt（整数平方根，向下取整），"
        "或者算出 n 之后检查 n² 真的 ≤ 这个数、不然减 1。",
    compare=_int_compare,
    passed_note="BERT-base 的权重在 16 GiB 里最多放下约 5 千个词元：n 翻倍，内存翻 4 倍。",
    mistakes=[Mistake("你按 n（线性）算了；每个头的权重矩阵是 n × n，要开平方。", "n² 那一项。",
                      lambda m, h, L, b: m // (h * L * b)),
              Mistake("少乘了层数：每一层都有自己的权重矩阵。", "层数。", lambda m, h, L, b: math.isqrt(m // (h * b))),
              Mistake("向上取整（ceil）会超出内存：要向下取整。", "取整的方向。",
                      lambda m, h, L, b: math.ceil(math.sqrt(m / (h * L * b)))),
              Mistake("四舍五入（round）会超出内存：要向下取整。", "取整的方向。",
                      lambda m, h, L, b: round(math.sqrt(m / (h * L * b)))),
              Mistake("你用浮点数开平方（math.sqrt 或 np.sqrt）再取整：float 只有约 16 位有效数字，n² − 1 这样的数"
                      "开平方会被舍入成 n，可 n 的平方已经超出内存。", "开平方那一步：float 还是整数。",
                      lambda m, h, L, b: int(math.sqrt(m / (h * L * b)))),
              Mistake("开平方用了 math.isqrt，可它之前的除法用了 /（浮点除法）：10¹⁶ − 1 变成 float 就被舍入成 10¹⁶，"
                      "isqrt 拿到的已经是舍入后的数。除法也要留在整数里。", "isqrt 之前的那个除法。",
                      lambda m, h, L, b: math.isqrt(int(m / (h * L * b)))),
              Mistake("少乘了头数：每个头都有自己的 n × n 矩阵。", "头数。", lambda m, h, L, b: math.isqrt(m // (L * b))),
              Mistake("少乘了每个数的字节数：memory_bytes 是字节，一个数占 bytes_per_number 个字节。", "字节数。",
                      lambda m, h, L, b: math.isqrt(m // (h * L)))])


def check_max_length(fn, hint=None):
    """Exercise 06-3: fn(memory_bytes, h, layers, bytes_per_number) -> the longest n whose weights fit."""
    return run_check(MAX_LENGTH, fn, hint)


def _longest_within(hops: int, k: int) -> int:
    """The longest sentence whose first and last words are at most `hops` apart in a dilated CNN, by measurement."""
    n = 2
    while _measured("cnn_dilated", n + 1, k) <= hops:
        n += 1
    return n


def check_longest_within(n_max, hops: int = 4, k: int = 3, hint=None):
    """Exercise 06-4 (reasoning): the longest n for which a dilated CNN (kernel k) links word 0 to word n − 1 in ≤ hops.

    The table of the lesson goes from n to hops; this asks the other way round. Graded by measurement
    (the colouring method of the lesson), not by a typed-in number.
    """
    from ._core import check_value

    key = "06-4"
    where = "空洞卷积 L 层之后能看到多少个位置？要让它 ≥ n，n 最大能到多少？"
    how = ("空洞卷积每加一层，最后一个词能看到的位置数乘以 k。"
           f"从 1 层数到 {hops} 层，算出能看到多少个位置：句子不比它长就行。")
    if n_max is None:
        return check_value(key, False, "还没写（not written yet）：把 None 换成一个整数。", where, how, hint,
                           diagnosis="not written")
    if isinstance(n_max, (float, np.floating)) and float(n_max).is_integer():
        n_max = int(n_max)  # 81.0 is 81
    if isinstance(n_max, (bool, np.bool_)) or not isinstance(n_max, (int, np.integer)):
        return check_value(key, False, f"n_max 应是一个整数（句子的词数），收到 {n_max!r}。", where, how, hint,
                           diagnosis="format")
    want = _longest_within(hops, k)
    n = int(n_max)
    if n == want:
        return check_value(key, True, "", "", "", hint,
                           passed=f"对：染色法测得 n = {want} 时最远是 {_measured('cnn_dilated', want, k)} 跳，"
                                  f"n = {want + 1} 时是 {_measured('cnn_dilated', want + 1, k)} 跳。"
                                  f"注意力不管 n 多大都是 1 跳。")
    if n < 2:
        return check_value(key, False, f"n_max 应至少是 2（至少两个词），收到 {n}。", where, how, hint, diagnosis="range")
    measured = _measured("cnn_dilated", n, k)
    if n > want:
        what = f"n = {n} 时染色法测得最远要 {measured} 跳，超过了 {hops} 跳。"
        if n == want + 1:
            what += "想一想：L 层能覆盖的是 n 个词，还是 n − 1 段距离？"
    else:
        what = f"n = {n} 时最远 {measured} 跳，没超过 {hops} 跳；但还能更长。"
        if n == want - 1:
            what += "想一想：L 层能看到的位置个数，和能放下的词数是什么关系？"
    return check_value(key, False, what, where, how, hint, diagnosis="too long" if n > want else "too short")

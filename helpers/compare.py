"""Three small layers over the same sequence — recurrent, convolutional, self-attention — and
the measurements that compare them.

Introduced in notebook 06. Numpy only; every function is pure and takes its randomness as an
explicit ``rng: numpy.random.Generator``.

What is measured, and how:

* **Sequential steps** (顺序步数): each layer counts its *rounds* while it runs. A round
  computes many positions at once, but has to wait for the round before it. The RNN needs
  one round per word, because h_t needs h_{t-1}; the other two layers need a fixed number.
* **Path length** (最长路径): by *taint* (染色法). Word ``source`` is replaced by NaN (not a
  number); any arithmetic that touches a NaN gives NaN, so the NaNs in the output are exactly
  the positions the word has reached. Layers (or, for the RNN, recurrent steps) are added one
  at a time until the target position turns NaN.
* **Arithmetic** (计算量): every matrix product goes through one counting function that adds
  m·k·p multiply-adds for an (m, k) @ (k, p) product.

Shape legend:
    n  number of positions (words)        d  vector length (input = output here)
    k  kernel size of the convolution     L  number of stacked layers
"""

from __future__ import annotations

import math
import time
import tracemalloc
from dataclasses import dataclass

import numpy as np

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "OpCount",
    "init_layer",
    "rnn_states",
    "rnn_layer",
    "conv_layer",
    "attention_layer",
    "apply_layer",
    "reach",
    "hops_needed",
    "path_length",
    "measure_layer",
    "expected",
    "log_ceil",
    "change_at_last",
    "attention_cost",
]

KINDS = ("rnn", "cnn", "cnn_dilated", "attention")
"""The four layer types of notebook 06."""

KIND_LABELS = {
    "rnn": "RNN 循环层",
    "cnn": "CNN 卷积（连续 contiguous）",
    "cnn_dilated": "CNN 空洞卷积 (dilated)",
    "attention": "自注意力 self-attention",
}
"""Chinese (and English) names for tables, legends and widgets."""


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"kind 应是 {KINDS} 之一，收到 {kind!r}。")
    return kind


def _check_int(value, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} 应是 ≥ {low} 的整数，收到 {value!r}。")
    return int(value)


@dataclass
class OpCount:
    """What a layer did while it ran.

    Attributes
    ----------
    steps : int
        Sequential rounds: a round may compute all positions at once, but must wait for
        the round before it.
    madds : int
        Multiply-adds inside matrix products (softmax and tanh are not counted).
    """

    steps: int = 0
    madds: int = 0

    def round(self) -> None:
        """Start a new sequential round."""
        self.steps += 1

    def matmul(self, A: np.ndarray, B: np.ndarray) -> np.ndarray:
        """A @ B, counting (m·k)·p multiply-adds for (..., m, k) @ (k, p)."""
        self.madds += math.prod(A.shape[:-1]) * A.shape[-1] * B.shape[-1]
        return A @ B


def init_layer(kind: str, d: int, *, k: int = 3, rng: np.random.Generator) -> dict:
    """Random weights for one layer, the way common libraries initialise them.

    Introduced in notebook 06. RNN and CNN follow PyTorch's defaults for ``nn.RNN`` and
    ``nn.Conv1d`` (uniform in ±1/√fan_in); attention uses N(0, 1/d).

    Parameters
    ----------
    kind : {"rnn", "cnn", "cnn_dilated", "attention"}
    d : int
        Input and output vector length.
    k : int
        Kernel size (convolutions only).
    rng : numpy.random.Generator

    Returns
    -------
    dict
        rnn: W_x (d, d), W_h (d, d), b (d,); cnn: W (k, d, d), b (d,);
        attention: W_Q, W_K, W_V (d, d).
    """
    kind = _check_kind(kind)
    d = _check_int(d, "d", 1)
    if kind == "rnn":
        a = 1 / np.sqrt(d)
        return {"W_x": rng.uniform(-a, a, (d, d)), "W_h": rng.uniform(-a, a, (d, d)), "b": rng.uniform(-a, a, d)}
    if kind in ("cnn", "cnn_dilated"):
        k = _check_int(k, "k", 2)
        a = 1 / np.sqrt(k * d)
        return {"W": rng.uniform(-a, a, (k, d, d)), "b": rng.uniform(-a, a, d)}
    s = 1 / np.sqrt(d)
    return {"W_Q": rng.normal(0, s, (d, d)), "W_K": rng.normal(0, s, (d, d)), "W_V": rng.normal(0, s, (d, d))}


def rnn_states(X, params, count: OpCount | None = None):
    """Run a simple (Elman) RNN one step at a time, yielding each hidden state.

    h_t = tanh(x_t W_x + h_{t-1} W_h + b),  h_{-1} = 0.  Introduced in notebook 06.

    Parameters
    ----------
    X : ndarray, shape (n, d_in)
    params : dict with W_x (d_in, d_h), W_h (d_h, d_h), b (d_h,)
    count : OpCount, optional
        One round per step: step t cannot start before step t-1 has finished.

    Yields
    ------
    h_t : ndarray, shape (d_h,)
    """
    count = count if count is not None else OpCount()
    W_x, W_h, b = params["W_x"], params["W_h"], params["b"]
    h = np.zeros(W_h.shape[0])  # (d_h,)
    for x_t in np.asarray(X, dtype=float):
        count.round()
        h = np.tanh(count.matmul(x_t[None], W_x)[0] + count.matmul(h[None], W_h)[0] + b)  # (d_in,)@(d_in,d_h) + (d_h,)@(d_h,d_h) -> (d_h,)
        yield h


def rnn_layer(X, params, count: OpCount | None = None) -> np.ndarray:
    """All hidden states of a simple RNN (see `rnn_states`).

    Introduced in notebook 06.

    Returns
    -------
    H : ndarray, shape (n, d_h)
    """
    d_h = params["W_h"].shape[0]
    states = list(rnn_states(X, params, count))
    return np.array(states) if states else np.zeros((0, d_h))


def conv_layer(X, params, dilation: int = 1, count: OpCount | None = None) -> np.ndarray:
    """A causal 1-D convolution: position t sees positions t, t-δ, …, t-(k-1)δ (δ = dilation).

    y_t = Σ_m x_{t - m·δ} W[m] + b, with zeros before the first position. Introduced in
    notebook 06.

    Parameters
    ----------
    X : ndarray, shape (n, d_in)
    params : dict with W (k, d_in, d_out), b (d_out,)
    dilation : int
        1 for an ordinary (contiguous) convolution.

    Returns
    -------
    Y : ndarray, shape (n, d_out)
    """
    count = count if count is not None else OpCount()
    X = np.asarray(X, dtype=float)
    W, b = params["W"], params["b"]
    k, d_in, d_out = W.shape
    n = X.shape[0]
    pad = (k - 1) * dilation
    Xp = np.concatenate([np.zeros((pad, d_in)), X])  # (pad + n, d_in): zeros on the left
    windows = np.stack([Xp[pad - m * dilation: pad - m * dilation + n] for m in range(k)], axis=1)  # (n, k, d_in)
    count.round()  # every position at once
    return count.matmul(windows.reshape(n, k * d_in), W.reshape(k * d_in, d_out)) + b  # (n, k*d_in) @ (k*d_in, d_out) -> (n, d_out)


def attention_layer(X, params, count: OpCount | None = None):
    """Single-head self-attention, softmax(Q Kᵀ / √d_k) V, in five plain numpy lines.

    Introduced in notebook 06. The same maths as
    ``helpers.attention.scaled_dot_product_attention``, without its input checks, so that a
    NaN can travel through it (the taint measurement).

    Parameters
    ----------
    X : ndarray, shape (n, d)
    params : dict with W_Q, W_K (d, d_k), W_V (d, d_v)

    Returns
    -------
    output : ndarray, shape (n, d_v)
    weights : ndarray, shape (n, n)
    """
    count = count if count is not None else OpCount()
    X = np.asarray(X, dtype=float)
    count.round()  # round 1: Q, K, V of every position (independent of each other)
    Q = count.matmul(X, params["W_Q"])  # (n, d) @ (d, d_k) -> (n, d_k)
    K = count.matmul(X, params["W_K"])  # (n, d_k)
    V = count.matmul(X, params["W_V"])  # (n, d_v)
    count.round()  # round 2: every pair's score
    scores = count.matmul(Q, K.T) / np.sqrt(Q.shape[-1])  # (n, d_k) @ (d_k, n) -> (n, n)
    count.round()  # round 3: softmax of every row
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = e / e.sum(axis=-1, keepdims=True)  # (n, n)
    count.round()  # round 4: weighted sums
    return count.matmul(weights, V), weights  # (n, n) @ (n, d_v) -> (n, d_v)


def apply_layer(kind: str, X, params, layer: int = 0, *, k: int = 3, count: OpCount | None = None) -> np.ndarray:
    """Apply layer number `layer` (0, 1, 2 …) of a stack of `kind` layers.

    Introduced in notebook 06. Dilated convolutions use dilation k**layer (1, k, k², …).

    Returns
    -------
    Y : ndarray, shape (n, d)
    """
    kind = _check_kind(kind)
    if kind == "rnn":
        return rnn_layer(X, params, count)
    if kind == "cnn":
        return conv_layer(X, params, 1, count)
    if kind == "cnn_dilated":
        return conv_layer(X, params, k ** layer, count)
    return attention_layer(X, params, count)[0]


def _tainted(Y: np.ndarray) -> np.ndarray:
    """(n,) bool: which rows contain a NaN."""
    return np.isnan(Y).any(axis=-1)


def reach(kind: str, n: int, source: int = 0, *, hops: int = 3, k: int = 3, d: int = 4,
          rng: np.random.Generator) -> np.ndarray:
    """Which positions word `source` has influenced after 0, 1, …, `hops` hops — measured by taint.

    Introduced in notebook 06. A hop is one layer (CNN, attention) or one recurrent step
    (RNN: h_{t-1} -> h_t). Word `source` is set to NaN and the layers are really run.

    Parameters
    ----------
    kind : {"rnn", "cnn", "cnn_dilated", "attention"}
    n : int
        Sequence length.
    source : int
        Position of the word (0-based).
    hops : int
    k, d : int
        Kernel size and vector length.
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of bool, shape (hops + 1, n)
        Row s: True where the word has arrived after s hops (row 0: the word itself).
    """
    kind = _check_kind(kind)
    n = _check_int(n, "n", 1)
    hops = _check_int(hops, "hops", 0)
    if not (isinstance(source, (int, np.integer)) and 0 <= source < n):
        raise ValueError(f"source 应是 0 到 {n - 1} 之间的位置，收到 {source!r}。")
    X = rng.normal(size=(n, d))
    X[source] = np.nan  # the taint
    out = np.zeros((hops + 1, n), dtype=bool)
    out[0, source] = True
    if kind == "rnn":
        params = init_layer("rnn", d, rng=rng)
        for t, h_t in enumerate(rnn_states(X, params)):  # step t writes position t
            if np.isnan(h_t).any() and t - source <= hops:
                out[t - source:, t] = True  # reached at step t - source, and from then on
        return out
    Y = X
    for layer in range(hops):
        Y = apply_layer(kind, Y, init_layer(kind, d, k=k, rng=rng), layer, k=k)
        out[layer + 1] = _tainted(Y) | out[layer]
    return out


def hops_needed(kind: str, n: int, source: int = 0, *, k: int = 3, d: int = 4,
                rng: np.random.Generator) -> np.ndarray:
    """For every position, the fewest hops before word `source` reaches it (-1: never).

    Introduced in notebook 06. Layers are added one at a time (measured by taint, see
    `reach`) until one more layer changes nothing.

    Returns
    -------
    ndarray of int, shape (n,)
    """
    kind = _check_kind(kind)
    n = _check_int(n, "n", 1)
    if not (isinstance(source, (int, np.integer)) and 0 <= source < n):
        raise ValueError(f"source 应是 0 到 {n - 1} 之间的位置，收到 {source!r}。")
    if kind == "rnn":
        r = reach("rnn", n, source, hops=n, d=d, rng=rng)  # (n + 1, n)
        return np.where(r.any(axis=0), r.argmax(axis=0), -1)
    X = rng.normal(size=(n, d))
    X[source] = np.nan
    needed = np.full(n, -1)
    needed[source] = 0
    reached = _tainted(X)
    Y = X
    for layer in range(n + 1):
        Y = apply_layer(kind, Y, init_layer(kind, d, k=k, rng=rng), layer, k=k)
        now = _tainted(Y) | reached
        if np.array_equal(now, reached):
            break  # a layer that adds nothing: everything reachable has been reached
        needed[now & ~reached] = layer + 1
        reached = now
    return needed


def path_length(kind: str, n: int, *, k: int = 3, d: int = 4, rng: np.random.Generator) -> int:
    """Hops before the first word can influence the last one (measured by taint).

    Introduced in notebook 06. Hops are layers for CNN and attention, recurrent steps for the RNN.

    Returns
    -------
    int
    """
    n = _check_int(n, "n", 2)
    return int(hops_needed(kind, n, 0, k=k, d=d, rng=rng)[n - 1])


def measure_layer(kind: str, n: int, *, d: int, k: int = 3, rng: np.random.Generator) -> OpCount:
    """Run one layer on n random words and return what it counted (rounds, multiply-adds).

    Introduced in notebook 06.
    """
    kind = _check_kind(kind)
    n = _check_int(n, "n", 1)
    count = OpCount()
    apply_layer(kind, rng.normal(size=(n, d)), init_layer(kind, d, k=k, rng=rng), 0, k=k, count=count)
    return count


def log_ceil(n: int, k: int) -> int:
    """The smallest L with k**L ≥ n (integer arithmetic, no rounding trouble)."""
    L, reach_ = 0, 1
    while reach_ < n:
        L, reach_ = L + 1, reach_ * k
    return L


def expected(kind: str, n: int, *, d: int, k: int = 3) -> dict:
    """What the implementations above should count, worked out on paper.

    Introduced in notebook 06; the notebook and the tests compare it with `measure_layer`
    and `path_length`.

    Returns
    -------
    dict with steps (rounds of one layer), path (hops from the first word to the last)
    and madds (multiply-adds of one layer)
    """
    kind = _check_kind(kind)
    if kind == "rnn":
        return {"steps": n, "path": n - 1, "madds": 2 * n * d * d}
    if kind == "cnn":
        return {"steps": 1, "path": -(-(n - 1) // (k - 1)), "madds": k * n * d * d}
    if kind == "cnn_dilated":
        return {"steps": 1, "path": log_ceil(n, k), "madds": k * n * d * d}
    return {"steps": 4, "path": 1, "madds": 3 * n * d * d + 2 * n * n * d}


def change_at_last(kind: str, n: int, *, position: int = 0, d: int = 16, trials: int = 5,
                   rng: np.random.Generator) -> float:
    """How far the last output moves when the word at `position` is replaced by another word.

    Introduced in notebook 06. One randomly initialised layer, random word vectors
    N(0, 1); the median over `trials` sentences of ‖y_last(new) − y_last(old)‖.
    Exactly 0.0 means float64 cannot tell the two sentences apart at the last position.

    Returns
    -------
    float
    """
    kind = _check_kind(kind)
    n = _check_int(n, "n", 1)
    if not 0 <= position < n:
        raise ValueError(f"position 应在 0 到 {n - 1} 之间，收到 {position!r}。")
    params = init_layer(kind, d, rng=rng)
    changes = []
    for _ in range(trials):
        X = rng.normal(size=(n, d))
        X2 = X.copy()
        X2[position] = rng.normal(size=d)  # a different word
        y, y2 = apply_layer(kind, X, params), apply_layer(kind, X2, params)
        changes.append(float(np.linalg.norm(y[-1] - y2[-1])))
    return float(np.median(changes))


def attention_cost(n: int, *, d: int = 64, repeats: int = 3, rng: np.random.Generator) -> dict:
    """Time and memory of one attention layer on n words, measured.

    Introduced in notebook 06.

    Returns
    -------
    dict
        seconds : best of `repeats` wall-clock times
        peak_bytes : the most memory numpy held at once during the layer (tracemalloc)
        weights_bytes : the size of the (n, n) weight matrix alone
    """
    n = _check_int(n, "n", 1)
    X = rng.normal(size=(n, d))
    params = init_layer("attention", d, rng=rng)
    attention_layer(X, params)  # warm-up: the first call also pays for caches and thread start-up
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        _, weights = attention_layer(X, params)
        best = min(best, time.perf_counter() - t0)
    del weights
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    _, weights = attention_layer(X, params)
    peak = tracemalloc.get_traced_memory()[1] - base
    if not was_tracing:
        tracemalloc.stop()
    return {"seconds": best, "peak_bytes": int(peak), "weights_bytes": int(weights.nbytes)}

"""Measurements that compare the three layers of `helpers.layers` (recurrent, convolutional,
self-attention): sequential steps, path length, arithmetic, and cost.

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

import time
import tracemalloc

import numpy as np

from ._checks import check_int
from .layers import (
    KINDS,
    OpCount,
    _check_kind,
    attention_layer,
    conv_layer,
    init_layer,
    rnn_layer,
    rnn_states,
    run_layer,
)
from .palette import KIND_LABELS

__all__ = [
    "KINDS", "KIND_LABELS", "OpCount", "init_layer", "rnn_states", "rnn_layer", "conv_layer", "attention_layer",
    "run_layer", "reach", "hops_needed", "path_length", "measure_layer", "expected", "log_ceil", "change_at_last",
    "attention_cost",
]
# The layers live in helpers.layers; they are re-exported here so notebook 06 imports from one module.


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
    n = check_int(n, "n", 1)
    hops = check_int(hops, "hops", 0)
    source = check_int(source, "source", 0, n - 1)
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
        Y = run_layer(kind, Y, init_layer(kind, d, k=k, rng=rng), layer, k=k)
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
    n = check_int(n, "n", 1)
    source = check_int(source, "source", 0, n - 1)
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
        Y = run_layer(kind, Y, init_layer(kind, d, k=k, rng=rng), layer, k=k)
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
    n = check_int(n, "n", 2)
    return int(hops_needed(kind, n, 0, k=k, d=d, rng=rng)[n - 1])


def measure_layer(kind: str, n: int, *, d: int, k: int = 3, rng: np.random.Generator) -> OpCount:
    """Run one layer on n random words and return what it counted (rounds, multiply-adds).

    Introduced in notebook 06.
    """
    kind = _check_kind(kind)
    n = check_int(n, "n", 1)
    count = OpCount()
    run_layer(kind, rng.normal(size=(n, d)), init_layer(kind, d, k=k, rng=rng), 0, k=k, count=count)
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
    n = check_int(n, "n", 1)
    position = check_int(position, "position", 0, n - 1)
    params = init_layer(kind, d, rng=rng)
    changes = []
    for _ in range(trials):
        X = rng.normal(size=(n, d))
        X2 = X.copy()
        X2[position] = rng.normal(size=d)  # a different word
        y, y2 = run_layer(kind, X, params), run_layer(kind, X2, params)
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
    n = check_int(n, "n", 1)
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

"""Three small layers over the same sequence: recurrent (RNN), convolutional (CNN), self-attention.

Introduced in notebook 06; `helpers.compare` measures them. Numpy only; every function is pure,
takes its randomness as an explicit ``rng: numpy.random.Generator`` and can count its own work
(sequential rounds and multiply-adds) in an `OpCount`.

Shape legend:
    n  number of positions (words)        d  vector length (input = output here)
    k  kernel size of the convolution     d_state  the RNN's hidden-state size
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._checks import check_choice, check_int

__all__ = ["KINDS", "OpCount", "init_layer", "rnn_states", "rnn_layer", "conv_layer", "attention_layer", "run_layer"]

KINDS = ("rnn", "cnn", "cnn_dilated", "attention")
"""The four layer types of notebook 06."""


def _check_kind(kind: str) -> str:
    return check_choice(kind, "kind", KINDS)


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
    d = check_int(d, "d", 1)
    if kind == "rnn":
        a = 1 / np.sqrt(d)
        return {"W_x": rng.uniform(-a, a, (d, d)), "W_h": rng.uniform(-a, a, (d, d)), "b": rng.uniform(-a, a, d)}
    if kind in ("cnn", "cnn_dilated"):
        k = check_int(k, "k", 2)
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
    params : dict with W_x (d_in, d_state), W_h (d_state, d_state), b (d_state,)
    count : OpCount, optional
        One round per step: step t cannot start before step t-1 has finished.

    Yields
    ------
    h_t : ndarray, shape (d_state,)
    """
    count = count if count is not None else OpCount()
    W_x, W_h, b = params["W_x"], params["W_h"], params["b"]
    h = np.zeros(W_h.shape[0])  # (d_state,)
    for x_t in np.asarray(X, dtype=float):
        count.round()
        # (d_in,) @ (d_in, d_state) + (d_state,) @ (d_state, d_state) -> (d_state,)
        h = np.tanh(count.matmul(x_t[None], W_x)[0] + count.matmul(h[None], W_h)[0] + b)
        yield h


def rnn_layer(X, params, count: OpCount | None = None) -> np.ndarray:
    """All hidden states of a simple RNN (see `rnn_states`).

    Introduced in notebook 06.

    Returns
    -------
    H : ndarray, shape (n, d_state)
    """
    d_state = params["W_h"].shape[0]
    states = list(rnn_states(X, params, count))
    return np.array(states) if states else np.zeros((0, d_state))


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
    # (n, k*d_in) @ (k*d_in, d_out) -> (n, d_out)
    return count.matmul(windows.reshape(n, k * d_in), W.reshape(k * d_in, d_out)) + b


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


def run_layer(kind: str, X, params, layer: int = 0, *, k: int = 3, count: OpCount | None = None) -> np.ndarray:
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

"""One self-attention layer that learns, in plain numpy: forward, backward by hand, SGD and Adam.

Introduced in notebook 08. The model labels every word of a sentence with its role
(施事 / 动作 / 受事 / 其他, helpers.roles):

    X = E[ids] + P                  word embedding (learned) + sinusoidal position (fixed)
    Q, K, V = X W_Q, X W_K, X W_V
    A = softmax(Q Kᵀ / √d_k)        one head; padding positions are masked out as keys
    H = X + A V                     residual connection
    logits = H W_R + b_R            linear readout, one score per role

``forward`` keeps what ``backward`` needs; ``backward`` walks the same lines upwards, each
gradient derived in notebook 08. Two switches give the baselines of the notebook:
``attention=False`` (H = X: every word alone with its position) and ``positions=False``.

Shape legend:
    B  sentences, n  words per sentence (padded), d  embedding size, d_k  query/key size
    R  number of roles (4), N  number of words in the corpus vocabulary
"""

from __future__ import annotations

import ctypes
import functools
import sys
from dataclasses import dataclass

import numpy as np

from .roles import AGENT, PATIENT, Batch

_HEAP_PAD = 64 << 20        # bytes of freed memory glibc's malloc keeps at the top of its heap (M_TOP_PAD)
_HEAP_MMAP_MIN = 32 << 20   # blocks this large and larger get their own mapping (M_MMAP_THRESHOLD)


@functools.cache
def keep_freed_heap() -> bool:
    """Ask glibc's malloc, once per process, to reuse freed memory instead of returning it to the system at once.

    A full-batch training step allocates and frees temporaries of 1.6 MB each ((2159, 6, 16) float64). Unless
    told otherwise, glibc may map each of them anew or give the freed top of its heap back to the system, and
    every step then faults in fresh pages: a step took 19.2 ms instead of 10.8 ms on the course's 2-core Linux
    machine, and notebook 08 in a fresh kernel 9.96 s instead of about 6.5 s (benchmarks/bench_training.py).
    Both settings are needed: blocks under 32 MB come from the heap, and up to 64 MB of freed heap stays with
    the process (the kernel keeps that much more memory). The Trainer calls this; nothing else in the course
    does. True when glibc took both settings; elsewhere (macOS, Windows, a libc without ``mallopt``) nothing
    changes and the result is False.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    # -3 is M_MMAP_THRESHOLD and -2 M_TOP_PAD in glibc's malloc.h; once either is set, glibc no longer adjusts
    # the other by itself, so both are set
    return mallopt(-3, _HEAP_MMAP_MIN) == 1 and mallopt(-2, _HEAP_PAD) == 1

__all__ = ["ModelConfig", "sinusoidal_positions", "position_shift_matrix", "init_params", "forward", "loss_and_grads", "backward",
           "softmax_backward", "cross_entropy", "sgd_step", "adam_init", "adam_step", "predict", "accuracy", "gradient_check",
           "keep_freed_heap"]


@dataclass(frozen=True)
class ModelConfig:
    """The size and the switches of the role model."""

    n_words: int            # N: words in the corpus vocabulary
    d: int = 16             # embedding size (also the size of V and of the residual stream)
    d_k: int = 8            # query/key size of the one head
    n_roles: int = 4        # R: 施事 动作 受事 其他
    n_max: int = 8          # longest sentence the position table covers
    attention: bool = True  # False: H = X (every word alone with its position)
    positions: bool = True  # False: X = E[ids] (no positional encoding)


def sinusoidal_positions(n: int, d: int) -> np.ndarray:
    """Sinusoidal positional encoding of Vaswani et al. 2017: even columns sin, odd columns cos.

    PE[pos, 2i] = sin(pos / 10000^(2i/d)),  PE[pos, 2i+1] = cos(pos / 10000^(2i/d)).
    Introduced in notebook 08.

    Returns
    -------
    ndarray, shape (n, d)
    """
    if not (isinstance(n, (int, np.integer)) and n >= 1 and isinstance(d, (int, np.integer)) and d >= 2 and d % 2 == 0):
        raise ValueError(f"n 应是正整数、d 应是正的偶数（位置编码按 sin/cos 成对排列），收到 n={n!r}、d={d!r}。")
    pos = np.arange(n)[:, None]                 # (n, 1)
    i2 = np.arange(0, d, 2)[None, :]            # (1, d/2): the even column numbers 2i
    angle = pos / 10000.0 ** (i2 / d)           # (n, d/2)
    pe = np.zeros((n, d))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle)
    return pe


def position_shift_matrix(k: int, d: int) -> np.ndarray:
    """The (d, d) matrix M_k with PE[pos] @ M_k = PE[pos + k] for every pos: it depends on k only.

    Every (sin, cos) pair of columns turns like a clock with its own speed ω_i = 1/10000^(2i/d);
    moving k positions on turns the pair by the angle k·ω_i, a 2 × 2 rotation. Introduced in notebook 08.

    Returns
    -------
    ndarray, shape (d, d)   block diagonal, one 2 × 2 rotation per column pair
    """
    if not (isinstance(k, (int, np.integer)) and isinstance(d, (int, np.integer)) and d >= 2 and d % 2 == 0):
        raise ValueError(f"k 应是整数、d 应是正的偶数，收到 k={k!r}、d={d!r}。")
    angle = k / 10000.0 ** (np.arange(0, d, 2) / d)   # (d/2,): k·ω_i
    M = np.zeros((d, d))
    c, s = np.cos(angle), np.sin(angle)
    M[0::2, 0::2] = np.diag(c)      # new sin = sin·cos(kω) + cos·sin(kω)
    M[1::2, 0::2] = np.diag(s)
    M[0::2, 1::2] = np.diag(-s)     # new cos = cos·cos(kω) − sin·sin(kω)
    M[1::2, 1::2] = np.diag(c)
    return M


def init_params(config: ModelConfig, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Random starting parameters (float64). Introduced in notebook 08.

    Returns
    -------
    dict with E (N, d), W_R (d, R), b_R (R,) and, with attention, W_Q (d, d_k), W_K (d, d_k), W_V (d, d).
    """
    d, d_k = config.d, config.d_k
    params = {"E": rng.normal(0.0, 1.0, (config.n_words, d))}
    if config.attention:
        params["W_Q"] = rng.normal(0.0, 1.0 / np.sqrt(d), (d, d_k))
        params["W_K"] = rng.normal(0.0, 1.0 / np.sqrt(d), (d, d_k))
        params["W_V"] = rng.normal(0.0, 1.0 / np.sqrt(d), (d, d))
    params["W_R"] = rng.normal(0.0, 1.0 / np.sqrt(d), (d, config.n_roles))
    params["b_R"] = np.zeros(config.n_roles)
    return params


def _softmax(x: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, shifted by each row's maximum (exp never overflows).

    The last axis is short here (4 roles, at most n_max words), and numpy's per-row ``max(axis=-1)`` then
    costs more than the rest of the softmax: the maximum is taken as a few whole-array ``np.maximum`` calls
    over the axis' entries instead, the same numbers (a maximum is exact), 0.85 → 0.40 ms for (2159, 6, 4).
    """
    top = functools.reduce(np.maximum, np.moveaxis(x, -1, 0))[..., None]  # (..., 1): each row's maximum
    e = np.exp(x - top)
    return e / e.sum(axis=-1, keepdims=True)


def forward(params, batch: Batch, config: ModelConfig):
    """Run the model on a batch.

    Introduced in notebook 08.

    Returns
    -------
    logits : ndarray, shape (B, n, R)
    cache : dict   X, Q, K, V, A (B, n, n), H: what ``backward`` needs
    """
    n = batch.ids.shape[1]
    if n > config.n_max:
        raise ValueError(f"句子有 {n} 个词，超过了位置编码表的长度 n_max={config.n_max}；"
                         f"请用 ModelConfig(n_max={n}) 或更短的句子。")
    X = params["E"][batch.ids]                                    # (B, n) -> (B, n, d)
    if config.positions:
        X = X + sinusoidal_positions(config.n_max, config.d)[:n]   # (B, n, d) + (n, d)
    cache = {"X": X}
    if config.attention:
        Q, K, V = X @ params["W_Q"], X @ params["W_K"], X @ params["W_V"]  # (B, n, d) @ (d, d_k) -> (B, n, d_k)
        S = Q @ K.transpose(0, 2, 1) / np.sqrt(config.d_k)       # (B, n, d_k) @ (B, d_k, n) -> (B, n, n)
        S = np.where(batch.valid[:, None, :], S, -np.inf)        # padding mask on the keys
        A = _softmax(S)                                           # (B, n, n), rows sum to 1
        H = X + A @ V                                             # (B, n, n) @ (B, n, d) -> (B, n, d)
        cache.update(Q=Q, K=K, V=V, A=A)
    else:
        H = X
    cache["H"] = H
    logits = H @ params["W_R"] + params["b_R"]                   # (B, n, d) @ (d, R) -> (B, n, R)
    return logits, cache


def softmax_backward(weights: np.ndarray, grad_weights: np.ndarray) -> np.ndarray:
    """Vector–Jacobian product of softmax over the last axis.

    With w = softmax(s), the Jacobian is ∂w_j/∂s_i = w_j (δ_ij − w_i), so
    ∂L/∂s_i = w_i (∂L/∂w_i − Σ_j w_j ∂L/∂w_j). Introduced in notebook 08.

    Parameters
    ----------
    weights : ndarray, shape (..., n)        softmax output w
    grad_weights : ndarray, shape (..., n)   ∂L/∂w

    Returns
    -------
    ndarray, shape (..., n)   ∂L/∂s
    """
    inner = np.sum(weights * grad_weights, axis=-1, keepdims=True)  # (..., 1): Σ_j w_j g_j
    return weights * (grad_weights - inner)


def cross_entropy(logits, batch: Batch):
    """(loss, ∂L/∂logits): mean cross-entropy over the real words, and its gradient (B, n, R)."""
    m = batch.valid.sum()
    probs = _softmax(logits)                                       # (B, n, R)
    labels = np.where(batch.valid, batch.labels, 0)
    p_true = np.take_along_axis(probs, labels[..., None], axis=-1)[..., 0]  # (B, n)
    loss = -np.sum(np.log(p_true + 1e-300) * batch.valid) / m
    grad = probs.copy()
    np.put_along_axis(grad, labels[..., None], np.take_along_axis(grad, labels[..., None], -1) - 1.0, axis=-1)
    grad *= batch.valid[..., None] / m                             # ∂L/∂logits = (p − onehot) / m
    return float(loss), grad


def backward(params, cache, grad_logits: np.ndarray, batch: Batch, config: ModelConfig) -> dict[str, np.ndarray]:
    """Gradients of the loss with respect to every parameter, from ∂L/∂logits (B, n, R).

    Introduced in notebook 08; every line is one step of the derivation there.
    """
    H, X = cache["H"], cache["X"]
    flat = lambda a: a.reshape(-1, a.shape[-1])                    # (B, n, k) -> (B·n, k): all words in one list
    grads = {"W_R": flat(H).T @ flat(grad_logits),                 # Hᵀ (∂L/∂logits): (d, B·n) @ (B·n, R) -> (d, R)
             "b_R": grad_logits.sum(axis=(0, 1))}
    dH = grad_logits @ params["W_R"].T                             # (B, n, R) @ (R, d) -> (B, n, d)
    dX = dH.copy()                                                 # residual: H = X + …
    if config.attention:
        Q, K, V, A = cache["Q"], cache["K"], cache["V"], cache["A"]
        dA = dH @ V.transpose(0, 2, 1)                             # (B, n, d) @ (B, d, n) -> (B, n, n)
        dV = A.transpose(0, 2, 1) @ dH                             # (B, n, n) @ (B, n, d) -> (B, n, d)
        dS = softmax_backward(A, dA) / np.sqrt(config.d_k)         # through softmax, then through /√d_k
        dQ = dS @ K                                                # (B, n, n) @ (B, n, d_k) -> (B, n, d_k)
        dK = dS.transpose(0, 2, 1) @ Q                             # (B, n, n) @ (B, n, d_k) -> (B, n, d_k)
        grads["W_Q"] = flat(X).T @ flat(dQ)                        # Xᵀ dQ: (d, B·n) @ (B·n, d_k) -> (d, d_k)
        grads["W_K"] = flat(X).T @ flat(dK)                        # Xᵀ dK
        grads["W_V"] = flat(X).T @ flat(dV)                        # Xᵀ dV: (d, B·n) @ (B·n, d) -> (d, d)
        dX += dQ @ params["W_Q"].T + dK @ params["W_K"].T + dV @ params["W_V"].T  # X feeds Q, K and V
    # Ē: each word sums the X̄ of all its positions (V, d); the same sums as np.add.at(Ē, ids, X̄), faster
    grads["E"] = _sum_rows_by_word(batch.ids[batch.valid], dX[batch.valid], params["E"].shape)
    return grads


def _sum_rows_by_word(ids: np.ndarray, rows: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Row k of the result = the sum of the `rows` whose word id is k: each word collects its positions' gradients.

    The same sums, in the same order, as ``np.add.at(zeros, ids, rows)`` (bit for bit), but one ``np.bincount``
    over (id, column) pairs instead of a Python-level scatter: 2 ms → 0.2 ms a training step.
    """
    V, d = shape
    flat = (ids[:, None] * d + np.arange(d)).ravel()               # the (id, column) cell of every entry of rows
    return np.bincount(flat, weights=rows.ravel(), minlength=V * d).reshape(V, d)


def loss_and_grads(params, batch: Batch, config: ModelConfig):
    """(loss, grads): mean cross-entropy over the real words and its gradients. Introduced in notebook 08."""
    logits, cache = forward(params, batch, config)
    loss, grad_logits = cross_entropy(logits, batch)
    return loss, backward(params, cache, grad_logits, batch, config)


def sgd_step(params, grads, lr: float) -> dict[str, np.ndarray]:
    """One step of gradient descent, θ ← θ − lr · ∂L/∂θ, as new arrays (the inputs are unchanged)."""
    return {k: params[k] - lr * grads[k] for k in params}


def adam_init(params) -> dict:
    """Adam's state: the running means of the gradients and of their squares, and the step count."""
    return {"m": {k: np.zeros_like(v) for k, v in params.items()},
            "v": {k: np.zeros_like(v) for k, v in params.items()}, "t": 0}


def adam_step(params, grads, state, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
    """One Adam step (Kingma & Ba 2015): returns (new params, new state); nothing is modified in place."""
    t = state["t"] + 1
    m = {k: beta1 * state["m"][k] + (1 - beta1) * grads[k] for k in params}
    v = {k: beta2 * state["v"][k] + (1 - beta2) * grads[k] ** 2 for k in params}
    new = {k: params[k] - lr * (m[k] / (1 - beta1 ** t)) / (np.sqrt(v[k] / (1 - beta2 ** t)) + eps) for k in params}
    return new, {"m": m, "v": v, "t": t}


def predict(params, batch: Batch, config: ModelConfig) -> np.ndarray:
    """The predicted role index of every word, shape (B, n)."""
    logits, _ = forward(params, batch, config)
    return logits.argmax(axis=-1)


def accuracy(params, batch: Batch, config: ModelConfig, *, nouns_only: bool = False) -> float:
    """Fraction of words whose role is predicted right; with nouns_only, only the 施事/受事 words count."""
    keep = batch.valid & (np.isin(batch.labels, (AGENT, PATIENT)) if nouns_only else True)
    return float((predict(params, batch, config) == batch.labels)[keep].mean())


def gradient_check(params, batch: Batch, config: ModelConfig, eps: float = 1e-5) -> dict[str, float]:
    """Compare ``backward`` with central finite differences, in float64, entry by entry.

    Returns, for every parameter, the relative error ‖g_backward − g_numeric‖ / max(‖g_backward‖, ‖g_numeric‖).
    Introduced in notebook 08.
    """
    params = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    _, grads = loss_and_grads(params, batch, config)
    errors = {}
    for name, value in params.items():
        numeric = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            old = value[idx]
            value[idx] = old + eps
            up = cross_entropy(forward(params, batch, config)[0], batch)[0]
            value[idx] = old - eps
            down = cross_entropy(forward(params, batch, config)[0], batch)[0]
            value[idx] = old
            numeric[idx] = (up - down) / (2 * eps)
        scale = max(np.linalg.norm(grads[name]), np.linalg.norm(numeric), 1e-300)
        errors[name] = float(np.linalg.norm(grads[name] - numeric) / scale)
    return errors

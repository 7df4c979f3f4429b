"""Multi-head attention in plain numpy: h heads side by side, concatenated, then W_O.

Introduced in notebook 05. Built on ``helpers.attention`` (scaled dot-product attention,
``split_heads``, ``merge_heads``) and numpy; arguments are checked by ``helpers._checks``. Every function is pure.

Shape legend (the same symbols as notebook 05):
    n    number of words (queries = keys = values: self-attention)
    d    length of a word vector (9 named features for the toy vocabulary)
    h    number of heads
    d_k  length of one head's query / key vectors
    d_v  length of one head's value vectors
    d_o  length of the output vectors (usually d, so layers can be stacked)
    ...  leading dimensions (a batch of sentences), if any

The projection matrices hold all heads side by side: columns ``i*d_k … (i+1)*d_k - 1`` of
``W_Q`` belong to head i. That is exactly what `split_heads` cuts apart.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_array, check_int
from .attention import merge_heads, scaled_dot_product_attention, split_heads

__all__ = [
    "multi_head_attention",
    "heads_one_by_one",
    "stack_heads",
    "head_columns",
    "init_multi_head",
]


def _matrix(W, name: str) -> np.ndarray:
    """W as a finite 2-D float array, or a ValueError naming it."""
    return check_array(W, name, (2,))


def _check_h(h) -> int:
    return check_int(h, "h（头数 number of heads）", 1)


def _check_shapes(X, W_Q, W_K, W_V, W_O, h):
    """Validate the inputs of a multi-head layer; return them as arrays plus h, d_k, d_v."""
    h = _check_h(h)
    X = np.asarray(X, dtype=float)
    if X.ndim < 2:
        raise ValueError(f"X 的形状应为 (..., n, d)，收到 {X.shape}。")
    W_Q, W_K, W_V, W_O = (_matrix(W, name) for W, name in ((W_Q, "W_Q"), (W_K, "W_K"), (W_V, "W_V"), (W_O, "W_O")))
    d = X.shape[-1]
    for name, W in (("W_Q", W_Q), ("W_K", W_K), ("W_V", W_V)):
        if W.shape[0] != d:
            raise ValueError(f"{name} 应有 d={d} 行（和 X 的最后一维一样），收到形状 {W.shape}。")
        if W.shape[1] % h:
            raise ValueError(
                f"{name} 的列数 {W.shape[1]} 不能被头数 h={h} 整除：每个头应分到同样多的列"
                f"（{name} 的形状应为 (d, h·d_k)）。"
            )
    if W_Q.shape[1] != W_K.shape[1]:
        raise ValueError(f"W_Q 和 W_K 的列数应相同（都是 h·d_k），收到 {W_Q.shape} 和 {W_K.shape}。")
    if W_O.shape[0] != W_V.shape[1]:
        raise ValueError(
            f"W_O 应有 h·d_v = {W_V.shape[1]} 行（拼接后的宽度），收到形状 {W_O.shape}。"
        )
    return X, W_Q, W_K, W_V, W_O, h, W_Q.shape[1] // h, W_V.shape[1] // h


def multi_head_attention(X, W_Q, W_K, W_V, W_O, h: int, mask=None):
    """Multi-head self-attention: all heads at once with `split_heads` / `merge_heads`.

    Introduced in notebook 05.

    Parameters
    ----------
    X : array_like, shape (..., n, d)
        Word vectors.
    W_Q, W_K : array_like, shape (d, h * d_k)
        The query and key projections of all heads side by side.
    W_V : array_like, shape (d, h * d_v)
    W_O : array_like, shape (h * d_v, d_o)
        Mixes the concatenated heads into the output.
    h : int
        Number of heads; must divide the number of columns of W_Q, W_K and W_V.
    mask : array_like of bool, optional, broadcastable to (..., h, n, n)
        True = may attend (as in ``scaled_dot_product_attention``).

    Returns
    -------
    output : ndarray, shape (..., n, d_o)
    weights : ndarray, shape (..., h, n, n)
        One attention matrix per head; each row sums to 1.
    """
    X, W_Q, W_K, W_V, W_O, h, d_k, d_v = _check_shapes(X, W_Q, W_K, W_V, W_O, h)
    Q = split_heads(X @ W_Q, h)  # (..., n, d) @ (d, h*d_k) -> (..., n, h*d_k) -> (..., h, n, d_k)
    K = split_heads(X @ W_K, h)  # (..., h, n, d_k)
    V = split_heads(X @ W_V, h)  # (..., h, n, d_v)
    head_outputs, weights = scaled_dot_product_attention(Q, K, V, mask=mask)  # (..., h, n, d_v), (..., h, n, n)
    concat = merge_heads(head_outputs)  # (..., h, n, d_v) -> (..., n, h*d_v)
    return concat @ W_O, weights  # (..., n, h*d_v) @ (h*d_v, d_o) -> (..., n, d_o)


def head_columns(i: int, width: int) -> slice:
    """The columns of head i in a matrix that holds the heads side by side (each `width` wide)."""
    return slice(i * width, (i + 1) * width)


def heads_one_by_one(X, W_Q, W_K, W_V, W_O, h: int, mask=None):
    """The same layer as `multi_head_attention`, written as a loop over the heads.

    Introduced in notebook 05 as the check: run each head on its own columns, concatenate
    the h outputs, apply W_O. No `split_heads`, no `merge_heads`.

    Parameters and returns as in `multi_head_attention`.
    """
    X, W_Q, W_K, W_V, W_O, h, d_k, d_v = _check_shapes(X, W_Q, W_K, W_V, W_O, h)
    outputs, weights = [], []
    for i in range(h):
        q, k = head_columns(i, d_k), head_columns(i, d_v)
        out_i, w_i = scaled_dot_product_attention(X @ W_Q[:, q], X @ W_K[:, q], X @ W_V[:, k], mask=mask)
        outputs.append(out_i)  # (..., n, d_v)
        weights.append(w_i)  # (..., n, n)
    concat = np.concatenate(outputs, axis=-1)  # h × (..., n, d_v) -> (..., n, h*d_v)
    return concat @ W_O, np.stack(weights, axis=-3)  # (..., n, d_o), (..., h, n, n)


def stack_heads(head_projections):
    """Put hand-built heads side by side: [(W_Q_i, W_K_i, W_V_i), …] -> (W_Q, W_K, W_V).

    Introduced in notebook 05.

    Parameters
    ----------
    head_projections : sequence of h triples
        Each W_Q_i, W_K_i has shape (d, d_k) and W_V_i (d, d_v), the same for every head.

    Returns
    -------
    W_Q, W_K : ndarray, shape (d, h * d_k)
    W_V : ndarray, shape (d, h * d_v)
    """
    triples = list(head_projections)
    if not triples:
        raise ValueError("head_projections 是空的：至少需要一个头 (W_Q_i, W_K_i, W_V_i)。"
                         " (head_projections is empty: give at least one triple.)")
    for i, triple in enumerate(triples):
        if len(triple) != 3:
            raise ValueError(f"第 {i} 个头应是三个矩阵 (W_Q_i, W_K_i, W_V_i)，收到 {len(triple)} 个。")
    stacked = []
    for j, name in enumerate(("W_Q", "W_K", "W_V")):
        mats = [_matrix(t[j], f"{name}_{i}") for i, t in enumerate(triples)]
        if len({m.shape for m in mats}) != 1:
            raise ValueError(f"每个头的 {name}_i 形状应相同，收到 {[m.shape for m in mats]}。")
        stacked.append(np.concatenate(mats, axis=1))  # h × (d, d_k) -> (d, h*d_k)
    return tuple(stacked)


def init_multi_head(d: int, h: int, d_k: int, d_v: int | None = None, d_o: int | None = None, *,
                    rng: np.random.Generator, std: float | None = None) -> dict:
    """Random projection matrices for a multi-head layer (entries ~ N(0, 1/fan_in) by default).

    Introduced in notebook 05.

    Parameters
    ----------
    d : int
        Input vector length.
    h, d_k : int
        Number of heads and the query/key length of each head.
    d_v : int, optional
        Value length of each head; defaults to d_k.
    d_o : int, optional
        Output length; defaults to d.
    rng : numpy.random.Generator
    std : float, optional
        Standard deviation of W_Q, W_K and W_V. The default 1/√d is the usual initialisation;
        with it, the scores are small and every head starts almost uniform. Notebook 05 uses
        a larger value so that random heads differ visibly. W_O always uses 1/√(h·d_v).

    Returns
    -------
    dict with W_Q, W_K of shape (d, h*d_k), W_V (d, h*d_v) and W_O (h*d_v, d_o)
    """
    h = _check_h(h)
    d_v = d_k if d_v is None else d_v
    d_o = d if d_o is None else d_o
    for name, v in (("d", d), ("d_k", d_k), ("d_v", d_v), ("d_o", d_o)):
        check_int(v, name, 1)
    s = 1 / np.sqrt(d) if std is None else float(std)
    if not np.isfinite(s) or s <= 0:
        raise ValueError(f"std 应是大于 0 的有限数，收到 {std!r}。")
    return {
        "W_Q": rng.normal(0, s, size=(d, h * d_k)),
        "W_K": rng.normal(0, s, size=(d, h * d_k)),
        "W_V": rng.normal(0, s, size=(d, h * d_v)),
        "W_O": rng.normal(0, 1 / np.sqrt(h * d_v), size=(h * d_v, d_o)),
    }

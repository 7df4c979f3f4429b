"""Scaled dot-product attention in plain numpy.

Introduced in notebooks 03 (softmax) and 04 (the full formula); multi-head helpers in 05.
This module imports numpy only. Every function is pure: inputs are never modified.

Shape legend (the same symbols as the notebooks and the axis labels):
    n_q  number of queries (rows of the weight matrix)
    n_k  number of keys = number of values (columns of the weight matrix)
    d_k  length of a query / key vector
    d_v  length of a value vector
    h    number of heads
    ...  any leading dimensions (batch, heads) that broadcast
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "softmax",
    "scaled_dot_product_attention",
    "attention_scores",
    "causal_mask",
    "padding_mask",
    "split_heads",
    "merge_heads",
]


def _as_float_array(x, name: str, min_ndim: int, shape_hint: str) -> np.ndarray:
    """Turn `x` into a float array, or raise a ValueError that names `name`."""
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(
            f"{name} 无法转换成数组（could not be turned into an array）：{exc}。"
            f"请传入形状为 {shape_hint} 的数值数组。"
        ) from None
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or arr.dtype == bool
    ):
        raise ValueError(
            f"{name} 应是数值数组，形状 {shape_hint}；收到的元素类型是 {arr.dtype}。"
            f" ({name} must be numeric with shape {shape_hint}, got dtype {arr.dtype}.)"
        )
    if np.iscomplexobj(arr):
        raise ValueError(f"{name} 不能是复数（got complex dtype {arr.dtype}）。")
    if arr.ndim < min_ndim:
        raise ValueError(
            f"{name} 的形状应为 {shape_hint}（至少 {min_ndim} 维），收到的形状是 {arr.shape}"
            f"（{arr.ndim} 维）。 ({name} must have shape {shape_hint}, got {arr.shape}.)"
        )
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(
            f"{name} 含有 NaN 或 inf（第一个出现在下标 {tuple(int(i) for i in bad)}），形状 {arr.shape}。"
            f"请检查产生 {name} 的计算。 ({name} contains NaN or inf.)"
        )
    return arr


def softmax(x, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """Numerically stable softmax along `axis`.

    Introduced in notebook 03.

    Parameters
    ----------
    x : array_like, shape (..., n)
        Scores. Finite values only; ±1e4 and beyond are fine.
    axis : int
        The axis that sums to 1.
    temperature : float
        Divides the scores before the exponential. Must be > 0. Large values flatten
        the distribution, small values sharpen it towards the arg-max.

    Returns
    -------
    ndarray, same shape as `x`
        Non-negative, sums to 1 along `axis`.
    """
    x = _as_float_array(x, "x", 1, "(..., n)")
    temperature = _check_positive(temperature, "temperature")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis={axis} 超出范围：x 只有 {x.ndim} 维（形状 {x.shape}）。")
    z = x / temperature
    z = z - np.max(z, axis=axis, keepdims=True)  # largest entry becomes 0: exp never overflows
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def _check_positive(value, name: str) -> float:
    """Return `value` as a float, or raise if it is not a finite number > 0."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} 应是正数，收到 {value!r}。") from None
    if not np.isfinite(v) or v <= 0:
        raise ValueError(
            f"{name} 必须是大于 0 的有限数，收到 {value!r}。"
            f" ({name} must be a finite number > 0, got {value!r}.)"
        )
    return v


def _check_qkv(Q, K, V=None):
    """Validate Q, K (and V when given) and return them as float arrays."""
    Q = _as_float_array(Q, "Q", 2, "(..., n_q, d_k)")
    K = _as_float_array(K, "K", 2, "(..., n_k, d_k)")
    if V is not None:
        V = _as_float_array(V, "V", 2, "(..., n_k, d_v)")
    if Q.shape[-1] != K.shape[-1]:
        raise ValueError(
            f"Q 和 K 的最后一维 d_k 必须相同：Q 的形状是 {Q.shape}（d_k={Q.shape[-1]}），"
            f"K 的形状是 {K.shape}（d_k={K.shape[-1]}）。"
            f" (Q (..., n_q, d_k) and K (..., n_k, d_k) must share d_k.)"
        )
    if V is not None and K.shape[-2] != V.shape[-2]:
        raise ValueError(
            f"K 和 V 的行数 n_k 必须相同（每个键对应一个值）：K 的形状是 {K.shape}（n_k={K.shape[-2]}），"
            f"V 的形状是 {V.shape}（n_k={V.shape[-2]}）。"
        )
    if Q.shape[-1] == 0 or K.shape[-2] == 0:
        raise ValueError(f"d_k 和 n_k 不能为 0：Q 的形状 {Q.shape}，K 的形状 {K.shape}。")
    others = (("K", K),) if V is None else (("K", K), ("V", V))
    for name, a in others:
        try:
            np.broadcast_shapes(Q.shape[:-2], a.shape[:-2])
        except ValueError:
            raise ValueError(
                f"Q 和 {name} 的前导维度（batch、heads）无法广播：Q 的形状 {Q.shape}，"
                f"{name} 的形状 {a.shape}。"
            ) from None
    return Q, K, V


def attention_scores(Q, K, scale=None) -> np.ndarray:
    """Scaled scores Q Kᵀ · scale, before softmax.

    Introduced in notebook 03.

    Parameters
    ----------
    Q : array_like, shape (..., n_q, d_k)
    K : array_like, shape (..., n_k, d_k)
    scale : float, optional
        Defaults to 1/sqrt(d_k).

    Returns
    -------
    ndarray, shape (..., n_q, n_k)
    """
    Q, K, _ = _check_qkv(Q, K)
    return _scores(Q, K, scale)


def _scores(Q: np.ndarray, K: np.ndarray, scale) -> np.ndarray:
    """Q Kᵀ · scale for validated arrays; a Python float scale keeps float32 inputs float32."""
    scale = 1.0 / math.sqrt(Q.shape[-1]) if scale is None else _check_positive(scale, "scale")
    return (Q @ np.swapaxes(K, -1, -2)) * scale  # (..., n_q, d_k) @ (..., d_k, n_k) -> (..., n_q, n_k)


def scaled_dot_product_attention(Q, K, V, mask=None, scale=None):
    """softmax(Q Kᵀ / sqrt(d_k)) V, returning the weights as well as the output.

    Introduced in notebook 04.

    Parameters
    ----------
    Q : array_like, shape (..., n_q, d_k)
        Queries: one row per word that asks.
    K : array_like, shape (..., n_k, d_k)
        Keys: one row per word that can be attended to.
    V : array_like, shape (..., n_k, d_v)
        Values: what each attended word contributes.
    mask : array_like of bool, optional, broadcastable to (..., n_q, n_k)
        True = may attend (PyTorch's convention). Every query must be allowed at least one key.
    scale : float, optional
        Multiplies the scores. Defaults to 1/sqrt(d_k).

    Returns
    -------
    output : ndarray, shape (..., n_q, d_v)
    weights : ndarray, shape (..., n_q, n_k)
        Each row sums to 1; masked entries are exactly 0.
    """
    Q, K, V = _check_qkv(Q, K, V)
    scores = _scores(Q, K, scale)  # (..., n_q, n_k)
    if mask is not None:
        mask = _check_mask(mask, scores.shape)
        scores = np.where(mask, scores, -np.inf)  # a new array: the caller's scores are untouched
    weights = _softmax_last(scores)  # (..., n_q, n_k)
    output = weights @ V  # (..., n_q, n_k) @ (..., n_k, d_v) -> (..., n_q, d_v)
    return output, weights


def _softmax_last(scores: np.ndarray) -> np.ndarray:
    """Softmax over the last axis; -inf marks a forbidden entry (weight exactly 0)."""
    top = np.max(scores, axis=-1, keepdims=True)
    e = np.exp(scores - top)  # exp(-inf) = 0 exactly
    return e / np.sum(e, axis=-1, keepdims=True)


def _check_mask(mask, scores_shape) -> np.ndarray:
    """Validate a boolean mask against the score shape (..., n_q, n_k)."""
    m = np.asarray(mask)
    if m.dtype != bool:
        raise ValueError(
            f"mask 必须是布尔数组（True = 可以关注），收到的元素类型是 {m.dtype}。"
            f"可以用 mask.astype(bool) 转换。 (mask must be boolean, True = may attend.)"
        )
    try:
        full = np.broadcast_to(m, np.broadcast_shapes(m.shape, scores_shape))
    except ValueError:
        full = None
    if full is None or full.shape != tuple(scores_shape):
        raise ValueError(
            f"mask 的形状 {m.shape} 无法广播到分数矩阵的形状 (..., n_q, n_k) = {tuple(scores_shape)}。"
        )
    empty = ~np.any(full, axis=-1)
    if np.any(empty):
        where = tuple(int(i) for i in np.argwhere(empty)[0])
        raise ValueError(
            f"mask 中第 {where[-1]} 行（下标 {where}）全是 False：这个查询没有任何可以关注的键，"
            f"softmax 无法定义。每一行至少要有一个 True。 (a mask row allows nothing to attend to.)"
        )
    return full


def causal_mask(n: int) -> np.ndarray:
    """Lower-triangular boolean mask: position i may attend to positions 0..i.

    Introduced in notebook 04.

    Returns
    -------
    ndarray of bool, shape (n, n)
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n 应是正整数（序列长度），收到 {n!r}。")
    return np.tril(np.ones((n, n), dtype=bool))


def padding_mask(lengths, n: int) -> np.ndarray:
    """Key-padding mask for a batch: True for real tokens, False for padding.

    Introduced in notebook 04.

    Parameters
    ----------
    lengths : array_like of int, shape (B,)
        Real length of each sequence, 1 <= length <= n.
    n : int
        Padded length.

    Returns
    -------
    ndarray of bool, shape (B, 1, n)
        Broadcasts against scores of shape (B, n_q, n).
    """
    lengths = np.asarray(lengths)
    if lengths.ndim != 1 or not np.issubdtype(lengths.dtype, np.integer):
        raise ValueError(f"lengths 应是一维整数数组 (B,)，收到形状 {lengths.shape}、类型 {lengths.dtype}。")
    if np.any(lengths < 1) or np.any(lengths > n):
        raise ValueError(f"lengths 中每个长度都应在 1 到 n={n} 之间，收到 {lengths.tolist()}。")
    return (np.arange(n)[None, :] < lengths[:, None])[:, None, :]  # (B, 1, n)


def split_heads(x, h: int) -> np.ndarray:
    """Split the last axis into h heads.

    Introduced in notebook 05.

    Parameters
    ----------
    x : array_like, shape (..., n, d)
    h : int
        Number of heads; must divide d.

    Returns
    -------
    ndarray, shape (..., h, n, d // h)
    """
    x = _as_float_array(x, "x", 2, "(..., n, d)")
    if isinstance(h, bool) or not isinstance(h, (int, np.integer)) or h < 1:
        raise ValueError(f"h（头数）应是正整数，收到 {h!r}。")
    *lead, n, d = x.shape
    if d % h:
        raise ValueError(f"d={d} 不能被头数 h={h} 整除（x 的形状 {x.shape}）。请选一个能整除 d 的 h。")
    x = x.reshape(*lead, n, h, d // h)  # (..., n, d) -> (..., n, h, d/h)
    return np.moveaxis(x, -2, -3).copy()  # (..., n, h, d/h) -> (..., h, n, d/h)


def merge_heads(x) -> np.ndarray:
    """Inverse of `split_heads`: concatenate the heads along the last axis.

    Introduced in notebook 05.

    Parameters
    ----------
    x : array_like, shape (..., h, n, d_h)

    Returns
    -------
    ndarray, shape (..., n, h * d_h)
    """
    x = _as_float_array(x, "x", 3, "(..., h, n, d_h)")
    *lead, h, n, d_h = x.shape
    x = np.moveaxis(x, -3, -2)  # (..., h, n, d_h) -> (..., n, h, d_h)
    return x.reshape(*lead, n, h * d_h)  # (..., n, h, d_h) -> (..., n, h*d_h)

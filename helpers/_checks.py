"""Argument checks shared by every module of ``helpers`` (not by ``attention.py``, which keeps its own).

Each check returns the cleaned value or raises ``ValueError`` with a bilingual message that names
the argument, what was expected, what arrived and what to try. Private to the package.
"""

from __future__ import annotations

import numpy as np


def _is_int(value) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, np.integer))


def check_int(value, name: str, low: int = 1, high: int | None = None) -> int:
    """``value`` as an int in [low, high] (high=None: no upper bound); bool is refused."""
    if _is_int(value) and value >= low and (high is None or value <= high):
        return int(value)
    if high is None:
        want_zh, want_en = f"≥ {low} 的整数", f"an integer ≥ {low}"
    else:
        want_zh, want_en = f"{low} 到 {high} 之间的整数", f"an integer from {low} to {high}"
    raise ValueError(f"{name} 应是 {want_zh}，收到 {value!r}。请换一个 {want_zh}。"
                     f" ({name} must be {want_en}; got {value!r}.)")


def check_choice(value, name: str, choices):
    """``value`` if it is one of ``choices``."""
    if value in tuple(choices):
        return value
    raise ValueError(f"{name} 应是 {tuple(choices)} 之一，收到 {value!r}。"
                     f" ({name} must be one of {tuple(choices)}; got {value!r}.)")


def check_array(values, name: str, ndim: tuple[int, ...] = (2,)) -> np.ndarray:
    """``values`` as a finite float array with one of the ranks in ``ndim``."""
    try:
        a = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} 应是数值数组，收到 {type(values).__name__}。"
                         f" ({name} must be a numeric array; got {type(values).__name__}.)") from None
    if a.ndim not in ndim:
        want = " 或 ".join(f"{k} 维" for k in ndim)
        raise ValueError(f"{name} 应是 {want} 数组，收到形状 {a.shape}。"
                         f" ({name} must have {' or '.join(map(str, ndim))} dimensions; got shape {a.shape}.)")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} 含有 NaN 或 inf（形状 {a.shape}），请检查它是怎么算出来的。"
                         f" ({name} contains NaN or inf.)")
    return a


def check_labels(labels, size: int, name: str, axis_name: str) -> list[str]:
    """``labels`` as a list of ``size`` strings, one per row or column of ``axis_name``."""
    labels = [str(x) for x in labels]
    if len(labels) != size:
        raise ValueError(f"{name} 有 {len(labels)} 个标签，但权重的{axis_name}有 {size} 个。请让两者一一对应。"
                         f" ({name} has {len(labels)} labels for {size} entries.)")
    return labels

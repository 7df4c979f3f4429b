"""Readable numbers and array comparison for the exercise checks: fmt, shapes, float32-level tolerance.

Introduced in notebook 00. Split out of ``_core`` (which re-exports every name here): ``fmt`` writes a value
as the reader would, ``compare_arrays`` says in Chinese why two arrays differ (shape, NaN, worst entry).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ._core import Case


class _Reject(Exception):
    """Raised by a comparison when the return value has the wrong kind (a tuple instead of an array…)."""


def fmt(x) -> str:
    """A value as the reader would write it: no np.int64(…), no "…" cuts for small matrices."""
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int):
        return f"{x:,}" if abs(x) >= 10_000 else str(x)
    if isinstance(x, float):
        return f"{x:.4g}"
    if isinstance(x, np.ndarray):
        if x.dtype.kind in "iub":
            return np.array2string(x, separator=", ", threshold=400)
        with np.printoptions(precision=3, suppress=True, floatmode="fixed", threshold=400, linewidth=100):
            return np.array2string(x.astype(float), separator=", ")
    if isinstance(x, (tuple, list)):
        inner = ", ".join(fmt(a) for a in x)
        return f"({inner}{',' if len(x) == 1 else ''})" if isinstance(x, tuple) else f"[{inner}]"
    return repr(x)


def shape_text(shape) -> str:
    return "(" + ", ".join(str(int(s)) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def as_array(got, name: str = "结果") -> np.ndarray:
    """The reader's return value as a float array, or _Reject with a clear reason."""
    if isinstance(got, tuple) and len(got) == 2 and all(isinstance(g, np.ndarray) for g in got):
        raise _Reject(f"{name}应是一个数组，你返回了一个含 2 个数组的元组（像 (output, weights)）：这里只要返回一个。")
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise _Reject(f"{name}应是数值数组，收到 {type(got).__name__}。") from None
    return arr


RTOL = 1000 * float(np.finfo(np.float32).eps)  # ≈ 1.2e-4: what a correct float32 computation meets


def _tolerance(want) -> tuple[float, float]:
    """(rtol, atol scale): a fixed float32-level relative tolerance, scaled by the reference's size.

    Never taken from the dtype of the reader's result: a float16 array (eps ≈ 1e-3) would otherwise widen
    the tolerance until zeros pass. A correct float32 answer meets it; the comparison itself is in float64.
    """
    w = np.asarray(want, dtype=float)
    finite = w[np.isfinite(w)] if w.size else w
    scale = float(np.max(np.abs(finite))) if finite.size else 0.0
    return RTOL, RTOL * scale


def _pair_text(want: float, got: float) -> str:
    """'应是 w，你的是 g' with enough digits that the two never read the same."""
    w, g = fmt(want), fmt(got)
    if w == g:
        w, g = f"{want:.8g}", f"{got:.8g}"
        return f"应是 {w}，你的是 {g}（差 {abs(got - want):.2g}）"
    return f"应是 {w}，你的是 {g}"


def order_text(larger: float, smaller: float, sign: str = ">") -> str:
    """'a > b' with enough digits that two different numbers never read the same (1.0000001 > 1, not 1 > 1)."""
    a, b = fmt(larger), fmt(smaller)
    digits = 4
    while a == b and digits < 17:
        digits += 2
        a, b = f"{float(larger):.{digits}g}", f"{float(smaller):.{digits}g}"
    return f"{a} {sign} {b}"


def compare_arrays(got, want, case: Case | None = None, *, name: str = "结果", atol: float = 1e-6) -> str | None:
    """None when `got` equals `want` (float32-level: rtol ≈ 1.2e-4, atol = max(atol, rtol · max|want|)), else a reason.

    The reason names shapes, NaN, or the worst entry. Both sides are compared in float64, whatever dtype the
    reader returned.
    """
    got = as_array(got, name)
    want = np.asarray(want, dtype=float)
    rtol, scaled = _tolerance(want)
    if got.shape != want.shape:
        return f"{name}的形状应是 {shape_text(want.shape)}，你的是 {shape_text(got.shape)}。"
    bad = ~np.isfinite(got) & np.isfinite(want)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        reason = f"{name}里有 NaN 或 inf（第一个在下标 {where}）。"
        return reason + (f"这个例子{case.nan_reason}。" if case and case.nan_reason else "")
    if not np.allclose(got, want, atol=max(atol, scaled), rtol=rtol, equal_nan=True):
        k = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(got - want)), got.shape)) if got.ndim else ()
        at = f"下标 {k} 处" if got.ndim else ""
        return f"{name}{at}{_pair_text(float(want[k]), float(got[k]))}。"
    return None

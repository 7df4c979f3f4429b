"""The reader's inputs: copies for every call, and whether a call changed them (the in-place check of every exercise).

Introduced in notebook 00. Every array, dict and list argument is copied before the reader's function gets it;
after the call the copy is compared with a second, private copy (same shape, dtype and values, NaN = NaN), so
an answer that writes into its inputs (``x -= x.max()``, ``V *= w``, ``M[:] = …``) is named, and neither the
case nor the reference ever sees the change.
"""

from __future__ import annotations

import inspect

import numpy as np


def _copy(args):
    """Copies of the arrays (also inside dicts and lists), so a function that writes into its inputs harms nothing."""
    def one(a):
        if isinstance(a, np.ndarray):
            return a.copy()
        if isinstance(a, dict):
            return {k: one(v) for k, v in a.items()}
        if isinstance(a, list):
            return [one(v) for v in a]
        return a
    return tuple(one(a) for a in args)


def _same_input(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_input(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_input(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return (a.shape == b.shape and a.dtype == b.dtype
                and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")))  # NaN = NaN; no isnan on str arrays
    if isinstance(a, (dict, list, np.ndarray)) or isinstance(b, (dict, list, np.ndarray)):
        return type(a) is type(b)
    return True


def _argument_names(fn, pure, n: int) -> tuple:
    """`pure`, or (default) the reader's own names for its n arguments ("第 k 个参数" when it has none)."""
    if pure is not None:
        return tuple(pure)
    try:
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return tuple(params[k].name if k < len(params) else f"第 {k} 个参数" for k in range(n))

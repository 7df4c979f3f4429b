"""The reader's inputs: copies for every call, and whether a call changed them (the in-place check of every exercise).

Introduced in notebook 00. Every array, dict and list argument is copied before the reader's function gets it;
after the call the copy is compared with an immutable snapshot taken before (same shape, dtype and bytes), so
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


def _snapshot(args) -> tuple:
    """An immutable record of the arguments: every array as (shape, dtype, bytes), inside dicts and lists too."""
    def one(a):
        if isinstance(a, np.ndarray):
            return ("array", a.shape, a.dtype.str, np.ascontiguousarray(a).tobytes() if a.dtype != object else repr(a))
        if isinstance(a, dict):
            return ("dict", tuple((k, one(v)) for k, v in a.items()))
        if isinstance(a, list):
            return ("list", tuple(one(v) for v in a))
        if isinstance(a, (str, bytes, int, float, complex, type(None), np.generic)):
            return ("value", repr(a))  # immutable: recorded so that a list of tokens is checked word by word
        return ("other",)  # tuples and other objects: not checked
    return tuple(one(a) for a in args)


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

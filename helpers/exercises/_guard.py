"""The guard of the exercises that must not call the course's helpers (softmax, attention, multi-head, softmax_backward).

Introduced in notebook 03. While the reader's function runs, every forbidden helper function is made to raise
``_ForbiddenCall`` *at its source*: its code object is swapped for one that raises, so every way of reaching it
(an alias, a list, an attribute, a default argument, a closure, a ``functools.partial``, an import inside the body)
ends in the same place. The checker's own reference functions get the same treatment, so a function that walks up
the call stack to the checker cannot borrow the answer. Afterwards, even when the reader's code raised, every code
object is put back.
"""

from __future__ import annotations

import functools
import sys
import types

CHECKER = "检查器自己的函数"  # the name a hidden checker function raises with
_MODULES = ("helpers.attention", "helpers.multihead", "helpers.training")


class _ForbiddenCall(Exception):
    pass


@functools.cache
def _raising_code(name: str) -> types.CodeType:
    """A code object taking any arguments that raises _ForbiddenCall(name); no free variables, no globals needed."""
    source = (f"def forbidden(*args, **kwargs):\n"
              f"    raise __import__('helpers.exercises._guard', fromlist=['_ForbiddenCall'])"
              f"._ForbiddenCall({name!r})\n")
    namespace: dict = {}
    exec(source, namespace)  # noqa: S102 - a fixed template, the name is a repr'd string
    return namespace["forbidden"].__code__


def forbidden_functions(names) -> list:
    """The helper functions called `names` in helpers.attention, helpers.multihead and helpers.training (unique)."""
    import importlib

    found, seen = [], set()
    for module_name in _MODULES:
        module = importlib.import_module(module_name)
        for name in names:
            fn = getattr(module, name, None)
            if isinstance(fn, types.FunctionType) and id(fn) not in seen:
                seen.add(id(fn))
                found.append((name, fn))
    return found


def checker_functions(reference) -> list:
    """`reference` and every plain function defined in its own lesson module (helpers.exercises.lessonNN)."""
    found = [reference]
    module = sys.modules.get(getattr(reference, "__module__", None) or "")
    if module is not None and module.__name__.startswith("helpers.exercises.lesson"):
        found += [f for f in vars(module).values()
                  if isinstance(f, types.FunctionType) and f.__module__ == module.__name__ and f is not reference]
    return found


class _Guard:
    """Swap the code of the forbidden helpers (and of `hidden`, the checker's reference) for one that raises.

    Parameters
    ----------
    fn : callable
        The reader's function (kept for the record; the guard does not need to search it).
    names : tuple of str
        Names of helper functions the exercise forbids.
    hidden : iterable of callables
        The checker's own functions (plain functions of helpers.exercises without closures); calling one while
        the reader's function runs also raises.
    """

    def __init__(self, fn, names, hidden=()):
        self.fn, self.names, self.hidden, self.saved = fn, tuple(names), tuple(hidden), []

    def _swap(self, fn, label):
        if not isinstance(fn, types.FunctionType) or fn.__closure__:
            return
        self.saved.append((fn, fn.__code__, fn.__defaults__, fn.__kwdefaults__))
        fn.__defaults__, fn.__kwdefaults__ = None, None
        fn.__code__ = _raising_code(label)

    def __enter__(self):
        try:
            for name, fn in forbidden_functions(self.names):
                self._swap(fn, name)
            for fn in self.hidden:
                if isinstance(fn, types.FunctionType) and str(fn.__module__).startswith("helpers.exercises"):
                    self._swap(fn, CHECKER)
        except BaseException:
            self._restore()
            raise
        return self

    def _restore(self):
        while self.saved:
            fn, code, defaults, kwdefaults = self.saved.pop()
            fn.__code__, fn.__defaults__, fn.__kwdefaults__ = code, defaults, kwdefaults

    def __exit__(self, *exc):
        self._restore()
        return False


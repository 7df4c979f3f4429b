"""The guard of the exercises that must not call the course's helpers (any softmax, attention, multi-head, softmax_backward).

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
SOFTMAX = "softmax"  # in `forbidden`: every softmax of helpers/, found by inspection (see forbidden_functions)
# imported before the reader's code runs, so that an import inside its body finds them already guarded
_IMPORT = ("helpers.attention", "helpers.multihead", "helpers.training", "helpers.layers", "helpers.pretrained.model")


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


def _codes(code: types.CodeType):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _codes(const)


@functools.cache
def _module_functions(module_name: str, module_id: int) -> tuple:
    """(qualified name, function, calls exp?) for every plain function and method defined in the module."""
    module = sys.modules[module_name]
    found = []
    for name, obj in vars(module).items():
        if isinstance(obj, types.FunctionType) and obj.__module__ == module_name:
            found.append((name, obj))
        elif isinstance(obj, type) and obj.__module__ == module_name:
            for attr, member in vars(obj).items():
                member = getattr(member, "__func__", member)  # staticmethod, classmethod
                if isinstance(member, types.FunctionType):
                    found.append((f"{name}.{attr}", member))
    return tuple((f"{module_name}.{qualname}", fn, any("exp" in c.co_names for c in _codes(fn.__code__)))
                 for qualname, fn in found)


def forbidden_functions(names) -> list:
    """(full name, function) for the helpers the exercise forbids: those called one of `names`, in any module of helpers/.

    The name ``"softmax"`` forbids every softmax in helpers/: every function whose code calls ``exp`` (in this
    course's helpers an exp only ever appears in a softmax: helpers.attention.softmax and ._softmax_last,
    helpers.training._softmax, helpers.layers.attention_layer…), found by inspection, so a new one is caught
    without a list to keep. A helper that calls one of them (scaled_dot_product_attention, the model's forward
    pass) reaches a guarded function and is caught there.
    """
    import importlib

    for module_name in _IMPORT:
        try:
            importlib.import_module(module_name)
        except ImportError:  # a module that cannot load cannot be called either
            continue
    names = set(names)
    found, seen = [], set()
    modules = sorted((n, m) for n, m in list(sys.modules.items())
                     if m is not None and (n == "helpers" or n.startswith("helpers."))
                     and not n.startswith("helpers.exercises"))
    for module_name, module in modules:
        for full, fn, calls_exp in _module_functions(module_name, id(module)):
            if id(fn) not in seen and (full.rsplit(".", 1)[-1] in names or (SOFTMAX in names and calls_exp)):
                seen.add(id(fn))
                found.append((full, fn))
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


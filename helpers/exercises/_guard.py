"""The guard of the exercises that must not call the course's helpers (softmax, attention, multi-head).

Introduced in notebook 03. While the reader's function runs, every forbidden helper it can reach is
replaced by a function that raises ``_ForbiddenCall``; afterwards everything is put back.
"""

from __future__ import annotations


class _ForbiddenCall(Exception):
    pass


def _raiser(name):
    def forbidden(*args, **kwargs):
        raise _ForbiddenCall(name)
    return forbidden


class _Guard:
    """Temporarily replace the forbidden helper functions, compared by identity, wherever fn can reach them.

    Reached means: the attributes of every ``helpers`` module; fn's globals; its closure cells; its default
    arguments (``__defaults__``, ``__kwdefaults__``); ``functools.partial`` wrappers of a helper; the attributes of
    modules it references; and, recursively, the same places of the reader's own functions it references.
    """

    def __init__(self, fn, names):
        self.fn, self.names, self.saved, self.originals = fn, names, [], {}

    def _replacement(self, value):
        import functools
        if id(value) in self.originals:
            return _raiser(self.originals[id(value)])
        if isinstance(value, functools.partial) and id(value.func) in self.originals:
            return _raiser(self.originals[id(value.func)])
        return None

    def _patch_dict(self, d, seen):
        for key, value in list(d.items()):
            new = self._replacement(value)
            if new is not None:
                self.saved.append(("item", d, key, value))
                d[key] = new
            else:
                self._visit(value, seen)

    def _visit(self, obj, seen):
        import types
        if id(obj) in seen:
            return
        if isinstance(obj, types.ModuleType):
            seen.add(id(obj))
            for key, value in list(vars(obj).items()):  # identity only: no walk into a library's functions
                new = self._replacement(value)
                if new is not None:
                    self.saved.append(("item", vars(obj), key, value))
                    vars(obj)[key] = new
            return
        if isinstance(obj, types.MethodType):
            obj = obj.__func__
        if not isinstance(obj, types.FunctionType) or obj.__module__ in (None, "numpy") \
                or str(obj.__module__).startswith(("numpy", "helpers")):
            return
        seen.add(id(obj))
        if obj.__defaults__:
            new = tuple(self._replacement(v) or v for v in obj.__defaults__)
            if any(a is not b for a, b in zip(new, obj.__defaults__)):
                self.saved.append(("attr", obj, "__defaults__", obj.__defaults__))
                obj.__defaults__ = new
            for v in obj.__defaults__:
                self._visit(v, seen)
        if obj.__kwdefaults__:
            self._patch_dict(obj.__kwdefaults__, seen)
        for cell in obj.__closure__ or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            new = self._replacement(value)
            if new is not None:
                self.saved.append(("attr", cell, "cell_contents", value))
                cell.cell_contents = new
            else:
                self._visit(value, seen)
        g = obj.__globals__
        if id(g) not in seen:
            seen.add(id(g))
            self._patch_dict(g, seen)

    def __enter__(self):
        if not self.names:
            return self
        import sys
        from .. import attention, multihead
        self.originals = {id(getattr(m, n)): n for m in (attention, multihead) for n in self.names if hasattr(m, n)}
        seen: set = set()
        for name, module in list(sys.modules.items()):
            if module is not None and (name == "helpers" or name.startswith("helpers.")):
                self._visit(module, seen)
        self._visit(self.fn, seen)
        return self

    def __exit__(self, *exc):
        for kind, target, key, value in reversed(self.saved):
            if kind == "item":
                target[key] = value
            else:
                setattr(target, key, value)
        self.saved.clear()
        return False

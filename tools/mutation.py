"""The AST mutator behind ``scripts/mutation.py``: every small change to a module's syntax tree, in a fixed order.

Each mutant is one change (an operator swapped, a number changed, a ``raise`` deleted, a call replaced by
its argument …) with a stable id ``scope | what #k``. Not mutated: docstrings, imports, type annotations,
``__all__``, string constants and f-strings, and lines carrying ``# pragma: no mutate``. The command
(sandbox, test runs, equivalents, score) is ``scripts/mutation.py``; only the standard library is used.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

BINOP_SWAP = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult, ast.MatMult: ast.Mult,
    ast.BitAnd: ast.BitOr, ast.BitOr: ast.BitAnd,
}
CMP_SWAP = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}
SYMBOL = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
    ast.Pow: "**", ast.MatMult: "@", ast.BitAnd: "&", ast.BitOr: "|", ast.Lt: "<", ast.LtE: "<=",
    ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=", ast.In: "in", ast.NotIn: "not in",
    ast.Is: "is", ast.IsNot: "is not", ast.And: "and", ast.Or: "or",
}


@dataclass
class Mutant:
    """One change: a stable id (scope | what #k), its line, a readable before → after, how to apply it."""

    index: int
    id: str
    line: int
    show: str
    apply: Callable[[], None]


def _short(node: ast.AST, limit: int = 70) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _replace(parent: ast.AST, field: str, index: int | None, new: ast.AST) -> Callable[[], None]:
    def apply():
        if index is None:
            setattr(parent, field, new)
        else:
            getattr(parent, field)[index] = new
    return apply


def _set(obj, attr, value) -> Callable[[], None]:
    return lambda: setattr(obj, attr, value)


class _Collector:
    """Walk the tree in a fixed order and list every mutation point (nothing is changed here)."""

    def __init__(self, source: str):
        self.skip_lines = {i for i, line in enumerate(source.splitlines(), 1) if "pragma: no mutate" in line}
        self.found: list[tuple[str, str, int, str, Callable[[], None]]] = []
        self.modules = {  # names bound by `import x` / `import x as y`
            (a.asname or a.name).split(".")[0]
            for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Import) for a in n.names
        }

    def add(self, scope, what, node, show, apply):
        self.found.append((scope, what, getattr(node, "lineno", 0), show, apply))

    def visit(self, node, parent=None, field=None, index=None, scope="<module>"):
        if getattr(node, "lineno", None) in self.skip_lines:
            return
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.JoinedStr)):
            return
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return  # docstring
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            inner = node.name if scope == "<module>" else f"{scope}.{node.name}"
            for i, d in enumerate(node.decorator_list):
                self.visit(d, node, "decorator_list", i, inner)
            if isinstance(node, ast.ClassDef):
                for i, b in enumerate(node.bases):
                    self.visit(b, node, "bases", i, inner)
            else:
                for fld in ("defaults", "kw_defaults"):
                    for i, d in enumerate(getattr(node.args, fld)):
                        if d is not None:
                            self.visit(d, node.args, fld, i, inner)
            for i, stmt in enumerate(node.body):
                self.visit(stmt, node, "body", i, inner)
            return
        if isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.visit(node.value, node, "value", None, scope)
            return
        self.points(node, parent, field, index, scope)
        for fld, value in ast.iter_fields(node):
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, ast.AST):
                        self.visit(item, node, fld, i, scope)
            elif isinstance(value, ast.AST):
                self.visit(value, node, fld, None, scope)

    def points(self, node, parent, field, index, scope):
        if isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in BINOP_SWAP:
            old, new = type(node.op), BINOP_SWAP[type(node.op)]
            self.add(scope, f"{SYMBOL[old]} → {SYMBOL[new]}", node,
                     f"{SYMBOL[old]} → {SYMBOL[new]} in `{_short(node)}`", _set(node, "op", new()))
        elif isinstance(node, ast.Compare):
            for j, op in enumerate(node.ops):
                new = CMP_SWAP[type(op)]
                def apply(node=node, j=j, new=new):
                    node.ops[j] = new()
                self.add(scope, f"{SYMBOL[type(op)]} → {SYMBOL[new]}", node,
                         f"{SYMBOL[type(op)]} → {SYMBOL[new]} in `{_short(node)}`", apply)
        elif isinstance(node, ast.BoolOp):
            new = ast.Or if isinstance(node.op, ast.And) else ast.And
            self.add(scope, f"{SYMBOL[type(node.op)]} → {SYMBOL[new]}", node,
                     f"{SYMBOL[type(node.op)]} → {SYMBOL[new]} in `{_short(node)}`", _set(node, "op", new()))
        elif _negative_number(node):  # -1 is one number: -1 → 0 (not also 1 and -2)
            v = -node.operand.value
            self.add(scope, f"{v!r} → {v + 1!r}", node, f"{v!r} → {v + 1!r}",
                     _replace(parent, field, index, ast.Constant(v + 1)))
        elif isinstance(node, ast.Constant) and _negative_number(parent):
            pass
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
            sign = "not" if isinstance(node.op, ast.Not) else "-"
            self.add(scope, f"drop `{sign}`", node, f"`{_short(node)}` → `{_short(node.operand)}`",
                     _replace(parent, field, index, node.operand))
        elif isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool):
                self.add(scope, f"{v} → {not v}", node, f"{v} → {not v}", _set(node, "value", not v))
            elif isinstance(v, (int, float)):
                self.add(scope, f"{v!r} → {v + 1!r}", node, f"{v!r} → {v + 1!r}", _set(node, "value", v + 1))
        elif isinstance(node, ast.Raise):
            self.add(scope, "raise → pass", node, f"`raise {_short(node.exc or ast.Constant(None), 50)}` → `pass`",
                     _replace(parent, field, index, ast.Pass()))
        elif isinstance(node, ast.Return) and node.value is not None and not (
            isinstance(node.value, ast.Constant) and node.value.value is None
        ):
            self.add(scope, "return → None", node, f"`return {_short(node.value, 50)}` → `return None`",
                     _set(node, "value", ast.Constant(None)))
        elif isinstance(node, ast.Continue):
            self.add(scope, "continue → break", node, "`continue` → `break`", _replace(parent, field, index, ast.Break()))
        elif isinstance(node, ast.Call) and not isinstance(parent, ast.Raise):
            func = _short(node.func, 40)
            plain = isinstance(node.func, ast.Name) or (
                isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                and node.func.value.id in self.modules)  # f(x) or np.f(x), not obj.method(x)
            if isinstance(parent, ast.Expr) and not plain:
                self.add(scope, f"{func}(…) deleted", node, f"`{_short(node)}` → `pass`",
                         _replace(parent, "value", None, ast.Constant(None)))
            elif plain and node.args and not isinstance(node.args[0], ast.Starred):
                self.add(scope, f"{func}(…) → 1st arg", node, f"`{_short(node)}` → `{_short(node.args[0])}`",
                         _replace(parent, field, index, node.args[0]))
            elif not plain and not node.args and not node.keywords and isinstance(node.func, ast.Attribute):
                self.add(scope, f"{func}() → receiver", node, f"`{_short(node)}` → `{_short(node.func.value)}`",
                         _replace(parent, field, index, node.func.value))
            for k, kw in enumerate(node.keywords):
                if kw.arg is None or (isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, bool)):
                    continue  # **kwargs, or a flag whose True → False mutant already covers dropping it
                def apply(node=node, k=k):
                    del node.keywords[k]
                self.add(scope, f"{func}(…) drop {kw.arg}=", node, f"drop `{kw.arg}=` in `{_short(node)}`", apply)


def _negative_number(node) -> bool:
    return (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant)
            and type(node.operand.value) in (int, float))


def mutants(source: str) -> list[Mutant]:
    """All mutants of `source`, in a fixed order; each `apply` changes its own fresh copy of the tree."""
    tree = ast.parse(source)
    collector = _Collector(source)
    collector.visit(tree)
    seen: Counter = Counter()
    result = []
    for i, (scope, what, line, show, apply) in enumerate(collector.found):
        key = f"{scope} | {what}"
        seen[key] += 1
        result.append(Mutant(i, f"{key} #{seen[key]}", line, show, apply))
    return result


def mutated_source(source: str, index: int) -> str:
    """The module's text with mutant `index` applied (re-parsed each time, so mutants never mix)."""
    tree = ast.parse(source)
    collector = _Collector(source)
    collector.visit(tree)
    collector.found[index][4]()
    ast.fix_missing_locations(tree)
    text = ast.unparse(tree) + "\n"
    compile(text, "<mutant>", "exec")
    return text

"""The machinery every exercise uses: cases, diagnosis, hints in tiers (readable numbers: ``_compare``).

Introduced in notebook 00. A check runs the reader's function on visible cases (small,
hand-checkable) and hidden ones (random shapes and seeds, and the hard cases the lesson
promises: 2-D inputs, ±1000 scores, ties, fully masked rows, n = 1). When an answer is
wrong it computes what each *plausible mistake* of that exercise would return, and names
the mistake whose result matches. Hints come in tiers: the first failure says what is wrong,
a second failure adds where to look, ``hint=3`` adds how, which often spells out the
answer's code (lines like ``M.sum(axis=1)``). Every exercise's whole answer, with the rest of the lesson's
code, is in ``notebooks/solutions/`` (one file a lesson: ``%load solutions/NN_….py``).

The failure counter per exercise is the only state kept here (a cache of how often the
reader has tried), so that the second try gets the second tier.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

# Readable numbers live in ._compare; re-exported here, since lessons and tests import them from ._core.
from ._compare import RTOL, _pair_text, _Reject, _tolerance, as_array, compare_arrays, fmt, order_text, shape_text  # noqa: F401
from ._guard import CHECKER, _ForbiddenCall, _Guard, checker_functions
from ._inputs import _argument_names, _copy, _snapshot

NOT_WRITTEN = "还没写（not written yet）：把 `raise NotImplementedError` 那一行换成你的代码，再运行这个单元格。"
_FAILURES: dict[str, int] = {}


@dataclass
class CheckResult:
    """Outcome of a check: a green or red box in Jupyter, truthy when passed.

    Attributes
    ----------
    passed : bool
    message : str
        What happened, in Chinese; the hint tiers are already part of it.
    diagnosis : str
        The named mistake ("" when none matched or when passed); tests assert it.
    """

    passed: bool
    message: str
    diagnosis: str = ""

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return ("✓ " if self.passed else "✗ ") + self.message

    def _repr_html_(self) -> str:
        colour, bg = ("#009E73", "#e8f6f0") if self.passed else ("#D55E00", "#fdeee4")
        body = html.escape(repr(self)).replace("\n", "<br>")
        return (f'<div style="border-left:4px solid {colour};background:{bg};padding:6px 10px;'
                f'font-family:monospace,sans-serif;white-space:normal">{body}</div>')


@dataclass
class Case:
    """One input: `args` for the reader's function, shown by `label`; hidden cases are not printed."""

    label: str
    args: tuple
    hidden: bool = False
    nan_reason: str = ""  # why NaN/inf would appear here (e.g. "±1000 的分数让 exp 溢出")


@dataclass
class Mistake:
    """A plausible mistake: `produce(*args)` returns what that mistake would return."""

    what: str   # tier 1: what is wrong
    where: str  # tier 2: where to look
    produce: Callable


@dataclass
class Exercise:
    """Everything a check needs for one exercise.

    `compare(got, want, case)` returns None when equal, else a reason in Chinese; `normalize`
    turns the reader's return value into the comparable form (or raises ``_Reject(reason)``).
    """

    key: str
    cases: Callable[[], list]
    reference: Callable
    where: str
    how: str
    mistakes: list = field(default_factory=list)
    compare: Callable | None = None
    forbidden: tuple = ()
    passed_note: str = ""
    # names of the arguments the reader's function must not change ("" = may change); None (the default): every
    # argument, named as the reader's own function names it. Checked after every call, on copies.
    pure: tuple | None = None
    errors: list = field(default_factory=list)  # (fragment of the error text, what, where): a named crash


# ------------------------------------------------------------------ running a check


def _call(fn, args, forbidden, hidden=()):
    with _Guard(fn, forbidden, hidden), np.errstate(all="ignore"):
        return fn(*_copy(args))


def _changed_inputs(fn, args, forbidden, pure, hidden=()):
    """(value, names of the arguments in `pure` that fn changed in place).

    fn gets copies. The record of the inputs is an immutable snapshot (bytes, shapes, dtypes) taken before the
    call, so code that reaches up the stack can read it but not change it; the case's own arrays (later given to
    the reference) are compared with it too, so changing them instead of the copies is caught the same way.
    """
    record, given = _snapshot(args), _copy(args)
    with _Guard(fn, forbidden, hidden), np.errstate(all="ignore"):
        value = fn(*given)
    names = _argument_names(fn, pure, len(args))
    return value, [name for name, before, after, case in zip(names, record, _snapshot(given), _snapshot(args))
                   if name and (after != before or case != before)]


_SHAPE_ERRORS = [
    ("matmul", "矩阵乘法的形状对不上：(a, b) @ (b, c) 要求中间的 b 相同。把参与相乘的两个数组的 .shape 打印出来看看，"
               "是不是有一个该转置、或者不该转置？", "每个 @ 两边的形状。"),
    ("could not be broadcast", "两个数组的形状对不上，不能逐个元素运算（broadcast）。把它们的 .shape 打印出来看看。",
     "每个 +、−、*、/ 两边的形状。"),
]


def _fail(ex: Exercise, what: str, where: str, hint, diagnosis: str = "") -> CheckResult:
    """A failure with the hint tiers: what (always), where (second failure on), how (hint=3)."""
    tries = _FAILURES[ex.key] = _FAILURES.get(ex.key, 0) + 1
    tier = max(int(hint or 0), 2 if tries >= 2 else 1)
    lines = [what]
    if tier >= 2:
        lines.append(f"往哪里看：{where}")
    if tier >= 3:
        lines.append(f"怎么做：{ex.how}")
    else:
        lines.append("（再失败一次会告诉你往哪里看；在检查函数里加上 hint=3，看怎么做。）" if tier == 1
                     else "（在检查函数里加上 hint=3 看怎么做。）")
    return CheckResult(False, "\n".join(lines), diagnosis)


def _case_name(k: int, case: Case) -> str:
    return f"隐藏的第 {k} 个例子（{case.label}）" if case.hidden else f"第 {k} 个例子（{case.label}）"


def _same(got, mistaken, compare, case) -> bool:
    """Does the reader's value equal what a mistake would return? (Also when its kind is rejected.)"""
    try:
        return compare(got, mistaken, case) is None
    except _Reject:
        if isinstance(got, (str, bytes)):  # "180" is no number: its kind is the mistake, not a value that matches
            return False
        try:
            g, m = np.asarray(got, dtype=float), np.asarray(mistaken, dtype=float)
        except (TypeError, ValueError):
            return False
        return g.shape == m.shape and bool(np.allclose(g, m, equal_nan=True))


def _made(mistake: Mistake, got, case: Case, compare, absent: bool = False) -> bool:
    """Does `got` equal what `mistake` returns on `case`? (`absent`: what to answer when it returns nothing.)"""
    try:
        with np.errstate(all="ignore"):
            mistaken = mistake.produce(*_copy(case.args))
        if mistaken is None:
            return absent
        return _same(got, mistaken, compare, case)
    except (_Reject, ValueError, TypeError, IndexError, ZeroDivisionError, FloatingPointError, OverflowError):
        return absent


def _outputs(fn, cases, ex):
    """(case, fn's value) for every case on which fn runs."""
    for case in cases:
        try:
            yield case, _call(fn, case.args, ex.forbidden, checker_functions(ex.reference))
        except Exception:  # noqa: BLE001 - a crash on another case does not tell mistakes apart
            continue


def _helper_called(exc: _ForbiddenCall) -> str:
    """The helper the reader's code called: the outermost frame in helpers/ (outside the checker), or the guarded one."""
    tb = exc.__traceback__
    while tb is not None:
        module = str(tb.tb_frame.f_globals.get("__name__", ""))
        if module.startswith("helpers.") and not module.startswith("helpers.exercises"):
            code = tb.tb_frame.f_code
            return exc.args[0] if code.co_name == "forbidden" else f"{module}.{code.co_qualname}"
        tb = tb.tb_next
    return exc.args[0]


def _forbidden_message(ex: Exercise, name: str, hint) -> CheckResult:
    if name == CHECKER:
        return _fail(ex, "你的函数调用了检查器自己的函数（比如从调用栈里去找参考答案）：结果要由你的代码自己算出来。"
                     "（Your function called the checker's own code.）", ex.where, hint, "checker")
    short = name.rsplit(".", 1)[-1]
    return _fail(ex, f"这道题要你自己写出每一步，不能调用 helpers 里的 {short}（{name}）。"
                 f"（This exercise must not call {name}.）",
                 "把对 helpers 的调用换成 numpy 的几行（np.exp、.sum、@）。", hint, "forbidden")


def _in_place_message(ex: Exercise, k: int, case: Case, names: list, hint) -> CheckResult:
    said = "、".join(names)
    return _fail(ex, f"{_case_name(k, case)}：你改动了传入的 {said}（原地修改，像 -=、*=、x[0] = 0）：调用者手里的"
                     f"数组也跟着变了。要返回新数组，不要改动输入。", "每一个 -=、+=、*= 和下标赋值：它们改的是传进来的数组。",
                 hint, "in place")


def run_check(ex: Exercise, fn, hint=None) -> CheckResult:
    """Run `fn` on every case of `ex`; on the first mismatch, diagnose it and answer in tiers.

    The reader's function runs first and the reference only afterwards, so no frame up the call stack holds
    the expected value while the reader's code runs; the reference functions themselves raise meanwhile.
    """
    if not callable(fn):
        return CheckResult(False, f"请传入你写的函数，收到的是 {type(fn).__name__}。"
                                  f"（Pass the function you wrote, not a {type(fn).__name__}.）")
    compare = ex.compare or (lambda got, want, case: compare_arrays(got, want, case))
    cases = ex.cases()
    hidden = checker_functions(ex.reference)
    for k, case in enumerate(cases, start=1):
        try:
            got, changed = _changed_inputs(fn, case.args, ex.forbidden, ex.pure, hidden)
        except NotImplementedError:
            return CheckResult(False, NOT_WRITTEN)
        except _ForbiddenCall as exc:
            return _forbidden_message(ex, exc.args[0] if exc.args[0] == CHECKER else _helper_called(exc), hint)
        except Exception as exc:  # the reader's bug: show it as a message, not a traceback
            for fragment, what, where in ex.errors + _SHAPE_ERRORS:
                if fragment in str(exc):
                    return _fail(ex, f"{_case_name(k, case)}运行出错：{what}\n（numpy 的原话 original error: "
                                     f"{type(exc).__name__}: {exc}）", where, hint, what)
            return _fail(ex, f"{_case_name(k, case)}运行出错：{type(exc).__name__}: {exc}", ex.where, hint, "error")
        if got is None:
            return _fail(ex, f"{_case_name(k, case)}：函数没有返回值（忘了 return？）。", ex.where, hint, "none")
        if changed:
            return _in_place_message(ex, k, case, changed, hint)
        want = ex.reference(*_copy(case.args))  # only now: never on the stack while the reader's code runs
        try:
            reason = compare(got, want, case)
        except _Reject as exc:
            reason = str(exc)
        del want
        if reason is None:
            continue
        matching = [m for m in ex.mistakes if _made(m, got, case, compare)]
        if len(matching) > 1:  # several mistakes give this value: keep those that agree with fn on every case
            agree = [m for m in matching if all(_made(m, g, c, compare, absent=True) for c, g in _outputs(fn, cases, ex))]
            matching = agree or matching
        if matching:
            mistake = matching[0]
            return _fail(ex, f"{_case_name(k, case)}：{mistake.what}", mistake.where, hint, mistake.what)
        return _fail(ex, f"{_case_name(k, case)}：{reason}", ex.where, hint, "")
    n_hidden = sum(c.hidden for c in cases)
    _FAILURES.pop(ex.key, None)
    note = f" {ex.passed_note}" if ex.passed_note else ""
    return CheckResult(True, f"全部 {len(cases)} 个例子都通过了（其中 {n_hidden} 个是隐藏的）。{note}".rstrip())


def reset_hints() -> None:
    """Forget how often each exercise failed (the next failure shows the first tier again)."""
    _FAILURES.clear()


def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def check_value(key: str, ok: bool, what: str, where: str, how: str, hint=None, passed: str = "",
                diagnosis: str = "") -> CheckResult:
    """Grade a value answer (not a function) with the same hint tiers."""
    if ok:
        _FAILURES.pop(key, None)
        return CheckResult(True, passed)
    if diagnosis == "not written":  # not an attempt: no tier, no count
        return CheckResult(False, what, diagnosis)
    return _fail(Exercise(key, list, None, where, how), what, where, hint, diagnosis or what)

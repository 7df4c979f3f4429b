"""Shared by the tests of helpers.exercises: load a reference solution, assert pass / fail with a diagnosis."""

import importlib.util
from pathlib import Path

from helpers.exercises import reset_hints

SOLUTIONS = Path(__file__).resolve().parent.parent / "notebooks" / "solutions"


def load(name):
    spec = importlib.util.spec_from_file_location(f"solution_{name}", SOLUTIONS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def not_written(*args):
    raise NotImplementedError


def assert_passes(check, answer):
    reset_hints()
    result = check(answer)
    assert result.passed, result.message
    assert result.message.startswith(("全部", "三个")) or result.message, result.message
    return result


def assert_fails(check, answer, diagnosis):
    """Fails, names the expected mistake on the first try, and holds back where/how until later tiers."""
    reset_hints()
    result = check(answer)
    assert not result.passed, f"{check.__name__} accepted a wrong answer"
    assert diagnosis in result.message, result.message
    assert "怎么做：" not in result.message and "np.int64" not in result.message and "…" not in result.message
    return result


def assert_hint_tiers(check, answer):
    """First failure: what; second: + where; hint=3: + how."""
    reset_hints()
    first, second, third = check(answer), check(answer), check(answer, hint=3)
    assert "往哪里看：" not in first.message and "往哪里看：" in second.message, (first.message, second.message)
    assert "怎么做：" in third.message and "怎么做：" not in second.message
    reset_hints()

"""helpers.exercises._core: readable numbers, hint tiers, the not-written message, the forbidden-helper guard."""

import numpy as np
import pytest
from exercise_harness import assert_hint_tiers, not_written

import helpers.attention as A
from helpers import exercises as ex
from helpers.exercises._core import CheckResult, fmt


def test_fmt_is_readable():
    assert fmt(np.int64(1)) == "1" and fmt(np.float64(0.72362)) == "0.7236"
    assert fmt((np.int64(3), 2)) == "(3, 2)"
    text = fmt(np.arange(64.0).reshape(8, 8))
    assert "..." not in text and "…" not in text and "63.000" in text
    assert fmt(123456) == "123,456"


@pytest.mark.parametrize("check", [ex.check_dot, ex.check_softmax, ex.check_attention, ex.check_multi_head,
                                   ex.check_rnn, ex.check_previous_token_head, ex.check_layer_norm])
def test_unsolved_exercise_says_not_written(check):
    result = check(not_written)
    assert not result.passed and "还没写" in result.message


def test_not_a_function_and_no_return():
    assert "请传入你写的函数" in ex.check_dot("a @ b").message
    assert "忘了 return" in ex.check_dot(lambda a, b: None).message


def test_a_crash_in_the_readers_code_is_a_message_not_a_traceback():
    result = ex.check_similarity(lambda X: X @ np.ones((3, 3)))
    assert not result.passed and "运行出错" in result.message and "ValueError" in result.message
    assert "矩阵乘法的形状对不上" in result.message


def test_hint_tiers_what_then_where_then_how():
    assert_hint_tiers(ex.check_softmax, lambda x: np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True))
    assert_hint_tiers(ex.check_article_d_k, 64)


def test_passing_resets_the_tier():
    ex.reset_hints()
    wrong = lambda x: x
    ex.check_softmax(wrong)
    assert "往哪里看：" in ex.check_softmax(wrong).message
    ex.check_softmax(lambda x: A.softmax(x))  # forbidden: still a failure
    ex.reset_hints()
    assert "往哪里看：" not in ex.check_softmax(wrong).message


def _helper_attention(Q, K, V):
    return A.scaled_dot_product_attention(Q, K, V)


def test_forbidden_helpers_are_caught_under_any_alias():
    from helpers.attention import softmax as sm

    def by_alias(Q, K, V):
        w = sm(Q @ K.T / np.sqrt(Q.shape[-1]))
        return w @ V, w

    def imported_inside(Q, K, V):
        from helpers.attention import scaled_dot_product_attention
        return scaled_dot_product_attention(Q, K, V)

    for fn in (_helper_attention, by_alias, imported_inside):
        result = ex.check_attention(fn)
        assert not result.passed and "不能调用 helpers 里的" in result.message, result.message
    assert A.softmax(np.zeros(2))[0] == 0.5  # the guard put the helpers back


def test_check_result_renders_as_coloured_html():
    assert "#D55E00" in CheckResult(False, "x")._repr_html_() and "#009E73" in CheckResult(True, "x")._repr_html_()
    assert repr(CheckResult(True, "好")) == "✓ 好" and not CheckResult(False, "x")


def _exercise_cells(path):
    import json

    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    on, found = False, []
    for c in cells:
        text = "".join(c["source"])
        if c["cell_type"] == "markdown" and "## 练习" in text:
            on = True
        if c["cell_type"] == "markdown" and "## 小结" in text:
            on = False
        if on and c["cell_type"] == "code" and "check_" in text:
            found.append(text)
    return found


def _run_cell(text):
    """Run a cell like the notebook does: the last line is an expression whose value is shown."""
    *body, last = text.rstrip().split("\n")
    namespace = {}
    exec("\n".join(body), namespace)
    return eval(last, namespace)


def test_every_unsolved_exercise_cell_says_not_written_and_the_count_is_right():
    from pathlib import Path

    ex.reset_hints()
    notebooks = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("0*.ipynb"))
    counts = {}
    for path in notebooks:
        cells = _exercise_cells(path)
        counts[path.name[:2]] = len(cells)
        for text in cells:
            result = _run_cell(text)
            assert isinstance(result, CheckResult) and not result.passed, (path.name, text)
            assert "还没写" in result.message, (path.name, result.message)
    assert all(n >= 3 for n in counts.values()), counts
    assert sum(counts.values()) >= 25, counts


def test_the_guard_finds_helpers_in_defaults_partials_modules_and_the_readers_own_functions():
    import functools

    import helpers
    from helpers.multihead import multi_head_attention

    def via_default(Q, K, V, _f=A.scaled_dot_product_attention):
        return _f(Q, K, V)

    def via_kwdefault(Q, K, V, *, _f=A.scaled_dot_product_attention):
        return _f(Q, K, V)

    partial = functools.partial(A.scaled_dot_product_attention)

    def via_partial(Q, K, V):
        return partial(Q, K, V)

    def via_module(Q, K, V):
        return helpers.attention.scaled_dot_product_attention(Q, K, V)

    def mine(Q, K, V):
        return A.scaled_dot_product_attention(Q, K, V)

    def via_own_function(Q, K, V, _g=mine):
        return _g(Q, K, V)

    for fn in (via_default, via_kwdefault, via_partial, via_module, via_own_function):
        result = ex.check_attention(fn)
        assert result.diagnosis == "forbidden" and "不能调用 helpers 里的" in result.message, (fn.__name__, result.message)
    assert ex.check_softmax(lambda x, _s=A.softmax: _s(x)).diagnosis == "forbidden"
    assert ex.check_multi_head(lambda X, W_Q, W_K, W_V, W_O, h, _m=multi_head_attention:
                               _m(X, W_Q, W_K, W_V, W_O, h)).diagnosis == "forbidden"
    assert via_default.__defaults__[0] is A.scaled_dot_product_attention  # put back
    assert A.softmax(np.zeros(2))[0] == 0.5


# ------------------------------------------------------------------ round 3: loopholes a second student found


def _sdpa_by_hand(Q, K, V):
    s = Q @ K.T / np.sqrt(Q.shape[-1])
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    w = e / e.sum(axis=-1, keepdims=True)
    return w @ V, w


@pytest.mark.parametrize("check, cast", [
    (ex.check_similarity, lambda X: np.zeros((X.shape[0], X.shape[0]), dtype=np.float16)),
    (ex.check_softmax, lambda x: np.zeros_like(x, dtype=np.float16)),
    (ex.check_rnn, lambda X, W_x, W_h, b: np.zeros((X.shape[0], W_h.shape[0]), dtype=np.float16)),
    (ex.check_softmax_backward, lambda w, g: np.zeros_like(w, dtype=np.float16)),
    (ex.check_grad_W_Q, lambda X, W_K, dS: np.zeros((X.shape[1], W_K.shape[1]), dtype=np.float16)),
    (ex.check_sgd_step, lambda p, g, lr: {k: np.zeros_like(v, dtype=np.float16) for k, v in p.items()}),
    (ex.check_layer_norm, lambda x, g, b, eps=1e-12: np.zeros_like(x, dtype=np.float16)),
])
def test_float16_zeros_never_pass(check, cast):
    ex.reset_hints()
    result = check(cast)
    assert not result.passed, result.message


def test_a_float32_result_passes_and_float16_precision_is_not_a_licence():
    from helpers.exercises._core import compare_arrays

    want = np.array([[0.1234567, 0.7654321, 1e-3], [3.3333333, -2.2222222, 0.2512345]])
    assert compare_arrays(want.astype(np.float32), want) is None
    assert compare_arrays(np.zeros(3, dtype=np.float16), np.ones(3)) is not None
    reason = compare_arrays(np.array([1.0, 1.0, 1.001], dtype=np.float16), np.ones(3))
    assert reason is not None and "应是 1，你的是 1.001" in reason, reason


def _frame_cheat(names=("want", "expected")):
    import sys

    def cheat(*args):
        frame = sys._getframe(1)
        while frame is not None:
            for name in names:
                if name in frame.f_locals:
                    return frame.f_locals[name]
            frame = frame.f_back
        raise LookupError("no answer on the stack")
    return cheat


def _reference_cheat(*args):
    import sys

    frame = sys._getframe(1)
    while frame is not None:
        exercise = frame.f_locals.get("ex")
        if exercise is not None and hasattr(exercise, "reference"):
            return exercise.reference(*args)
        frame = frame.f_back
    raise LookupError


@pytest.mark.parametrize("check", [ex.check_attention, ex.check_softmax_backward, ex.check_grad_W_Q,
                                   ex.check_multi_head, ex.check_softmax, ex.check_layer_norm])
def test_walking_up_the_stack_finds_no_answer(check):
    ex.reset_hints()
    assert not check(_frame_cheat()).passed
    ex.reset_hints()
    result = check(_reference_cheat)
    assert not result.passed and result.diagnosis == "checker", result.message
    assert "检查器自己的函数" in result.message


def test_the_guard_catches_lists_attributes_closures_defaults_aliases_and_imports():
    import types

    from helpers.multihead import multi_head_attention

    tools = [A.scaled_dot_product_attention]
    box = types.SimpleNamespace(f=A.scaled_dot_product_attention)
    alias = A.scaled_dot_product_attention

    def make_closure():
        f = A.scaled_dot_product_attention
        return lambda Q, K, V: f(Q, K, V)

    def imported_inside(Q, K, V):
        from helpers.attention import scaled_dot_product_attention as sdpa
        return sdpa(Q, K, V)

    routes = {"list": lambda Q, K, V: tools[0](Q, K, V), "attribute": lambda Q, K, V: box.f(Q, K, V),
              "default": lambda Q, K, V, f=A.scaled_dot_product_attention: f(Q, K, V),
              "closure": make_closure(), "alias": lambda Q, K, V: alias(Q, K, V), "import": imported_inside,
              "dict": lambda Q, K, V: {"f": A.softmax}["f"](Q @ K.T) @ V}
    for route, fn in routes.items():
        ex.reset_hints()
        result = ex.check_attention(fn)
        assert result.diagnosis == "forbidden", (route, result.message)
    B = types.SimpleNamespace(f=multi_head_attention)
    ex.reset_hints()
    assert ex.check_multi_head(lambda X, W_Q, W_K, W_V, W_O, h: B.f(X, W_Q, W_K, W_V, W_O, h)).diagnosis == "forbidden"
    import helpers.training as T
    ex.reset_hints()
    holder = [T.softmax_backward]
    assert ex.check_softmax_backward(lambda w, g: holder[0](w, g)).diagnosis == "forbidden"
    # everything put back
    assert A.softmax(np.zeros(2))[0] == 0.5
    assert np.allclose(A.scaled_dot_product_attention(np.eye(2), np.eye(2), np.eye(2))[1].sum(-1), 1)
    assert A.softmax.__defaults__ == (-1, 1.0)


def test_the_guard_restores_everything_when_the_readers_code_raises():
    def boom(Q, K, V):
        raise RuntimeError("mine")

    def forbidden_then_catch(Q, K, V):
        try:
            return A.scaled_dot_product_attention(Q, K, V)
        except Exception:  # noqa: BLE001 - a reader who swallows the guard still computes the answer by hand
            return _sdpa_by_hand(Q, K, V)

    code = A.softmax.__code__
    ex.reset_hints()
    assert "RuntimeError" in ex.check_attention(boom).message
    assert A.softmax.__code__ is code and A.softmax(np.zeros(2))[0] == 0.5
    ex.reset_hints()
    assert ex.check_attention(forbidden_then_catch).passed  # computed by hand in the end: fine
    assert A.softmax.__code__ is code
    ex.reset_hints()
    assert ex.check_attention(_sdpa_by_hand).passed

"""helpers.exercises._core: readable numbers, hint tiers, the not-written message, the forbidden-helper guard."""

import numpy as np
import pytest

import helpers.attention as A
from exercise_harness import assert_hint_tiers, not_written
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

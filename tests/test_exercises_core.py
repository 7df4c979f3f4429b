"""helpers.exercises._core: readable numbers, hint tiers, the not-written message, the forbidden-helper guard."""

import inspect
import warnings

import numpy as np
import pytest
from exercise_harness import assert_hint_tiers, not_written

import helpers.attention as A
from helpers import exercises as ex
from helpers.exercises import _core as C
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


# ------------------------------------------------------------------ the core on toy exercises (added by mutation testing)
# A toy exercise "double x" built directly on _core, so these tests do not depend on any lesson's cases.


def _toy(mistakes=(), cases=None, **extra):
    fixed = cases or [C.Case("x = [1, 2]", (np.array([1.0, 2.0]),)), C.Case("x = [3]", (np.array([3.0]),), hidden=True)]
    return C.Exercise("toy-double", lambda: fixed, lambda x: 2 * x, where="WHERE", how="HOW", mistakes=list(mistakes),
                      **extra)


PLUS_TWO = C.Mistake("加了 2 而不是乘 2", "看 + 号", lambda x: x + 2)


def test_a_right_answer_passes_with_the_count_of_hidden_cases():
    ex.reset_hints()
    result = C.run_check(_toy(), lambda x: x * 2)
    assert result.passed and result.diagnosis == ""
    assert result.message == "全部 2 个例子都通过了（其中 1 个是隐藏的）。"
    noted = C.run_check(_toy(passed_note="记住它。"), lambda x: x * 2)
    assert noted.message == "全部 2 个例子都通过了（其中 1 个是隐藏的）。 记住它。"


def test_a_named_mistake_is_diagnosed_and_the_tiers_follow():
    ex.reset_hints()
    first = C.run_check(_toy([PLUS_TWO]), lambda x: x + 2)
    assert not first.passed and first.diagnosis == "加了 2 而不是乘 2"
    assert first.message == ("第 1 个例子（x = [1, 2]）：加了 2 而不是乘 2\n"
                             "（再失败一次会告诉你往哪里看；在检查函数里加上 hint=3，看怎么做。）")
    second = C.run_check(_toy([PLUS_TWO]), lambda x: x + 2)
    assert second.message == "第 1 个例子（x = [1, 2]）：加了 2 而不是乘 2\n往哪里看：看 + 号\n（在检查函数里加上 hint=3 看怎么做。）"
    ex.reset_hints()
    third = C.run_check(_toy([PLUS_TWO]), lambda x: x + 2, hint=3)
    assert third.message == "第 1 个例子（x = [1, 2]）：加了 2 而不是乘 2\n往哪里看：看 + 号\n怎么做：HOW"
    ex.reset_hints()


def test_an_unnamed_mismatch_on_a_hidden_case_gives_the_worst_entry():
    ex.reset_hints()
    result = C.run_check(_toy([PLUS_TWO]), lambda x: x * 2 if x.size > 1 else x)  # wrong only on the hidden case
    assert not result.passed and result.diagnosis == ""
    assert result.message.startswith("隐藏的第 2 个例子（x = [3]）：结果下标 (0,) 处应是 6，你的是 3。\n"), result.message
    ex.reset_hints()


def test_not_written_none_and_crashes_each_have_their_message():
    ex.reset_hints()
    toy = _toy(errors=[("boom", "爆炸了", "看引信")])

    def not_written(x):
        raise NotImplementedError

    assert C.run_check(toy, not_written).message == C.NOT_WRITTEN and not C.run_check(toy, not_written)
    none = C.run_check(toy, lambda x: None)
    assert none.diagnosis == "none" and none.message.startswith("第 1 个例子（x = [1, 2]）：函数没有返回值（忘了 return？）。")

    def named(x):
        raise ValueError("boom!")

    def unnamed(x):
        raise KeyError("k")

    r = C.run_check(toy, named)
    assert r.diagnosis == "爆炸了"
    assert r.message.startswith("第 1 个例子（x = [1, 2]）运行出错：爆炸了\n（numpy 的原话 original error: ValueError: boom!）\n")
    r = C.run_check(toy, unnamed)
    assert r.diagnosis == "error" and r.message.startswith("第 1 个例子（x = [1, 2]）运行出错：KeyError: 'k'\n")
    given_text = C.run_check(toy, "2 * x")
    assert given_text.message == "请传入你写的函数，收到的是 str。（Pass the function you wrote, not a str.）"
    assert not given_text.passed
    ex.reset_hints()


def test_when_several_mistakes_match_the_one_that_agrees_on_every_case_is_named():
    # on case 1 both mistakes give [2, 3]; case 2 makes the reader crash; case 3 tells them apart
    cases = [C.Case("a", (np.array([1.0, 2.0]),)), C.Case("b", (np.array([0.0]),)), C.Case("c", (np.array([5.0]),))]
    plus_one = C.Mistake("加 1", "A", lambda x: x + 1)
    odd = C.Mistake("奇怪的", "B", lambda x: np.where(x > 4, 100.0, x + 1))

    def reader(x):
        if x[0] == 0:
            raise ValueError("crash")
        return np.where(x > 4, 100.0, x + 1)

    ex.reset_hints()
    assert C.run_check(_toy([plus_one, odd], cases), reader).diagnosis == "奇怪的"
    # a mistake that cannot be computed on a case (returns None, or raises) does not count against it there
    silent = C.Mistake("安静的", "C", lambda x: None if x[0] == 5 else x + 1)
    fragile = C.Mistake("脆弱的", "D", lambda x: x + 1 if x[0] != 5 else x[9])  # IndexError on case c
    for other in (silent, fragile):
        ex.reset_hints()
        assert C.run_check(_toy([plus_one, other], cases), lambda x: x + 1 if x[0] != 5 else x * 0).diagnosis == other.what
    ex.reset_hints()


def test_a_mistake_that_raises_is_no_match_and_numpy_stays_silent():
    raises = C.Mistake("会出错的", "D", lambda x: x.reshape(7))  # ValueError: no match, never a traceback
    divides = C.Mistake("除以 0", "E", lambda x: x / 0)  # inf, and no RuntimeWarning reaches the reader
    ex.reset_hints()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = C.run_check(_toy([raises, divides]), lambda x: x / (x - x) * 0 + 1)  # the reader's 0/0 is silent too
    assert result.diagnosis == "" and "结果里有 NaN 或 inf（第一个在下标 (0,)）" in result.message
    ex.reset_hints()


def test_a_tuple_of_two_arrays_is_matched_to_the_mistake_that_returns_one():
    both = C.Mistake("返回了 (output, weights)", "return 那一行", lambda x: (2 * x, x))
    ex.reset_hints()
    result = C.run_check(_toy([both]), lambda x: (2 * x, x))
    assert result.diagnosis == "返回了 (output, weights)"
    other = C.run_check(_toy([both]), lambda x: (x, x))  # the same shapes, other numbers: no match
    assert other.diagnosis == "" and "你返回了一个含 2 个数组的元组" in other.message
    with_nan = C.Mistake("全被掩码的行是 NaN", "掩码", lambda x: (x * np.nan, x))
    assert C.run_check(_toy([with_nan]), lambda x: (x * np.nan, x)).diagnosis == "全被掩码的行是 NaN"  # NaN = NaN here
    text = C.run_check(_toy([both]), lambda x: "abc")  # not numbers: no mistake matches, the reason is said
    assert text.diagnosis == "" and "结果应是数值数组，收到 str。" in text.message
    ex.reset_hints()


def test_nothing_the_check_calls_can_change_the_cases():
    x, d = np.array([1.0, 2.0]), {"w": np.array([3.0])}
    cases = [C.Case("x, d", (x, d))]

    def writes(x, d):
        x *= 10
        d["w"] *= 10
        return x

    toy = C.Exercise("toy-in-place", lambda: cases, writes, where="W", how="H", mistakes=[C.Mistake("m", "w", writes)],
                     pure=())  # pure=(): writing into the inputs is allowed here, so only the copies are tested
    ex.reset_hints()
    assert C.run_check(toy, writes).passed
    assert C.run_check(toy, lambda x, d: x).diagnosis == ""  # the mistake ran on copies: x, not 10 x, is no match
    np.testing.assert_array_equal(x, [1.0, 2.0])
    np.testing.assert_array_equal(d["w"], [3.0])
    ex.reset_hints()


def test_a_custom_comparison_is_used_and_its_rejection_is_the_reason():
    def exact(got, want, case):
        if not isinstance(got, np.ndarray):
            raise C._Reject("要返回数组。")
        return None if np.array_equal(got, want) else "不完全相等。"

    ex.reset_hints()
    toy = _toy(compare=exact)
    assert not C.run_check(toy, lambda x: 2 * x + 1e-9).passed  # compare_arrays would accept this
    assert C.run_check(toy, lambda x: [2.0, 4.0]).message.startswith("第 1 个例子（x = [1, 2]）：要返回数组。\n")
    # a rejected kind still names the mistake whose numbers it holds (here x + 2 = [3, 4], written as text)
    assert C.run_check(_toy([PLUS_TWO], compare=exact), lambda x: ["3", "4"]).diagnosis == PLUS_TWO.what
    ex.reset_hints()


def test_a_pass_forgets_the_tries_and_the_tier_may_be_given_as_text():
    ex.reset_hints()
    for _ in range(2):
        C.run_check(_toy(), lambda x: x)
    assert C.run_check(_toy(), lambda x: 2 * x).passed
    assert "往哪里看：" not in C.run_check(_toy(), lambda x: x).message  # the first tier again
    assert "怎么做：HOW" in C.run_check(_toy(), lambda x: x, hint="3").message
    ex.reset_hints()


def test_an_argument_named_in_pure_must_not_be_changed_in_place():
    def fresh():
        return [C.Case("x, d, n", (np.array([1.0, np.nan]), {"w": np.array([3.0])}, 2))]

    toy = C.Exercise("toy-pure", fresh, lambda x, d, n: 2 * x, where="W", how="H", pure=("x", "d", "n"))

    def writes_x(x, d, n):
        x *= 2
        return x

    def writes_d(x, d, n):
        d["w"][0] = 0
        return 2 * x

    def adds_key(x, d, n):
        d["v"] = np.zeros(1)
        return 2 * x

    def clears(x, d, n):
        d.clear()
        return 2 * x

    def reshapes(x, d, n):
        x.shape = (2, 1)
        return 2 * x.ravel()

    ex.reset_hints()
    r = C.run_check(toy, writes_x)
    assert r.diagnosis == "in place" and not r.passed
    assert r.message.startswith("第 1 个例子（x, d, n）：你改动了传入的 x（原地修改，像 -=、*=、x[0] = 0）：调用者手里的数组也跟着变了。"
                                "要返回新数组，不要改动输入。\n"), r.message
    ex.reset_hints()
    assert "往哪里看：每一个 -=、+=、*= 和下标赋值" in C.run_check(toy, writes_x, hint=2).message
    for fn, said in ((writes_d, "d"), (adds_key, "d"), (clears, "d"), (reshapes, "x")):
        ex.reset_hints()
        result = C.run_check(toy, fn)
        assert result.diagnosis == "in place" and f"你改动了传入的 {said}（" in result.message, (fn.__name__, result.message)

    def writes_both(x, d, n):
        writes_d(x, d, n)
        return writes_x(x, d, n)

    ex.reset_hints()
    assert "你改动了传入的 x、d（" in C.run_check(toy, writes_both).message
    ex.reset_hints()
    assert C.run_check(toy, lambda x, d, n: 2 * x).passed  # NaN stays NaN: unchanged; n is no array
    unnamed = C.Exercise("toy-pure", fresh, lambda x, d, n: 2 * x, where="W", how="H", pure=("", "d"))
    assert C.run_check(unnamed, writes_x).passed  # an empty name: that argument may change


def test_by_default_no_argument_may_change_and_the_reader_s_own_names_are_used():
    cases = [C.Case("a", (np.array([1.0, 2.0]), [np.array([3.0])], {"w": np.array([1.0])}, 2))]
    toy = C.Exercise("toy-default-pure", lambda: cases, lambda x, L, d, n: 2 * x, where="W", how="H")

    def writes_list(scores, parts, d, n):
        parts[0][0] = 9.0
        return 2 * scores

    def casts(scores, parts, d, n):  # the same numbers in another dtype: still a change of the caller's array
        parts[0] = parts[0].astype(np.float32)
        return 2 * scores

    for fn, said in ((writes_list, "parts"), (casts, "parts"),
                     (lambda *a: (a[0].__imul__(2)), "第 0 个参数")):
        ex.reset_hints()
        result = C.run_check(toy, fn)
        assert result.diagnosis == "in place" and f"你改动了传入的 {said}（" in result.message, result.message
    np.testing.assert_array_equal(cases[0].args[0], [1.0, 2.0])  # the case itself never changed
    np.testing.assert_array_equal(cases[0].args[1][0], [3.0])  # nor the arrays inside its list
    ex.reset_hints()
    assert C.run_check(toy, lambda scores, parts, d, n: 2 * scores).passed
    ex.reset_hints()
    assert C.run_check(toy, lambda scores, parts, d, n: scores * 2 if scores is not cases[0].args[0] else None).passed


def test_telling_mistakes_apart_reruns_the_reader_on_copies_and_silently():
    fixed = [C.Case("a", (np.array([1.0, 2.0]),)), C.Case("b", (np.array([5.0]),))]
    one = C.Mistake("加 1", "A", lambda x: x + 1)
    odd = C.Mistake("奇怪的", "B", lambda x: np.where(x > 4, 100.0, x + 1))

    def reader(x):
        y = np.where(x > 4, 100.0, x + 1) + 0 * np.log(x - x + 1)  # log(1) = 0
        np.log(x * 0)  # a -inf the reader never sees: numpy stays silent here too
        x += 1000  # writes into its input: only into a copy
        return y

    ex.reset_hints()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = C.run_check(_toy([one, odd], fixed, pure=()), reader)  # pure=(): the write is allowed here
    assert result.diagnosis == "奇怪的" and caught == []
    ex.reset_hints()
    assert C.run_check(_toy([one, odd], fixed), reader).diagnosis == "in place"  # by default it is not
    np.testing.assert_array_equal(fixed[0].args[0], [1.0, 2.0])
    np.testing.assert_array_equal(fixed[1].args[0], [5.0])
    ex.reset_hints()


def test_check_value_grades_with_the_same_tiers_and_not_written_is_not_a_try():
    ex.reset_hints()
    assert C.check_value("toy-v", True, "错", "W", "H", passed="对了").message == "对了"
    assert C.check_value("toy-v", True, "错", "W", "H", passed="对了").passed
    for _ in range(2):
        nw = C.check_value("toy-v", False, "还没写", "W", "H", diagnosis="not written")
        assert (nw.passed, nw.message, nw.diagnosis) == (False, "还没写", "not written")
    first = C.check_value("toy-v", False, "错", "W", "H")
    assert first.message.startswith("错\n（再失败一次") and first.diagnosis == "错" and not first.passed
    second = C.check_value("toy-v", False, "错", "W", "H", diagnosis="named")
    assert second.message == "错\n往哪里看：W\n（在检查函数里加上 hint=3 看怎么做。）" and second.diagnosis == "named"
    assert C.check_value("toy-v", True, "错", "W", "H").passed  # a pass forgets the tries
    assert "往哪里看：" not in C.check_value("toy-v", False, "错", "W", "H").message
    ex.reset_hints()


def test_compare_arrays_names_shapes_nan_and_the_worst_entry():
    case = C.Case("大分数", (), nan_reason="±1000 的分数让 exp 溢出")
    assert C.compare_arrays(np.zeros(3), np.zeros(2)) == "结果的形状应是 (2,)，你的是 (3,)。"
    assert C.compare_arrays(np.zeros((2, 3)), np.zeros((3, 2)), name="权重") == "权重的形状应是 (3, 2)，你的是 (2, 3)。"
    got = np.array([[1.0, 2.0], [np.nan, np.inf]])
    assert C.compare_arrays(got, np.ones((2, 2)), case) == "结果里有 NaN 或 inf（第一个在下标 (1, 0)）。这个例子±1000 的分数让 exp 溢出。"
    assert C.compare_arrays(np.array([np.inf]), np.ones(1)) == "结果里有 NaN 或 inf（第一个在下标 (0,)）。"
    assert C.compare_arrays(np.array([np.nan, 1.0]), np.array([np.nan, 1.0])) is None  # NaN where NaN is right
    assert C.compare_arrays(np.array([[10.0, 0.5], [1.0, 0.0]]), np.array([[10.0, 1.0], [1.0, 0.0]])) == \
        "结果下标 (0, 1) 处应是 1，你的是 0.5。"
    assert C.compare_arrays(np.array([1.0, -3.0]), np.array([1.0, 0.0])) == "结果下标 (1,) 处应是 0，你的是 -3。"
    assert C.compare_arrays(2.0, 3.0) == "结果应是 3，你的是 2。"
    assert C.compare_arrays(np.array([1.0004]), np.array([1.0001])) == "结果下标 (0,) 处应是 1.0001，你的是 1.0004（差 0.0003）。"
    assert C.compare_arrays([[1, 2]], np.array([[1.0, 2.0]])) is None  # a list of numbers is fine


def test_compare_arrays_tolerances():
    assert C.compare_arrays(np.array([5e-7]), np.array([0.0])) is None  # below atol 1e-6
    assert C.compare_arrays(np.array([1e-3]), np.array([0.0])) is not None
    assert C.compare_arrays(np.array([1.001]), np.array([1.0])) is not None  # float64: 1e-3 relative is wrong
    assert C.compare_arrays([1.0, 2.5], [1.0, 2.0]) is not None
    assert C.compare_arrays(np.array([1, 3]), np.array([1, 2])) is not None and C.compare_arrays([1, 2], [1, 2]) is None
    # float32 results pass at float32 precision, relative to the values and near 0
    assert C.compare_arrays(np.float32([1000.05]), np.array([1000.0])) is None
    assert C.compare_arrays(np.float32([5e-5, 1.0]), np.array([0.0, 1.0])) is None
    want = np.array([1 / 3, 2 / 3, 1e-3])
    assert C.compare_arrays(want.astype(np.float32), want) is None
    # atol = max(1e-6, rtol · max|want|) with rtol = 1000 float32 epsilons: |got - want| ≤ atol + rtol · |want|
    assert C.compare_arrays(np.array([1.0002]), np.array([1.0])) is None  # 2e-4 ≤ 1.19e-4 + 1.19e-4
    assert C.compare_arrays(np.array([1.0003]), np.array([1.0])) is not None
    assert C.compare_arrays(np.array([-1000.0, 0.05]), np.array([-1000.0, 0.0])) is None  # the scale is max |want|
    # float32 level means 1000 float32 epsilons (1000 × 1.19e-7): just inside passes, just outside does not
    assert C.compare_arrays(np.float32([1.0, 1.1915e-4]), np.array([1.0, 0.0])) is None
    assert C.compare_arrays(np.float32([1.0, 1.1925e-4]), np.array([1.0, 0.0])) is not None


def test_as_array_takes_numbers_and_refuses_a_pair_of_arrays_or_text():
    a = np.arange(3.0)
    arr = C.as_array([1, 2])
    assert arr.dtype == np.float64 and arr.tolist() == [1.0, 2.0]
    assert C.as_array((1.0, 2.0)).tolist() == [1.0, 2.0]
    assert C.as_array((a, a, a)).shape == (3, 3)
    with pytest.raises(C._Reject, match=r"^权重应是一个数组，你返回了一个含 2 个数组的元组（像 \(output, weights\)）：这里只要返回一个。$"):
        C.as_array((a, a), "权重")
    with pytest.raises(C._Reject, match="^结果应是数值数组，收到 str。$"):
        C.as_array("abc")


def test_fmt_numbers_arrays_and_containers():
    assert fmt(True) == "True" and fmt(np.bool_(False)) == "False"
    assert (fmt(0), fmt(9999), fmt(10_000), fmt(-12345)) == ("0", "9999", "10,000", "-12,345")
    assert fmt(2.5) == "2.5" and fmt(1 / 3) == "0.3333"
    assert fmt(np.array([1, 2])) == "[1, 2]" and fmt(np.array([True, False])) == "[ True, False]"
    assert fmt(np.array([0.5, 1 / 3])) == "[0.500, 0.333]"
    assert fmt(np.array([1e-9, 1.0])) == "[0.000, 1.000]"  # suppress: no 1e-09
    assert "..." not in fmt(np.arange(400)) and "..." in fmt(np.arange(401))
    assert "..." not in fmt(np.arange(400.0)) and "..." in fmt(np.arange(401.0))
    assert max(len(line) for line in fmt(np.arange(40.0)).split("\n")) > 75  # linewidth 100, not numpy's 75
    assert max(len(line) for line in fmt(np.full((2, 11), 100.0)).split("\n")) <= 100  # 101 without the wrap
    assert (fmt((1,)), fmt((np.int64(2), 3.5)), fmt([1, [2]])) == ("(1,)", "(2, 3.5)", "[1, [2]]")
    assert fmt("abc") == "'abc'" and fmt(None) == "None"


def test_shape_text():
    assert (C.shape_text((2,)), C.shape_text((2, 3)), C.shape_text(())) == ("(2,)", "(2, 3)", "()")
    assert C.shape_text(np.zeros((4, 1)).shape) == "(4, 1)"


def test_check_result_html_escapes_the_message_and_keeps_line_breaks():
    html_text = CheckResult(False, "a < b\n第二行")._repr_html_()
    assert "✗ a &lt; b<br>第二行" in html_text and "<b" not in html_text.replace("<br>", "")


def test_rng_is_numpys_default_generator_with_that_seed():
    assert C.rng(3).integers(0, 10**9, size=4).tolist() == np.random.default_rng(3).integers(0, 10**9, size=4).tolist()


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


# Every exercise whose answer receives arrays: the reference solution, made to write into one of them after it has
# computed its result, is rejected as "in place" (the check of the inputs is on by default, for every argument).
_ARRAY_EXERCISES = [("00_course_intro", "dot", "check_dot"), ("00_course_intro", "row_sums", "check_row_sums"),
                    ("01_core_idea", "similarity", "check_similarity"),
                    ("01_core_idea", "most_attended", "check_most_attended"),
                    ("02_qkv", "project", "check_projection"), ("02_qkv", "raw_scores", "check_raw_scores"),
                    ("03_scores_softmax", "my_softmax", "check_softmax"),
                    ("04_weighted_sum", "weighted_sum", "check_weighted_sum"),
                    ("04_weighted_sum", "my_attention", "check_attention"),
                    ("04_weighted_sum", "my_masked_attention", "check_masked_attention"),
                    ("05_multi_head", "my_split_heads", "check_split_heads"),
                    ("05_multi_head", "my_merge_heads", "check_merge_heads"),
                    ("05_multi_head", "my_multi_head", "check_multi_head"),
                    ("06_vs_rnn_cnn", "rnn_forward", "check_rnn"),
                    ("07_it_animal", "top_head", "check_top_head"),
                    ("07_it_animal", "previous_token_scores", "check_previous_token_head"),
                    ("08_attention_learns", "softmax_grad", "check_softmax_backward"),
                    ("08_attention_learns", "grad_W_Q", "check_grad_W_Q"),
                    ("09_summary_quiz", "self_attention_layer", "check_self_attention_layer"),
                    ("09_summary_quiz", "layer_norm", "check_layer_norm")]


@pytest.mark.parametrize(("notebook", "name", "check"), _ARRAY_EXERCISES)
def test_every_array_exercise_rejects_writing_into_its_inputs(notebook, name, check):
    from exercise_harness import load

    solution = getattr(load(notebook), name)
    ex.reset_hints()
    assert getattr(ex, check)(solution).passed
    params = list(inspect.signature(solution).parameters)

    def writes(*args):
        value = solution(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
        for a in args:  # the first array argument gets a changed entry
            if isinstance(a, np.ndarray) and a.size:
                a.flat[0] = a.flat[0] + 1 if a.dtype != bool else not a.flat[0]
                break
        return value

    writes.__signature__ = inspect.signature(solution)
    ex.reset_hints()
    result = getattr(ex, check)(writes)
    assert result.diagnosis == "in place", (check, result.message)
    assert any(f"你改动了传入的 {p}（" in result.message for p in params), result.message
    ex.reset_hints()


def test_the_in_place_check_reads_every_kind_of_array():
    from helpers.exercises._inputs import _snapshot

    def same(a, b):
        return _snapshot((a,)) == _snapshot((b,))

    assert same(np.array(["猫", "吃"]), np.array(["猫", "吃"])) and not same(np.array(["猫"]), np.array(["鱼"]))
    assert same(np.array([True, False]), np.array([True, False]))
    assert same(np.array([np.nan, 1.0]), np.array([np.nan, 1.0]))
    assert not same(np.arange(3), np.arange(3.0))  # the same numbers in another dtype: the caller's array changed
    assert not same(["猫", "吃"], ["猫", "鱼"]) and same(["猫", float("nan")], ["猫", float("nan")])
    assert not same({"w": np.zeros(2)}, {"w": np.zeros(2), "b": np.zeros(1)})


def test_changing_the_case_itself_from_up_the_stack_is_caught_too():
    import sys

    cases = [C.Case("x", (np.array([1.0, 2.0]),))]
    toy = C.Exercise("toy-sneaky", lambda: cases, lambda x: 2 * x, where="W", how="H")

    def sneaky(x):
        frame = sys._getframe(1)
        while frame is not None and "args" not in frame.f_locals:
            frame = frame.f_back
        frame.f_locals["args"][0][:] = 7.0  # writes into the case's own array, not the copy it was given
        return 2 * x

    ex.reset_hints()
    result = C.run_check(toy, sneaky)
    assert result.diagnosis == "in place" and "你改动了传入的 x（" in result.message, result.message
    ex.reset_hints()


def test_a_new_softmax_anywhere_in_helpers_is_forbidden_without_a_list(monkeypatch):
    import sys
    import types

    module = types.ModuleType("helpers.brand_new")
    exec("import numpy as np\n"  # noqa: S102 - a fixed test module
         "def stable_rows(x):\n"
         "    e = np.exp(x - x.max(axis=-1, keepdims=True))\n"
         "    return e / e.sum(axis=-1, keepdims=True)\n", module.__dict__)
    module.stable_rows.__module__ = "helpers.brand_new"
    monkeypatch.setitem(sys.modules, "helpers.brand_new", module)
    ex.reset_hints()
    result = ex.check_softmax(lambda x: module.stable_rows(np.asarray(x, dtype=float)))
    assert result.diagnosis == "forbidden" and "不能调用 helpers 里的 stable_rows（helpers.brand_new.stable_rows）" in result.message
    ex.reset_hints()
    assert ex.check_softmax(lambda x: (lambda e: e / e.sum(-1, keepdims=True))(np.exp(x - x.max(-1, keepdims=True)))).passed


def test_a_forbidden_helper_reached_through_another_is_named_by_the_one_the_reader_called():
    import types

    toy = C.Exercise("toy-forbidden", lambda: [C.Case("x", (np.eye(2),))], lambda x: 2 * x, where="W", how="H",
                     forbidden=("softmax",))

    def through_attention(x):  # softmax is forbidden; the reader called scaled_dot_product_attention, which calls it
        return A.scaled_dot_product_attention(x, x, x)[1]

    def copied_code(x):  # the guarded code run under other globals (no helpers frame): named by the guarded helper
        return types.FunctionType(A.softmax.__code__, {})(x)

    for fn, name in ((through_attention, "helpers.attention.scaled_dot_product_attention"),
                     (A.softmax, "helpers.attention.softmax"), (copied_code, "helpers.attention.softmax")):
        ex.reset_hints()
        result = C.run_check(toy, fn)
        assert result.diagnosis == "forbidden" and f"（This exercise must not call {name}.）" in result.message, \
            result.message
    ex.reset_hints()


def test_a_mistake_s_numbers_as_text_or_in_a_dict_are_not_diagnosed_as_that_mistake():
    for fn, kind in ((lambda x: str(x + 2), "str"), (lambda x: {"和": x + 2}, "dict")):  # x + 2, but not as numbers
        ex.reset_hints()
        result = C.run_check(_toy([PLUS_TWO]), fn)
        assert result.diagnosis == "" and result.message.startswith(
            f"第 1 个例子（x = [1, 2]）：结果应是数值数组，收到 {kind}。\n"), result.message
    ex.reset_hints()


def test_the_in_place_check_sees_every_bit_and_every_type_and_object_arrays():
    from helpers.exercises._inputs import _snapshot

    def same(a, b):
        return _snapshot((a,)) == _snapshot((b,))

    assert not same(np.array([1.0]), np.array([1.0 + 1e-12]))  # a change below print precision is a change
    assert not same(np.arange(2000.0), np.arange(2000.0) + (np.arange(2000) == 1000))  # also past repr's "…"
    assert not same([0, 1], [0.0, 1]) and not same([None], [0]) and same(["猫", None], ["猫", None])
    tokens = np.array(["猫", 1, None], dtype=object)
    cases = [C.Case("tokens", (tokens,))]
    toy = C.Exercise("toy-object", lambda: cases, lambda t: len(t), where="W", how="H",
                     compare=lambda got, want, case: None if got == want else "长度不对。")

    def overwrites(t):
        t[2] = "鱼"
        return len(t)

    ex.reset_hints()
    assert C.run_check(toy, lambda t: len(t)).passed
    result = C.run_check(toy, overwrites)
    assert result.diagnosis == "in place" and "你改动了传入的 t（" in result.message, result.message
    assert cases[0].args[0] is tokens and tokens[2] is None  # the case's own array never changed
    ex.reset_hints()


def test_order_text_shows_just_enough_digits_that_two_different_numbers_differ():
    from helpers.exercises._compare import order_text

    assert order_text(0.3, 0.1) == "0.3 > 0.1"  # different at 4 digits: no more digits (0.1 is 0.1000000000000000055…)
    assert order_text(0.123456, 0.1) == "0.1235 > 0.1" and order_text(0.5, 0.123456) == "0.5 > 0.1235"  # as fmt
    assert order_text(1.000014, 1.0) == "1.00001 > 1"  # 6 digits suffice
    assert order_text(1.0000001, 1.0) == "1.0000001 > 1"
    assert order_text(2.0 + 2.0**-51, 2.0) == "2.00000000000000044 > 2"  # the next float after 2: 18 digits
    assert order_text(1.0, 1.0, "≥") == "1 ≥ 1"

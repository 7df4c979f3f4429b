"""Exercises of notebook 03: the reference passes, other correct forms pass, plausible mistakes are named."""

import numpy as np
import pytest
from exercise_harness import assert_fails, assert_passes, load

from helpers import exercises as ex
from helpers.attention import softmax as softmax_helper

s = load("03_scores_softmax")


def softmax_by_rows(x):
    x = np.asarray(x, dtype=float)
    flat = x.reshape(-1, x.shape[-1])
    out = []
    for row in flat:
        e = np.exp(row - max(row))
        out.append(e / e.sum())
    return np.array(out).reshape(x.shape)


def softmax_logsumexp(x):
    m = x.max(axis=-1, keepdims=True)
    return np.exp(x - m - np.log(np.exp(x - m).sum(axis=-1, keepdims=True)))


@pytest.mark.parametrize("answer", [s.my_softmax, softmax_by_rows, softmax_logsumexp,
                                    lambda x: s.my_softmax(x).astype(np.float32)])
def test_softmax_correct_forms(answer):
    assert_passes(ex.check_softmax, answer)


def global_max(x):
    e = np.exp(x - x.max())
    return e / e.sum(axis=-1, keepdims=True)


def global_sum(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum()


def helper_by_default(x, _s=softmax_helper):
    return _s(x)


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda x: np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True), "减去的不是每一行的最大值"),
    (lambda x: np.exp(x - x.mean(-1, keepdims=True)) / np.exp(x - x.mean(-1, keepdims=True)).sum(-1, keepdims=True),
     "减去的不是每一行的最大值"),
    (lambda x: np.exp(x - x.min(-1, keepdims=True)) / np.exp(x - x.min(-1, keepdims=True)).sum(-1, keepdims=True),
     "减去的不是每一行的最大值"),
    (lambda x: np.exp(x - x.max(-1)) / np.exp(x - x.max(-1)).sum(-1), "没有 keepdims"),
    (lambda x: np.exp(x - x.max(-1, keepdims=True)) / np.exp(x - x.max(-1, keepdims=True)).sum(-1), "没有 keepdims"),
    (lambda x: helper_by_default(x), "不能调用 helpers 里的 softmax"),
    (global_max, "整个数组的最大值"),
    (global_sum, "整个数组的和"),
    (lambda x: x / x.sum(axis=-1, keepdims=True), "没有做 exp"),
])
def test_softmax_mistakes(answer, diagnosis):
    assert_fails(ex.check_softmax, answer, diagnosis)


def test_the_global_max_softmax_really_gives_nan_on_the_promised_2d_case():
    with np.errstate(all="ignore"):
        assert np.isnan(global_max(np.array([[1000.0, 999.0], [0.0, -1.0]]))[1]).all()


def test_softmax_may_not_call_the_helper():
    from helpers.attention import softmax

    assert_fails(ex.check_softmax, lambda x: softmax(x), "不能调用 helpers 里的 softmax")


def test_article_d_k():
    for answer in (s.article_d_k, 83, 82.6, np.float64(82.6)):  # a number; "82.6" (a string) is rejected, see below
        assert_passes(ex.check_article_d_k, answer)
    assert "还没写" in ex.check_article_d_k(None).message
    assert_fails(ex.check_article_d_k, 64, "0.724")
    assert_fails(ex.check_article_d_k, 9.09, "√d_k")
    assert_fails(ex.check_article_d_k, 200, "d_k 要更小")
    assert_fails(ex.check_article_d_k, 16, "d_k 还要更大")
    # close to 82.6 but outside the ±0.005 tolerance: told so and which way to go, never "it is √d_k"
    for answer, weight, way in ((77.5, "0.7057", "d_k 还要更大"), (78, "0.7051", "d_k 还要更大"),
                                (87.8, "0.6946", "d_k 要更小")):
        result = ex.check_article_d_k(answer)
        assert_fails(ex.check_article_d_k, answer, "很接近了")
        assert weight in result.message and way in result.message
        assert "是 √d_k" not in result.message and "把它平方" not in result.message


def test_dot_variance_accepts_the_expectation_and_a_measurement():
    for answer in (s.variance_answer, (64.0, 1.0), (65.2, 1.02), [60.1, 0.94]):
        assert_passes(ex.check_dot_variance, answer)
    assert "还没写" in ex.check_dot_variance(None).message
    assert_fails(ex.check_dot_variance, (8, 1), "标准差")
    result = assert_fails(ex.check_dot_variance, (64, 8), "你把方差也除以了 √d_k")
    assert "d_k，不是" not in result.message and "= d_k" not in result.message
    assert_fails(ex.check_dot_variance, (1, 1), "缩放前的方差")
    assert_fails(ex.check_dot_variance, (64, 64), "缩放后的方差")


def test_design_query():
    assert_passes(ex.check_design_query, s.q_fish)
    assert_passes(ex.check_design_query, (4.0, -1.0, 0.0))
    assert "还没写" in ex.check_design_query(None).message
    short = ex.check_design_query([1.0, 0.0, 0.0])
    assert not short.passed and "方向对了" in short.message and "太短" in short.message
    assert "让 q 指向 K" not in short.message  # it already points there
    assert_fails(ex.check_design_query, [0.0, 0.0, 5.0], "没有指向")
    assert_fails(ex.check_design_query, [100.0, 0.0, 0.0], "-10 到 10")
    assert_fails(ex.check_design_query, [1.0, 2.0], "3 个分量")


def test_softmax_that_subtracts_the_max_in_place_is_rejected():
    def sm(x):  # the student's code: stable, but the caller's scores lose their max
        x -= x.max(axis=-1, keepdims=True)
        e = np.exp(x)
        return e / e.sum(axis=-1, keepdims=True)

    result = assert_fails(ex.check_softmax, sm, "你改动了传入的 x（原地修改")
    assert result.diagnosis == "in place" and "要返回新数组，不要改动输入。" in result.message
    assert_passes(ex.check_softmax, lambda x: (lambda z: np.exp(z) / np.exp(z).sum(-1, keepdims=True))(
        x - x.max(axis=-1, keepdims=True)))


@pytest.mark.parametrize(("module", "name"), [("helpers.training", "_softmax"), ("helpers.attention", "_softmax_last"),
                                              ("helpers.attention", "softmax")])
def test_every_softmax_in_helpers_is_forbidden_and_named(module, name):
    import importlib

    helper = getattr(importlib.import_module(module), name)
    result = assert_fails(ex.check_softmax, lambda x: helper(np.asarray(x, dtype=float)),
                          f"不能调用 helpers 里的 {name}（{module}.{name}）。")
    assert result.diagnosis == "forbidden"


def test_a_helper_that_reaches_a_softmax_is_named_by_what_the_reader_called():
    from helpers.layers import attention_layer  # its softmax is inline: found because it calls exp

    def via_layer(x):
        return attention_layer(np.eye(2), {"W_Q": np.eye(2), "W_K": np.eye(2), "W_V": np.eye(2)})

    assert_fails(ex.check_softmax, via_layer, "不能调用 helpers 里的 attention_layer（helpers.layers.attention_layer）")


@pytest.mark.parametrize("answer", ["83", b"83", True])
def test_article_d_k_takes_a_number_not_a_string(answer):
    result = assert_fails(ex.check_article_d_k, answer, "d_k 应是一个数（不加引号，例如 100）")
    assert result.diagnosis == "format"


def test_article_d_k_accepts_every_kind_of_number():
    for answer in (83, 83.0, np.int64(83), np.float32(83)):
        assert_passes(ex.check_article_d_k, answer)
    assert_fails(ex.check_dot_variance, ("64", "1"), "请给两个数")
    assert_passes(ex.check_dot_variance, (np.int64(64), 1.0))


@pytest.mark.parametrize(("answer", "named"), [
    (lambda x: np.exp(x - x.max()) / np.exp(x - x.max()).sum(), "你减去的是整个数组的最大值，除以的也是整个数组的和"),
    (lambda x: (lambda e: e / e.sum(axis=0, keepdims=True))(np.exp(x - x.max(axis=-1, keepdims=True))),
     "你除以的是每一列的和（sum 沿 axis=0）"),
])
def test_softmax_sums_over_the_wrong_range_are_named(answer, named):
    assert_fails(ex.check_softmax, answer, named)

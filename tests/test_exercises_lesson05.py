"""Exercises of notebook 05: the reference passes, other correct forms pass, plausible mistakes are named."""

import numpy as np
import pytest
from exercise_harness import assert_fails, assert_passes, load

from helpers import exercises as ex
from helpers.attention import merge_heads, scaled_dot_product_attention, split_heads

s = load("05_multi_head")


@pytest.mark.parametrize("answer", [s.my_split_heads, lambda x, h: split_heads(x, h),
                                    lambda x, h: np.stack(np.split(x, h, axis=1)),
                                    lambda x, h: np.swapaxes(x.reshape(len(x), h, -1), 0, 1)])
def test_split_heads_correct_forms(answer):
    assert_passes(ex.check_split_heads, answer)


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda x, h: x.reshape(h, x.shape[0], x.shape[1] // h), "直接 reshape 成了 (h, n, d/h)"),
    (lambda x, h: x.reshape(x.shape[0], h, x.shape[1] // h), "还差把 h 换到最前面"),
    (lambda x, h: x.reshape(x.shape[0], x.shape[1] // h, h).transpose(2, 0, 1), "交错"),
])
def test_split_heads_mistakes(answer, diagnosis):
    assert_fails(ex.check_split_heads, answer, diagnosis)


@pytest.mark.parametrize("answer", [s.my_merge_heads, lambda x: merge_heads(x),
                                    lambda x: np.concatenate(list(x), axis=-1), lambda x: np.hstack(x)])
def test_merge_heads_correct_forms(answer):
    assert_passes(ex.check_merge_heads, answer)


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda x: x.reshape(x.shape[1], -1), "没有先转置就 reshape"),
    (lambda x: np.concatenate(list(x), axis=0), "沿错了轴"),
    (lambda x: x.sum(axis=0), "加起来了"),
])
def test_merge_heads_mistakes(answer, diagnosis):
    assert_fails(ex.check_merge_heads, answer, diagnosis)


def multi_head_loop(X, W_Q, W_K, W_V, W_O, h):
    dk, dv = W_Q.shape[1] // h, W_V.shape[1] // h
    outs, ws = [], []
    for i in range(h):
        o, w = scaled_dot_product_attention(X @ W_Q[:, i * dk:(i + 1) * dk], X @ W_K[:, i * dk:(i + 1) * dk],
                                            X @ W_V[:, i * dv:(i + 1) * dv])
        outs.append(o)
        ws.append(w)
    return np.concatenate(outs, axis=-1) @ W_O, np.stack(ws)


@pytest.mark.parametrize("answer", [s.my_multi_head, multi_head_loop])
def test_multi_head_correct_forms(answer):
    assert_passes(ex.check_multi_head, answer)


def _mh(X, W_Q, W_K, W_V, W_O, h, width=None, merge=s.my_merge_heads, use_wo=True, mean=False):
    Q, K, V = (s.my_split_heads(X @ W, h) for W in (W_Q, W_K, W_V))
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(width or Q.shape[-1])
    e = np.exp(S - S.max(-1, keepdims=True))
    w = e / e.sum(-1, keepdims=True)
    out = merge(w @ V)
    return (out @ W_O if use_wo else out), (w.mean(0) if mean else w)


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda *a: _mh(*a, width=a[1].shape[1]), "√(h·d_k)"),
    (lambda *a: _mh(*a, merge=lambda x: x.reshape(x.shape[1], -1)), "merge without transpose"),
    (lambda *a: _mh(*a, use_wo=False), "没有乘 W_O"),
    (lambda *a: _mh(*a, mean=True), "个头的权重平均成了一个"),
])
def test_multi_head_mistakes(answer, diagnosis):
    assert_fails(ex.check_multi_head, answer, diagnosis)


def test_multi_head_may_not_call_the_finished_helper():
    from helpers.multihead import multi_head_attention

    assert_fails(ex.check_multi_head, lambda *a: multi_head_attention(*a), "不能调用 helpers 里的 multi_head_attention")


def test_head_parameters_case_matches_the_lessons_hand_built_heads():
    """The lesson's two hand-built heads: W_Q, W_K, W_V (9, 6) and W_O (6, 3) — 180 numbers."""
    assert s.head_parameters(9, 2, 3, 3, 3) == 9 * 6 * 3 + 6 * 3 == 180


@pytest.mark.parametrize("answer", [s.head_parameters, lambda d, h, dk, dv, do: h * (2 * d * dk + d * dv + dv * do),
                                    lambda d, h, dk, dv, do: float(2 * d * h * dk + d * h * dv + h * dv * do),
                                    lambda d, h, dk, dv, do: np.int64(2 * d * h * dk + d * h * dv + h * dv * do)])
def test_head_parameters_correct_forms(answer):
    assert_passes(ex.check_head_parameters, answer)


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda d, h, dk, dv, do: 2 * d * h * dk + d * h * dv, "少了 W_O"),
    (lambda d, h, dk, dv, do: 2 * d * dk + d * dv + dv * do, "忘了乘 h"),
    (lambda d, h, dk, dv, do: 2 * d * h * dk + d * h * dv + h * dv * d, "你用了 d"),
    (lambda d, h, dk, dv, do: 3 * d * h * dk + h * dv * do, "W_V 的宽度用了 d_k"),
])
def test_head_parameters_mistakes(answer, diagnosis):
    result = assert_fails(ex.check_head_parameters, answer, diagnosis)
    assert "np.int64" not in result.message


def _heads_weights(X, W_Q, W_K, W_V, W_O, h):
    out, w = s.my_multi_head(X, W_Q, W_K, W_V, W_O, h)
    return out, w


def test_one_head_without_splitting_is_named_and_averaging_too():
    def no_split(X, W_Q, W_K, W_V, W_O, h):  # the student's code: one attention over the whole width
        from helpers.attention import scaled_dot_product_attention
        o, w = scaled_dot_product_attention(X @ W_Q, X @ W_K, X @ W_V)
        return o @ W_O, w

    def averaged(X, W_Q, W_K, W_V, W_O, h):
        out, w = s.my_multi_head(X, W_Q, W_K, W_V, W_O, h)
        return out, w.mean(axis=0)

    result = assert_fails(ex.check_multi_head, no_split, "你没有把 Q、K、V 切成 2 个头：整块只做了一次注意力")
    assert "平均" not in result.message
    assert_fails(ex.check_multi_head, averaged, "你把 2 个头的权重平均成了一个 (3, 3)")


@pytest.mark.parametrize(("answer", "named"), [
    (lambda d, h, dk, dv, do: 4 * d * h * dk, "四个矩阵你都按 W_Q 的大小算了"),
    (lambda d, h, dk, dv, do: 2 * d * h * dk + d * h * dv + h * dv * do + 3 * h * dk + do, "你把偏置（bias）也算进去了"),
    (lambda d, h, dk, dv, do: 2 * d * h * dk + d * h * dv + dv * do, "W_O 的行数少乘了 h"),
    (lambda d, h, dk, dv, do: 2 * d * h * dk + d * h * dv + h * dv * d, "W_O 的大小算错了"),
])
def test_head_parameters_mistakes_are_named_without_shapes_or_totals(answer, named):
    result = assert_fails(ex.check_head_parameters, answer, named)
    assert "(h·d_v, d_o)" not in result.message and "180" not in result.message and "应是" not in result.message


def test_head_parameters_unnamed_miss_says_too_big_or_small_not_the_total():
    result = assert_fails(ex.check_head_parameters, lambda d, h, dk, dv, do: 7, "你的是 7，比正确的小。")
    assert "180" not in result.message
    assert_fails(ex.check_head_parameters, lambda d, h, dk, dv, do: "180", "应返回一个整数，收到 str（'180'）")
    assert_passes(ex.check_head_parameters, lambda d, h, dk, dv, do: float(s.head_parameters(d, h, dk, dv, do)))

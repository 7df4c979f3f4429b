"""Exercises of notebook 04: the reference passes, other correct forms pass, plausible mistakes are named."""

import numpy as np
import pytest
from exercise_harness import assert_fails, assert_passes, load

from helpers import exercises as ex

s = load("04_weighted_sum")


@pytest.mark.parametrize("answer", [s.weighted_sum, lambda w, V: (w[:, None] * V).sum(axis=0),
                                    lambda w, V: sum(wj * vj for wj, vj in zip(w, V)), lambda w, V: V.T @ w])
def test_weighted_sum_correct_forms(answer):
    assert_passes(ex.check_weighted_sum, answer)


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda w, V: w[:, None] * V, "还没有加起来"),
    (lambda w, V: (w[:, None] * V).sum(axis=1), "加错了方向"),
    (lambda w, V: (w[:, None] * V).mean(axis=0), "平均"),
    (lambda w, V: V.sum(axis=0), "没有用权重"),
    (lambda w, V: w @ V.T, "你把 V 转置了"),
    (lambda w, V: (w * V).sum(axis=0), "先把权重变成 (n_k, 1)"),
])
def test_weighted_sum_mistakes(answer, diagnosis):
    assert_fails(ex.check_weighted_sum, answer, diagnosis)


def _softmax(s, axis=-1):
    e = np.exp(s - s.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def attention_loop(Q, K, V):
    w = np.array([_softmax(np.array([q @ k for k in K]) / np.sqrt(len(q))) for q in Q])
    return w @ V, w


@pytest.mark.parametrize("answer", [s.my_attention, attention_loop,
                                    lambda Q, K, V: [_softmax(Q @ K.T / Q.shape[1] ** 0.5) @ V,
                                                     _softmax(Q @ K.T / Q.shape[1] ** 0.5)],
                                    lambda Q, K, V: tuple(a.astype(np.float32) for a in s.my_attention(Q, K, V))])
def test_attention_correct_forms(answer):
    assert_passes(ex.check_attention, answer)


def _att(Q, K, V, scale=None, axis=-1, naive=False, transpose=False):
    S = (K @ Q.T if transpose else Q @ K.T) * (Q.shape[-1] ** -0.5 if scale is None else scale)
    w = np.exp(S) / np.exp(S).sum(axis, keepdims=True) if naive else _softmax(S, axis)
    return w @ V, w


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda Q, K, V: _att(Q, K, V, scale=1.0), "少除了 √d_k"),
    (lambda Q, K, V: _att(Q, K, V, scale=1 / Q.shape[-1]), "除以的是 d_k"),
    (lambda Q, K, V: _att(Q, K, V, axis=0), "softmax 沿错了轴"),
    (lambda Q, K, V: _att(Q, K, V, transpose=True), "权重是转置的"),
    (lambda Q, K, V: _att(Q, K, V, naive=True), "没有先减去每一行的最大值"),
    (lambda Q, K, V: _att(Q, K, V)[::-1], "顺序反了"),
    (lambda Q, K, V: _att(Q, K, V)[0], "应返回 (output, weights)"),
])
def test_attention_mistakes(answer, diagnosis):
    assert_fails(ex.check_attention, answer, diagnosis)


def test_attention_may_not_call_the_helpers():
    import helpers.attention as A

    assert_fails(ex.check_attention, lambda Q, K, V: A.scaled_dot_product_attention(Q, K, V),
                 "不能调用 helpers 里的 scaled_dot_product_attention")


def masked_minus_1e9(Q, K, V, mask):
    S = np.where(mask, Q @ K.T / np.sqrt(Q.shape[-1]), -1e9)
    w = _softmax(S)
    return w @ V, w


def masked_inf_then_nan_to_zero(Q, K, V, mask):
    S = np.where(mask, Q @ K.T / np.sqrt(Q.shape[-1]), -np.inf)
    with np.errstate(invalid="ignore"):
        w = np.nan_to_num(_softmax(S))
    return w @ V, w


def masked_after_softmax_renormalised(Q, K, V, mask):
    w = _softmax(Q @ K.T / np.sqrt(Q.shape[-1])) * mask
    total = w.sum(-1, keepdims=True)
    w = np.divide(w, total, out=np.zeros_like(w), where=total > 0)
    return w @ V, w


@pytest.mark.parametrize("answer", [s.my_masked_attention, masked_minus_1e9, masked_inf_then_nan_to_zero])
def test_masked_attention_correct_forms(answer):
    assert_passes(ex.check_masked_attention, answer)


def masked_plain_inf(Q, K, V, mask):
    S = np.where(mask, Q @ K.T / np.sqrt(Q.shape[-1]), -np.inf)
    w = _softmax(S)
    return w @ V, w


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda Q, K, V, m: (lambda w: (w @ V, w))(_softmax(Q @ K.T / np.sqrt(Q.shape[-1])) * m), "掩码放在了 softmax 之后"),
    (lambda Q, K, V, m: (lambda w: (w @ V, w))(_softmax(np.where(m, Q @ K.T / np.sqrt(Q.shape[-1]), 0.0))), "填的数不够小"),
    (lambda Q, K, V, m: (lambda w: (w @ V, w))(_softmax(np.where(m, Q @ K.T / np.sqrt(Q.shape[-1]), -30.0))), "填的数不够小"),
    (lambda Q, K, V, m: (lambda w: (w @ V, w))(_softmax(np.where(m, Q @ K.T / np.sqrt(Q.shape[-1]), -100.0))),
     "填的数不够小"),
    (lambda Q, K, V, m: s.my_masked_attention(Q, K, V, ~m), "掩码用反了"),
    (lambda Q, K, V, m: s.my_attention(Q, K, V), "没有用 mask"),
    (masked_plain_inf, "全被掩码的一行得到了 NaN"),
    (masked_after_softmax_renormalised, "每一行加起来应是 1"),  # fine in exact maths, but ±1000 scores underflow
])
def test_masked_attention_mistakes(answer, diagnosis):
    assert_fails(ex.check_masked_attention, answer, diagnosis)


def test_fully_masked_row_is_not_called_overflow():
    result = ex.check_masked_attention(masked_plain_inf)
    assert "溢出" not in result.message and "NaN" in result.message


def test_masked_prediction():
    assert_passes(lambda a: ex.check_masked_prediction(*a), (s.cat_row, s.fish_unchanged))
    assert_passes(lambda a: ex.check_masked_prediction(*a), (np.array([1, 0, 0]), np.bool_(True)))
    assert "还没写" in ex.check_masked_prediction(None, None).message
    from helpers.attention import scaled_dot_product_attention
    from helpers.toy import toy_qkv

    toy = toy_qkv("猫吃鱼")
    unmasked = scaled_dot_product_attention(toy.Q, toy.K, toy.V)[1][0]
    check = lambda a: ex.check_masked_prediction(*a)
    check.__name__ = "check_masked_prediction"
    assert_fails(check, (unmasked, True), "不加掩码时")
    assert_fails(check, ([1.0, 0.5, 0.0], True), "加起来是 1.5")
    assert_fails(check, ([1.0, 0.0, 0.0], False), "最后一个词")
    for odd in ("False", "否", 1, None.__class__):
        assert_fails(check, ([1.0, 0.0, 0.0], odd), "应是 True 或 False")
    assert_fails(check, ([1.009, -0.005, 0.0], True), "加起来是 1.004")
    assert_fails(check, ([0.995, 0.005, 0.0], True), "权重行 [0.995, 0.005, 0.000] 不对")
    assert_fails(check, ([1.0, 0.0], True), "应是 3 个数")
    assert_fails(check, ("1, 0, 0", True), "应是 3 个数")


def _ws_in_place(w, V):
    V *= w[:, None]
    return V.sum(axis=0)


def _att_in_place(Q, K, V):
    Q /= np.sqrt(Q.shape[-1])
    S = Q @ K.T
    S -= S.max(-1, keepdims=True)
    np.exp(S, out=S)  # on its own new S: allowed
    S /= S.sum(-1, keepdims=True)
    return S @ V, S


def _masked_in_place(Q, K, V, mask):
    Q /= np.sqrt(Q.shape[-1])
    S = np.where(mask, Q @ K.T, -np.inf)
    top = S.max(-1, keepdims=True)
    e = np.exp(S - np.where(np.isfinite(top), top, 0))
    total = e.sum(-1, keepdims=True)
    W = np.divide(e, total, out=np.zeros_like(e), where=total > 0)
    return W @ V, W


@pytest.mark.parametrize(("check", "answer", "name"), [(ex.check_weighted_sum, _ws_in_place, "V"),
                                                       (ex.check_attention, _att_in_place, "Q"),
                                                       (ex.check_masked_attention, _masked_in_place, "Q")])
def test_writing_into_an_input_is_rejected(check, answer, name):
    result = assert_fails(check, answer, f"你改动了传入的 {name}（原地修改，像 -=、*=、x[0] = 0）：调用者手里的数组也跟着变了。")
    assert result.diagnosis == "in place"


def test_the_same_steps_on_new_arrays_pass():
    def att(Q, K, V):
        Q = Q / np.sqrt(Q.shape[-1])  # a new Q: the caller's stays
        S = Q @ K.T
        S -= S.max(-1, keepdims=True)
        np.exp(S, out=S)
        S /= S.sum(-1, keepdims=True)
        return S @ V, S

    assert_passes(ex.check_attention, att)
    assert_passes(ex.check_weighted_sum, lambda w, V: (V * w[:, None]).sum(axis=0))


def test_private_helpers_for_scores_and_softmax_are_forbidden_too():
    from helpers.attention import _softmax_last, attention_scores

    def att(Q, K, V):  # the student's bypass
        W = _softmax_last(attention_scores(Q, K))
        return W @ V, W

    def masked(Q, K, V, mask):
        S = Q @ K.T / np.sqrt(Q.shape[-1])
        W = np.nan_to_num(_softmax_last(np.where(mask, S, -np.inf)))
        return W @ V, W

    def multihead(Q, K, V):  # a helper that is not itself on any list, but reaches a softmax
        from helpers.multihead import heads_one_by_one
        eye = np.eye(Q.shape[-1])
        return heads_one_by_one(Q, eye, eye, eye, eye, 1)

    result = assert_fails(ex.check_attention, att, "不能调用 helpers 里的 attention_scores（helpers.attention.attention_scores）")
    assert result.diagnosis == "forbidden"
    assert_fails(ex.check_masked_attention, masked, "不能调用 helpers 里的 _softmax_last（helpers.attention._softmax_last）")
    assert_fails(ex.check_attention, multihead, "不能调用 helpers 里的 heads_one_by_one（helpers.multihead.heads_one_by_one）")


def test_mask_after_softmax_then_renormalised_is_named_not_overflow():
    def after_renorm(Q, K, V, mask):  # the student's code: stable softmax, then the mask, then renormalised
        S = Q @ K.T / np.sqrt(Q.shape[-1])
        e = np.exp(S - S.max(-1, keepdims=True))
        W = e / e.sum(-1, keepdims=True) * mask
        W = W / W.sum(-1, keepdims=True)
        return W @ V, W

    result = assert_fails(ex.check_masked_attention, after_renorm, "掩码放在了 softmax 之后（再重新归一化）")
    assert "exp 会溢出" not in result.message and "分数上千" in result.message


def test_masked_prediction_wants_the_exact_row_of_three_numbers():
    def check(a):
        return ex.check_masked_prediction(*a)

    check.__name__ = "check_masked_prediction"
    assert_fails(check, ([[1.0, 0.0, 0.0]], True), "cat_row 应是 3 个数")
    assert_fails(check, ([0.999, 0.001, 0.0], True), "“猫”的权重行")
    assert_passes(check, ([1, 0, 0], True))
    assert_passes(check, (np.array([1.0, 0.0, 0.0]), np.True_))


def test_sqrt_d_v_and_a_global_max_are_named():
    def by_d_v(Q, K, V):
        S = Q @ K.T / np.sqrt(V.shape[-1])
        e = np.exp(S - S.max(-1, keepdims=True))
        W = e / e.sum(-1, keepdims=True)
        return W @ V, W

    def global_max(Q, K, V):
        S = Q @ K.T / np.sqrt(Q.shape[-1])
        e = np.exp(S - S.max())
        W = e / e.sum(-1, keepdims=True)
        return W @ V, W

    assert_fails(ex.check_attention, by_d_v, "你除以的是 √d_v（V 的宽度），不是 √d_k")
    result = assert_fails(ex.check_attention, global_max, "你减去的是整个分数矩阵的最大值，不是每一行的")
    assert "先减去每一行的最大值" not in result.message

"""helpers.attention: properties, a naive reference, bad input, purity."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from helpers.attention import (
    attention_scores,
    causal_mask,
    merge_heads,
    padding_mask,
    scaled_dot_product_attention,
    softmax,
    split_heads,
)

finite = st.floats(-10, 10, allow_nan=False, allow_infinity=False, width=64)


@st.composite
def qkv(draw, lead=()):
    n_q = draw(st.integers(1, 6))
    n_k = draw(st.integers(1, 6))
    d_k = draw(st.integers(1, 5))
    d_v = draw(st.integers(1, 5))
    Q = draw(arrays(np.float64, lead + (n_q, d_k), elements=finite))
    K = draw(arrays(np.float64, lead + (n_k, d_k), elements=finite))
    V = draw(arrays(np.float64, lead + (n_k, d_v), elements=finite))
    return Q, K, V


def naive_attention(Q, K, V, mask=None, scale=None):
    """Double loop over queries and keys, straight from the formula."""
    n_q, d_k = Q.shape
    n_k = K.shape[0]
    scale = 1 / np.sqrt(d_k) if scale is None else scale
    W = np.zeros((n_q, n_k))
    for i in range(n_q):
        s = [sum(Q[i, t] * K[j, t] for t in range(d_k)) * scale for j in range(n_k)]
        allowed = [mask is None or bool(mask[i, j]) for j in range(n_k)]
        m = max(s[j] for j in range(n_k) if allowed[j])
        e = [np.exp(s[j] - m) if allowed[j] else 0.0 for j in range(n_k)]
        for j in range(n_k):
            W[i, j] = e[j] / sum(e)
    out = np.zeros((n_q, V.shape[1]))
    for i in range(n_q):
        for j in range(n_k):
            out[i] += W[i, j] * V[j]
    return out, W


# ---------------------------------------------------------------- properties


@given(qkv())
def test_rows_sum_to_one(args):
    _, w = scaled_dot_product_attention(*args)
    np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-12)
    assert np.all(w >= 0)


@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 7)), elements=finite), finite)
def test_softmax_shift_invariance(x, c):
    np.testing.assert_allclose(softmax(x + c), softmax(x), atol=1e-12)


@given(qkv(), st.data())
def test_permuting_keys_and_values_leaves_output_unchanged(args, data):
    Q, K, V = args
    perm = data.draw(st.permutations(range(K.shape[0])))
    out, w = scaled_dot_product_attention(Q, K, V)
    out_p, w_p = scaled_dot_product_attention(Q, K[perm], V[perm])
    np.testing.assert_allclose(out_p, out, atol=1e-10)
    np.testing.assert_allclose(w_p, w[:, perm], atol=1e-12)


@given(qkv(), st.data())
def test_masked_weights_are_exactly_zero(args, data):
    Q, K, V = args
    n_q, n_k = Q.shape[0], K.shape[0]
    mask = data.draw(arrays(bool, (n_q, n_k)))
    mask[np.arange(n_q), data.draw(arrays(np.int64, n_q, elements=st.integers(0, n_k - 1)))] = True
    _, w = scaled_dot_product_attention(Q, K, V, mask=mask)
    assert np.all(w[~mask] == 0.0)
    np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-12)


@settings(max_examples=60)
@given(qkv(), st.data())
def test_agrees_with_naive_double_loop(args, data):
    Q, K, V = args
    mask = None
    if data.draw(st.booleans()):
        mask = data.draw(arrays(bool, (Q.shape[0], K.shape[0])))
        mask[:, 0] = True
    scale = data.draw(st.one_of(st.none(), st.floats(0.1, 3)))
    out, w = scaled_dot_product_attention(Q, K, V, mask=mask, scale=scale)
    out_ref, w_ref = naive_attention(Q, K, V, mask=mask, scale=scale)
    np.testing.assert_allclose(w, w_ref, atol=1e-12, rtol=0)
    np.testing.assert_allclose(out, out_ref, atol=1e-12 * (1 + np.abs(V).max()), rtol=0)


@given(qkv(lead=(2, 3)))
def test_leading_dims_broadcast_like_a_loop(args):
    Q, K, V = args
    out, w = scaled_dot_product_attention(Q, K, V)
    for b in range(2):
        for h in range(3):
            o, ww = scaled_dot_product_attention(Q[b, h], K[b, h], V[b, h])
            np.testing.assert_allclose(out[b, h], o, atol=1e-12)
            np.testing.assert_allclose(w[b, h], ww, atol=1e-12)
    # K and V shared across the batch broadcast against Q with leading dims.
    out2, _ = scaled_dot_product_attention(Q, K[0, 0], V[0, 0])
    np.testing.assert_allclose(out2[1, 2], scaled_dot_product_attention(Q[1, 2], K[0, 0], V[0, 0])[0], atol=1e-12)


@given(qkv())
def test_inputs_are_never_modified(args):
    Q, K, V = args
    mask = np.ones((Q.shape[0], K.shape[0]), bool)
    copies = [a.copy() for a in (Q, K, V, mask)]
    scaled_dot_product_attention(Q, K, V, mask=mask)
    attention_scores(Q, K)
    softmax(Q)
    split_heads(Q, 1)
    for a, c in zip((Q, K, V, mask), copies):
        np.testing.assert_array_equal(a, c)


def test_default_scale_is_one_over_sqrt_dk():
    rng = np.random.default_rng(0)
    Q, K, V = rng.normal(size=(3, 16)), rng.normal(size=(4, 16)), rng.normal(size=(4, 2))
    _, w = scaled_dot_product_attention(Q, K, V)
    _, w4 = scaled_dot_product_attention(Q, K, V, scale=0.25)
    np.testing.assert_allclose(w, w4, atol=1e-15)
    _, w1 = scaled_dot_product_attention(Q, K, V, scale=1.0)
    assert not np.allclose(w, w1)


def test_softmax_stays_finite_for_huge_scores():
    x = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]])
    y = softmax(x)
    assert np.all(np.isfinite(y))
    np.testing.assert_allclose(y, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]], atol=1e-15)


def test_attention_stays_finite_for_huge_scores():
    """Rows with scores near +7000 and near -7000: exp would overflow or underflow without the shift."""
    Q = np.array([[100.0, 0.0], [-100.0, 0.0]])
    K = np.array([[100.0, 0.0], [99.0, 0.0], [0.0, 1.0]])
    V = np.array([[1.0], [2.0], [3.0]])
    out, w = scaled_dot_product_attention(Q, K, V, scale=1.0)
    assert np.all(np.isfinite(w)) and np.all(np.isfinite(out))
    # row 0: scores 10000, 9900, 0 -> e^-100 left for key 1; row 1: -10000, -9900, 0 -> all on key 2
    np.testing.assert_allclose(w, [[1.0, np.exp(-100.0), 0.0], [0.0, 0.0, 1.0]], rtol=1e-12, atol=0)
    assert w.shape == (2, 3)
    np.testing.assert_allclose(out, [[1.0], [3.0]], rtol=1e-12, atol=0)
    assert out.shape == (2, 1)
    # a gap of 1 at a height of 1e4: the same weights as at height 0
    _, w_high = scaled_dot_product_attention([[1.0]], [[1e4], [1e4 - 1]], [[0.0], [1.0]], scale=1.0)
    np.testing.assert_allclose(w_high, softmax([[1.0, 0.0]]), rtol=1e-12)


def test_attention_scores_is_q_times_k_transposed_times_scale():
    Q = [[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]]  # (3, 2), a list: converted like an array
    K = [[1.0, 0.0], [3.0, 4.0]]  # (2, 2)
    s = attention_scores(Q, K)
    assert s.shape == (3, 2)
    np.testing.assert_allclose(s, np.array([[1.0, 3.0], [0.0, 8.0], [1.0, 7.0]]) / np.sqrt(2), rtol=1e-15)
    np.testing.assert_allclose(attention_scores(Q, K, scale=0.5), [[0.5, 1.5], [0.0, 4.0], [0.5, 3.5]])
    rng = np.random.default_rng(4)
    Qb, Kb = rng.normal(size=(2, 3, 4, 5)), rng.normal(size=(2, 3, 6, 5))
    sb = attention_scores(Qb, Kb)
    assert sb.shape == (2, 3, 4, 6)
    np.testing.assert_allclose(sb[1, 2], Qb[1, 2] @ Kb[1, 2].T / np.sqrt(5), rtol=1e-12)
    _, w = scaled_dot_product_attention(Qb, Kb, rng.normal(size=(2, 3, 6, 1)))
    np.testing.assert_allclose(w, softmax(sb), rtol=1e-12)


def test_softmax_temperature_and_axis():
    x = np.array([[1.0, 2.0], [3.0, 5.0]])
    np.testing.assert_allclose(softmax(x, temperature=2.0), softmax(x / 2.0))
    np.testing.assert_allclose(softmax(x, axis=0).sum(0), 1.0)
    # the article's numbers: 8.2 and 0.5
    p = softmax([8.2, 0.5])
    assert p[0] == pytest.approx(0.99955, abs=1e-5)
    p8 = softmax(np.array([8.2, 0.5]) / 8)
    assert p8[0] == pytest.approx(0.7236, abs=1e-4)  # about 0.72 / 0.28


def test_mask_may_be_a_list_and_may_leave_a_key_unused():
    """A column that is all False is fine (nobody looks at that key); only an empty row is an error."""
    Q = K = np.array([[1.0, 0.0], [0.0, 1.0]])
    V = np.array([[1.0], [5.0]])
    out, w = scaled_dot_product_attention(Q, K, V, mask=[[True, False], [True, False]])
    np.testing.assert_array_equal(w, [[1.0, 0.0], [1.0, 0.0]])
    np.testing.assert_array_equal(out, [[1.0], [1.0]])
    assert w.shape == (2, 2) and out.shape == (2, 1)


def test_causal_mask_of_one_and_bad_n():
    np.testing.assert_array_equal(causal_mask(1), np.array([[True]]), strict=True)
    for bad in (0, -2, 2.0, True, "3"):
        with pytest.raises(ValueError, match="n 应是正整数"):
            causal_mask(bad)


def test_padding_mask_edges_and_bad_lengths():
    p = padding_mask(np.array([1, 3]), 3)  # length 1 and length n are both allowed
    np.testing.assert_array_equal(p, [[[True, False, False]], [[True, True, True]]], strict=False)
    assert p.shape == (2, 1, 3) and p.dtype == bool
    with pytest.raises(ValueError, match="lengths 应是一维整数数组"):
        padding_mask([2.0, 3.0], 3)
    with pytest.raises(ValueError, match="lengths 应是一维整数数组"):
        padding_mask([[2, 3]], 3)
    for bad in ([0, 3], [4], [2, 5]):
        with pytest.raises(ValueError, match="lengths 中每个长度都应在 1 到 n=3 之间"):
            padding_mask(bad, 3)


def test_causal_and_padding_masks():
    m = causal_mask(4)
    assert m.dtype == bool and m.shape == (4, 4)
    assert m[3].all() and not m[0, 1:].any() and m.diagonal().all()
    rng = np.random.default_rng(1)
    X = rng.normal(size=(4, 3))
    _, w = scaled_dot_product_attention(X, X, X, mask=m)
    assert np.all(np.triu(w, 1) == 0)
    assert w[0, 0] == 1.0
    p = padding_mask([2, 4], 4)
    assert p.shape == (2, 1, 4)
    np.testing.assert_array_equal(p[0, 0], [True, True, False, False])
    Xb = rng.normal(size=(2, 4, 3))
    _, wb = scaled_dot_product_attention(Xb, Xb, Xb, mask=p)
    assert np.all(wb[0, :, 2:] == 0)


def test_split_merge_heads_roundtrip_and_layout():
    x = np.arange(2 * 5 * 12, dtype=float).reshape(2, 5, 12)
    s = split_heads(x, 3)
    assert s.shape == (2, 3, 5, 4)
    np.testing.assert_array_equal(s[1, 2, 4], x[1, 4, 8:12])  # head 2 = columns 8..11
    np.testing.assert_array_equal(merge_heads(s), x, strict=True)
    # one sentence (n, d) -> (h, n, d_h) -> back; lists are accepted like arrays
    x2 = [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]]
    s2 = split_heads(x2, 2)
    np.testing.assert_array_equal(s2, [[[0.0, 1.0], [4.0, 5.0]], [[2.0, 3.0], [6.0, 7.0]]], strict=False)
    assert s2.shape == (2, 2, 2)
    np.testing.assert_array_equal(merge_heads(s2.tolist()), np.array(x2), strict=True)


def test_split_heads_returns_a_copy():
    """Writing into the heads must not write into the caller's x."""
    x = np.arange(8.0).reshape(2, 4)
    s = split_heads(x, 2)
    s[...] = -1.0
    np.testing.assert_array_equal(x, np.arange(8.0).reshape(2, 4))


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(Q=np.ones(3), K=np.ones((2, 3)), V=np.ones((2, 1))), ["Q", "(..., n_q, d_k)", "(3,)"]),
        (dict(Q=np.ones((2, 3)), K=np.ones((2, 4)), V=np.ones((2, 1))), ["d_k", "(2, 3)", "(2, 4)"]),
        (dict(Q=np.ones((2, 3)), K=np.ones((2, 3)), V=np.ones((5, 1))), ["n_k", "(2, 3)", "(5, 1)"]),
        (dict(Q=np.array([[np.nan, 1.0]]), K=np.ones((2, 2)), V=np.ones((2, 1))), ["Q", "NaN", "(0, 0)"]),
        (dict(Q=np.ones((1, 2)), K=np.array([[np.inf, 1.0]]), V=np.ones((1, 1))), ["K", "inf"]),
        (dict(Q=np.ones((2, 2)), K=np.ones((2, 2)), V=np.ones((2, 1)), mask=np.array([[True, False], [False, False]])),
         ["mask", "第 1 行", "True"]),
        (dict(Q=np.ones((2, 2)), K=np.ones((2, 2)), V=np.ones((2, 1)), mask=np.ones((3, 3), bool)), ["mask", "(3, 3)", "(2, 2)"]),
        (dict(Q=np.ones((2, 2)), K=np.ones((2, 2)), V=np.ones((2, 1)), mask=np.ones((2, 2))), ["mask", "布尔", "float64"]),
        (dict(Q=np.ones((2, 2)), K=np.ones((2, 2)), V=np.ones((2, 1)), scale=0), ["scale", "0"]),
        (dict(Q=[[1, 2], [3]], K=np.ones((2, 2)), V=np.ones((2, 1))), ["Q"]),
        (dict(Q=np.ones((2, 2, 2)), K=np.ones((3, 2, 2)), V=np.ones((3, 2, 1))), ["广播", "(2, 2, 2)", "(3, 2, 2)"]),
        (dict(Q=np.ones((2, 2, 2)), K=np.ones((2, 2, 2)), V=np.ones((3, 2, 1))), ["Q 和 V 的前导维度", "(3, 2, 1)"]),
        (dict(Q=np.ones((2, 2)), K=np.ones((2, 2)), V=np.array([[1.0], [np.nan]])), ["V", "NaN", "(1, 0)"]),
        (dict(Q=np.ones((2, 2)), K=np.ones((2, 2)), V=np.ones(2)), ["V", "(..., n_k, d_v)", "(2,)"]),
        (dict(Q=np.ones((2, 0)), K=np.ones((3, 0)), V=np.ones((3, 1))), ["d_k 和 n_k 不能为 0", "(2, 0)"]),
        (dict(Q=np.ones((2, 2)), K=np.ones((0, 2)), V=np.ones((0, 1))), ["d_k 和 n_k 不能为 0", "(0, 2)"]),
        (dict(Q=np.ones((2, 2)), K=np.ones((2, 2)), V=np.ones((2, 1)), mask=[[True, True], [False, False]]),
         ["第 1 行（下标 (1,)）"]),
        (dict(Q=np.ones((2, 2)), K=np.ones((2, 2)), V=np.ones((2, 1)), scale=float("nan")), ["scale", "nan"]),
        (dict(Q=np.ones((2, 2)), K=np.ones((2, 2)), V=np.ones((2, 1)), scale="big"), ["scale 应是正数", "'big'"]),
    ],
)
def test_bad_input_names_argument_and_shapes(kwargs, words):
    with pytest.raises(ValueError) as info:
        scaled_dot_product_attention(**kwargs)
    for word in words:
        assert word in str(info.value), (word, str(info.value))


@pytest.mark.parametrize("t", [0, -1.0, float("nan"), "hot"])
def test_softmax_rejects_bad_temperature(t):
    with pytest.raises(ValueError, match="temperature"):
        softmax([1.0, 2.0], temperature=t)


def test_softmax_rejects_nan_and_bad_axis():
    with pytest.raises(ValueError, match="NaN"):
        softmax([1.0, np.nan])
    # Match the project's own words: numpy's AxisError also says "axis".
    for axis in (1, 3, -2):  # one past the end, far past, one before the start
        with pytest.raises(ValueError, match=f"axis={axis} 超出范围：x 只有 1 维"):
            softmax([1.0, 2.0], axis=axis)
    x = np.array([[1.0, 2.0, 4.0], [0.0, 0.0, 3.0]])
    np.testing.assert_array_equal(softmax(x, axis=-2), softmax(x, axis=0), strict=True)  # -ndim is allowed
    np.testing.assert_allclose(softmax(x, axis=-2).sum(axis=0), [1.0, 1.0, 1.0])


@pytest.mark.parametrize("x, words", [
    (["a", "b"], ["x", "数值", "<U1"]),
    (np.array([1.0, None]), ["x", "数值", "object"]),
    (np.array([1 + 2j, 3.0]), ["x", "复数", "complex128"]),
])
def test_softmax_rejects_non_numbers_in_its_own_words(x, words):
    with pytest.raises(ValueError) as info:
        softmax(x)
    for word in words:
        assert word in str(info.value), (word, str(info.value))


def test_integer_and_boolean_inputs_count_as_numbers():
    """ints and bools become float64 (a bool matrix product would be a logical OR, not a sum)."""
    np.testing.assert_array_equal(softmax([1, 2, 3]), softmax([1.0, 2.0, 3.0]), strict=True)
    Q = np.array([[True, True]])
    K = np.array([[True, True], [True, False]])
    s = attention_scores(Q, K)
    assert s.dtype == np.float64
    np.testing.assert_allclose(s, [[2 / np.sqrt(2), 1 / np.sqrt(2)]], rtol=1e-15)
    out, w = scaled_dot_product_attention(Q, K, np.array([[1, 0], [0, 1]]))
    np.testing.assert_allclose(w, softmax(s), rtol=1e-15)
    assert out.dtype == np.float64


@pytest.mark.parametrize("call, words", [
    (lambda: split_heads(np.ones((2, 10)), 3), ["d=10", "h=3"]),
    (lambda: split_heads(np.ones((2, 10)), 0), ["h"]),
    (lambda: merge_heads(np.ones((2, 10))), ["(..., h, n, d_h)", "(2, 10)"]),
    (lambda: causal_mask(0), ["n"]),
    (lambda: padding_mask([0, 3], 3), ["lengths"]),
    (lambda: split_heads(np.ones((2, 10)), 2.0), ["h（头数）应是正整数", "2.0"]),
    (lambda: split_heads(np.ones((2, 10)), True), ["h（头数）应是正整数", "True"]),
    (lambda: split_heads([[1.0, np.nan]], 1), ["x", "NaN"]),
    (lambda: merge_heads([[[np.inf]]]), ["x", "inf"]),
])
def test_helper_bad_input(call, words):
    with pytest.raises(ValueError) as info:
        call()
    for word in words:
        assert word in str(info.value)


def test_float32_stays_float32():
    rng = np.random.default_rng(3)
    Q, K, V = (rng.normal(size=(2, 4, 8)).astype(np.float32) for _ in range(3))
    out, w = scaled_dot_product_attention(Q, K, V)
    assert out.dtype == np.float32 and w.dtype == np.float32
    assert softmax(Q).dtype == np.float32

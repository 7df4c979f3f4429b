"""helpers.multihead: the vectorised layer equals a naive per-head loop; shapes, purity, bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.attention import scaled_dot_product_attention
from helpers.multihead import head_columns, heads_one_by_one, init_multi_head, multi_head_attention, stack_heads


def naive_multi_head(X, W_Q, W_K, W_V, W_O, h):
    """Per head, per query, per key: the formula written out with Python loops."""
    n = X.shape[0]
    d_k, d_v = W_Q.shape[1] // h, W_V.shape[1] // h
    concat = np.zeros((n, h * d_v))
    weights = np.zeros((h, n, n))
    for i in range(h):
        Q = X @ W_Q[:, i * d_k:(i + 1) * d_k]
        K = X @ W_K[:, i * d_k:(i + 1) * d_k]
        V = X @ W_V[:, i * d_v:(i + 1) * d_v]
        for a in range(n):
            s = [float(Q[a] @ K[b]) / np.sqrt(d_k) for b in range(n)]
            e = [np.exp(x - max(s)) for x in s]
            for b in range(n):
                weights[i, a, b] = e[b] / sum(e)
                concat[a, i * d_v:(i + 1) * d_v] += weights[i, a, b] * V[b]
    return concat @ W_O, weights


@st.composite
def layers(draw):
    n = draw(st.integers(1, 6))
    d = draw(st.integers(1, 6))
    h = draw(st.sampled_from([1, 2, 3, 4]))
    d_k = draw(st.integers(1, 4))
    d_v = draw(st.integers(1, 4))
    d_o = draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    P = init_multi_head(d, h, d_k, d_v, d_o, rng=rng, std=1.5)
    return X, P["W_Q"], P["W_K"], P["W_V"], P["W_O"], h


@settings(max_examples=60, deadline=None)
@given(layers())
def test_vectorised_equals_naive_loop_and_one_by_one(args):
    out, w = multi_head_attention(*args)
    ref_out, ref_w = naive_multi_head(*args)
    np.testing.assert_allclose(out, ref_out, atol=1e-10)
    np.testing.assert_allclose(w, ref_w, atol=1e-12)
    loop_out, loop_w = heads_one_by_one(*args)
    np.testing.assert_allclose(loop_out, out, atol=1e-12)
    np.testing.assert_allclose(loop_w, w, atol=1e-14)


@settings(max_examples=30, deadline=None)
@given(layers(), st.data())
def test_rows_sum_to_one_and_permutation_equivariance(args, data):
    X, *W, h = args
    out, w = multi_head_attention(X, *W, h)
    assert w.shape == (h, X.shape[0], X.shape[0])
    np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-12)
    perm = np.array(data.draw(st.permutations(range(X.shape[0]))))
    out_p, w_p = multi_head_attention(X[perm], *W, h)
    np.testing.assert_allclose(out_p, out[perm], atol=1e-10)
    np.testing.assert_allclose(w_p, w[:, perm][:, :, perm], atol=1e-12)


def test_one_head_is_single_head_attention_then_W_O():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 9))
    P = init_multi_head(9, 1, 4, d_o=3, rng=rng)
    out, w = multi_head_attention(X, P["W_Q"], P["W_K"], P["W_V"], P["W_O"], 1)
    ref, ref_w = scaled_dot_product_attention(X @ P["W_Q"], X @ P["W_K"], X @ P["W_V"])
    np.testing.assert_allclose(out, ref @ P["W_O"], atol=1e-12)
    np.testing.assert_allclose(w[0], ref_w, atol=1e-14)


def test_each_head_is_scaled_by_its_own_width():
    """A head of width d_k divides by √d_k, not by √(h·d_k)."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(4, 6))
    P = init_multi_head(6, 2, 3, rng=rng, std=1.0)
    _, w = multi_head_attention(X, P["W_Q"], P["W_K"], P["W_V"], P["W_O"], 2)
    Q0, K0 = X @ P["W_Q"][:, :3], X @ P["W_K"][:, :3]
    s = Q0 @ K0.T / np.sqrt(3)
    e = np.exp(s - s.max(-1, keepdims=True))
    np.testing.assert_allclose(w[0], e / e.sum(-1, keepdims=True), atol=1e-14)


def test_batch_dimension_broadcasts():
    rng = np.random.default_rng(2)
    Xb = rng.normal(size=(3, 5, 9))
    P = init_multi_head(9, 8, 4, rng=rng)
    out, w = multi_head_attention(Xb, P["W_Q"], P["W_K"], P["W_V"], P["W_O"], 8)
    assert out.shape == (3, 5, 9) and w.shape == (3, 8, 5, 5)
    for b in range(3):
        o_b, w_b = multi_head_attention(Xb[b], P["W_Q"], P["W_K"], P["W_V"], P["W_O"], 8)
        np.testing.assert_allclose(out[b], o_b, atol=1e-12)
        np.testing.assert_allclose(w[b], w_b, atol=1e-14)
    o_loop, w_loop = heads_one_by_one(Xb, P["W_Q"], P["W_K"], P["W_V"], P["W_O"], 8)
    np.testing.assert_allclose(o_loop, out, atol=1e-12)


def test_mask_reaches_every_head():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(4, 6))
    P = init_multi_head(6, 3, 2, rng=rng)
    mask = np.tril(np.ones((4, 4), dtype=bool))
    _, w = multi_head_attention(X, P["W_Q"], P["W_K"], P["W_V"], P["W_O"], 3, mask=mask)
    assert np.all(w[:, ~mask] == 0.0)


def test_inputs_are_not_modified():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(3, 4))
    P = init_multi_head(4, 2, 2, rng=rng)
    copies = [a.copy() for a in (X, *P.values())]
    multi_head_attention(X, P["W_Q"], P["W_K"], P["W_V"], P["W_O"], 2)
    heads_one_by_one(X, P["W_Q"], P["W_K"], P["W_V"], P["W_O"], 2)
    for before, after in zip(copies, (X, *P.values())):
        np.testing.assert_array_equal(before, after)


def test_stack_heads_puts_head_i_in_its_columns():
    rng = np.random.default_rng(5)
    heads = [tuple(rng.normal(size=(9, 3)) for _ in range(3)) for _ in range(4)]
    W_Q, W_K, W_V = stack_heads(heads)
    assert W_Q.shape == W_K.shape == W_V.shape == (9, 12)
    for i, (q, k, v) in enumerate(heads):
        cols = head_columns(i, 3)
        np.testing.assert_array_equal(W_Q[:, cols], q)
        np.testing.assert_array_equal(W_K[:, cols], k)
        np.testing.assert_array_equal(W_V[:, cols], v)


def test_init_shapes_and_scale():
    P = init_multi_head(9, 8, 4, rng=np.random.default_rng(6))
    assert P["W_Q"].shape == P["W_K"].shape == P["W_V"].shape == (9, 32) and P["W_O"].shape == (32, 9)
    big = init_multi_head(512, 8, 64, rng=np.random.default_rng(7))
    assert abs(big["W_Q"].std() - 1 / np.sqrt(512)) < 0.002
    assert abs(init_multi_head(64, 2, 32, rng=np.random.default_rng(8), std=1.0)["W_K"].std() - 1.0) < 0.05


@pytest.mark.parametrize("call, words", [
    (lambda W: multi_head_attention(np.ones((3, 4)), W, W, W, np.ones((6, 2)), 4), ["W_Q", "h=4"]),
    (lambda W: multi_head_attention(np.ones((3, 5)), W, W, W, np.ones((6, 2)), 2), ["W_Q", "d=5"]),
    (lambda W: multi_head_attention(np.ones((3, 4)), W, W, W, np.ones((5, 2)), 2), ["W_O", "6"]),
    (lambda W: multi_head_attention(np.ones((3, 4)), W, W[:, :4], W, np.ones((6, 2)), 2), ["W_K"]),
    (lambda W: multi_head_attention(np.ones((3, 4)), W, W, W, np.ones((6, 2)), 0), ["h"]),
    (lambda W: multi_head_attention(np.ones(4), W, W, W, np.ones((6, 2)), 2), ["X", "(..., n, d)"]),
    (lambda W: stack_heads([]), ["head_projections"]),
    (lambda W: stack_heads([(W, W, W), (W[:, :3], W, W)]), ["W_Q"]),
    (lambda W: init_multi_head(4, 2, 2, rng=np.random.default_rng(0), std=0.0), ["std"]),
])
def test_bad_input_names_the_argument(call, words):
    W = np.ones((4, 6))
    with pytest.raises(ValueError) as info:
        call(W)
    for word in words:
        assert word in str(info.value)

"""helpers.compare: the three layers against naive loops, and the measured steps, path lengths and
multiply-adds against the theory of Vaswani et al. (2017), Table 1 — for n from 4 to 256."""

import math
import warnings

import numpy as np
import pytest

from helpers.attention import scaled_dot_product_attention
from helpers.compare import (
    KINDS,
    OpCount,
    attention_cost,
    attention_layer,
    change_at_last,
    conv_layer,
    expected,
    hops_needed,
    init_layer,
    log_ceil,
    measure_layer,
    path_length,
    reach,
    rnn_layer,
    run_layer,
)

NS = [4, 8, 16, 32, 64, 128, 256]


@pytest.fixture(autouse=True)
def _numpy_warnings_are_errors():
    """The NaN taint must not make numpy warn (a warning would reach the notebook's stderr)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def rng(seed=0):
    return np.random.default_rng(seed)


# ------------------------------------------------------------------ the layers


def test_rnn_equals_a_naive_loop():
    X = rng(1).normal(size=(7, 3))
    p = init_layer("rnn", 3, rng=rng(2))
    p["W_x"] = rng(3).normal(size=(3, 3))  # any shapes the formula allows
    h, want = np.zeros(3), []
    for t in range(7):
        h = np.tanh(sum(X[t, i] * p["W_x"][i] for i in range(3)) + sum(h[j] * p["W_h"][j] for j in range(3)) + p["b"])
        want.append(h)
    np.testing.assert_allclose(rnn_layer(X, p), np.array(want), atol=1e-12)


@pytest.mark.parametrize("k, dilation", [(2, 1), (3, 1), (3, 3), (5, 2)])
def test_causal_conv_equals_a_naive_loop(k, dilation):
    X = rng(4).normal(size=(11, 4))
    p = init_layer("cnn", 4, k=k, rng=rng(5))
    want = np.zeros((11, 4))
    for t in range(11):
        want[t] = p["b"]
        for m in range(k):
            if t - m * dilation >= 0:
                want[t] += X[t - m * dilation] @ p["W"][m]
    np.testing.assert_allclose(conv_layer(X, p, dilation), want, atol=1e-12)


def test_attention_layer_equals_helpers_attention():
    X = rng(6).normal(size=(9, 5))
    p = init_layer("attention", 5, rng=rng(7))
    out, w = attention_layer(X, p)
    ref_out, ref_w = scaled_dot_product_attention(X @ p["W_Q"], X @ p["W_K"], X @ p["W_V"])
    np.testing.assert_allclose(out, ref_out, atol=1e-12)
    np.testing.assert_allclose(w, ref_w, atol=1e-14)


def test_layers_do_not_modify_their_input():
    X = rng(8).normal(size=(5, 4))
    before = X.copy()
    for kind in KINDS:
        run_layer(kind, X, init_layer(kind, 4, rng=rng(9)), 1)
    np.testing.assert_array_equal(X, before)


def test_init_follows_pytorch_bounds():
    p = init_layer("rnn", 16, rng=rng(10))
    assert np.abs(p["W_h"]).max() <= 1 / 4 and np.abs(p["W_h"]).max() > 0.2
    c = init_layer("cnn", 16, k=3, rng=rng(11))
    assert c["W"].shape == (3, 16, 16) and np.abs(c["W"]).max() <= 1 / np.sqrt(48)


# ------------------------------------------------------------------ the measurements (the "done when")


@pytest.mark.parametrize("n", NS)
def test_measured_sequential_steps(n):
    assert measure_layer("rnn", n, d=8, rng=rng()).steps == n          # one round per word: O(n)
    assert measure_layer("cnn", n, d=8, rng=rng()).steps == 1          # O(1)
    assert measure_layer("cnn_dilated", n, d=8, rng=rng()).steps == 1  # O(1)
    assert measure_layer("attention", n, d=8, rng=rng()).steps == 4    # O(1): QKV, scores, softmax, sum


@pytest.mark.parametrize("k", [2, 3, 5])
@pytest.mark.parametrize("n", NS)
def test_measured_path_lengths_match_table_1(n, k):
    assert path_length("rnn", n, k=k, rng=rng()) == n - 1
    assert path_length("cnn", n, k=k, rng=rng()) == math.ceil((n - 1) / (k - 1))
    assert path_length("attention", n, k=k, rng=rng()) == 1
    dilated = path_length("cnn_dilated", n, k=k, rng=rng())
    assert k ** dilated >= n > k ** (dilated - 1)  # ceil(log_k n), without float rounding


@pytest.mark.parametrize("n", NS)
def test_measured_multiply_adds(n):
    d, k = 16, 3
    assert measure_layer("rnn", n, d=d, rng=rng()).madds == 2 * n * d * d
    assert measure_layer("cnn", n, d=d, k=k, rng=rng()).madds == k * n * d * d
    assert measure_layer("cnn_dilated", n, d=d, k=k, rng=rng()).madds == k * n * d * d
    assert measure_layer("attention", n, d=d, rng=rng()).madds == 3 * n * d * d + 2 * n * n * d


@pytest.mark.parametrize("kind", KINDS)
def test_expected_agrees_with_every_measurement(kind):
    for n in NS:
        c = measure_layer(kind, n, d=64, k=3, rng=rng())
        e = expected(kind, n, d=64, k=3)
        assert (c.steps, c.madds, path_length(kind, n, k=3, rng=rng())) == (e["steps"], e["madds"], e["path"])


def test_log_ceil():
    assert [log_ceil(n, 3) for n in (1, 2, 3, 4, 9, 10, 27, 28, 243, 244)] == [0, 1, 1, 2, 2, 3, 3, 4, 5, 6]
    assert log_ceil(256, 2) == 8 and log_ceil(257, 2) == 9


def test_opcount_counts_a_matmul():
    c = OpCount()
    c.matmul(np.ones((2, 3, 4)), np.ones((4, 5)))
    c.round()
    assert c.madds == 2 * 3 * 4 * 5 and c.steps == 1


# ------------------------------------------------------------------ reach and hops (the widget's data)


@pytest.mark.parametrize("kind", KINDS)
def test_reach_grows_and_respects_causality(kind):
    r = reach(kind, 20, 7, hops=4, rng=rng())
    assert r.shape == (5, 20) and r[0].tolist() == [j == 7 for j in range(20)]
    assert np.all(r[1:] >= r[:-1])  # once reached, always reached
    if kind != "attention":
        assert not r[:, :7].any()  # RNN and CNN here only pass information to the right
    else:
        assert r[1].all()


def test_reach_counts_for_each_kind():
    assert reach("rnn", 10, 2, hops=3, rng=rng())[3].nonzero()[0].tolist() == [2, 3, 4, 5]
    assert reach("cnn", 10, 2, hops=2, k=3, rng=rng())[2].nonzero()[0].tolist() == [2, 3, 4, 5, 6]
    assert reach("cnn_dilated", 30, 0, hops=2, k=3, rng=rng())[2].nonzero()[0].tolist() == list(range(9))


@pytest.mark.parametrize("kind", KINDS)
def test_hops_needed_agrees_with_reach(kind):
    needed = hops_needed(kind, 15, 4, rng=rng())
    r = reach(kind, 15, 4, hops=15, rng=rng())
    for j in range(15):
        if needed[j] < 0:
            assert not r[:, j].any()
        else:
            assert r[needed[j], j] and (needed[j] == 0 or not r[needed[j] - 1, j])


@pytest.mark.parametrize("bad", [
    lambda: reach("lstm", 5, 0, rng=rng()),
    lambda: reach("cnn", 5, 5, rng=rng()),
    lambda: hops_needed("cnn", 5, -1, rng=rng()),
    lambda: path_length("rnn", 1, rng=rng()),
    lambda: measure_layer("cnn", 0, d=4, rng=rng()),
    lambda: change_at_last("rnn", 4, position=4, rng=rng()),
])
def test_bad_arguments_raise_value_error(bad):
    with pytest.raises(ValueError):
        bad()


# ------------------------------------------------------------------ long distance and cost


def test_rnn_forgets_the_first_word_and_attention_does_not_care_about_distance():
    rnn = [change_at_last("rnn", n, rng=rng()) for n in (4, 16, 64, 256)]
    assert rnn[0] > 1e-2 and rnn[1] < 1e-3 and rnn[-1] < 1e-12  # exponential decay (0.0 at n = 256)
    att = [change_at_last("attention", 64, position=p, trials=20, rng=rng()) for p in (0, 32, 62)]
    assert max(att) / min(att) < 5  # the same order of magnitude whatever the distance
    near = change_at_last("rnn", 64, position=62, trials=20, rng=rng())
    far = change_at_last("rnn", 64, position=0, trials=20, rng=rng())
    assert near > 1e-2 and far < 1e-12


def test_attention_cost_weights_grow_as_n_squared():
    a, b = (attention_cost(n, d=16, repeats=1, rng=rng()) for n in (64, 128))
    assert a["weights_bytes"] == 64 * 64 * 8 and b["weights_bytes"] == 4 * a["weights_bytes"]
    assert b["peak_bytes"] >= b["weights_bytes"] and a["seconds"] > 0

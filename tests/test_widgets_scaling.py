"""Notebook 03's d_k widget: random q, k of dimension d_k; raw spread grows like √d_k, scaled spread stays."""

import numpy as np
import pytest

from helpers.attention import softmax
from helpers.widgets.scaling import ScalingExplorer, TemperatureExplorer, score_spread

D_KS = (1, 4, 16, 64, 256, 1024)


def test_raw_spread_grows_with_d_k_and_scaled_spread_does_not():
    stats = [score_spread(d, rng=np.random.default_rng(0)) for d in D_KS]
    raw = np.array([s["raw_std"] for s in stats])
    scaled = np.array([s["scaled_std"] for s in stats])
    assert np.all(np.diff(raw) > 0)
    np.testing.assert_allclose(raw, np.sqrt(D_KS), rtol=0.1)   # spread ≈ √d_k
    np.testing.assert_allclose(scaled, 1.0, atol=0.1)           # spread ≈ 1 for every d_k


def test_unscaled_softmax_saturates_and_its_gradient_vanishes():
    small, big = (score_spread(d, rng=np.random.default_rng(1)) for d in (1, 1024))
    assert big["raw_max_weight"] > 0.9 and big["raw_gradient"] < 0.25 * small["raw_gradient"]
    assert abs(big["scaled_max_weight"] - small["scaled_max_weight"]) < 0.1
    assert abs(big["scaled_gradient"] - small["scaled_gradient"]) < 0.05


def test_same_seed_same_numbers_and_example_is_consistent():
    a = score_spread(64, rng=np.random.default_rng(7))
    b = score_spread(64, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a["example_raw"], b["example_raw"])
    np.testing.assert_allclose(a["example_scaled"], a["example_raw"] / 8)
    np.testing.assert_allclose(a["example_raw_weights"], softmax(a["example_raw"]))


def test_scores_are_the_dot_products_of_the_drawn_vectors():
    rng = np.random.default_rng(3)
    q = rng.standard_normal((5, 1, 16))  # the same draws as score_spread(16, trials=5, n_keys=3), in the same order
    k = rng.standard_normal((5, 3, 16))
    naive = np.array([[sum(q[t, 0, d] * k[t, j, d] for d in range(16)) for j in range(3)] for t in range(5)])
    stats = score_spread(16, rng=np.random.default_rng(3), n_keys=3, trials=5)
    np.testing.assert_allclose(stats["example_raw"], naive[0], rtol=1e-12)
    np.testing.assert_allclose(stats["raw_std"], naive.std(), rtol=1e-12)
    np.testing.assert_allclose(stats["scaled_std"], (naive / 4).std(), rtol=1e-12)


@pytest.mark.parametrize("kwargs, word", [
    (dict(d_k=0), "d_k"), (dict(d_k=2.5), "d_k"), (dict(d_k=4, n_keys=1), "n_keys"),
    (dict(d_k=4, rng=0), "rng"),
])
def test_bad_input_names_the_argument(kwargs, word):
    kwargs.setdefault("rng", np.random.default_rng(0))
    with pytest.raises(ValueError, match=word):
        score_spread(**kwargs)


def test_explorer_slider_draws_new_vectors():
    e = ScalingExplorer(d_k=4)
    small = e.stats["raw_std"]
    e.d_k.value = 1024
    assert e.stats["raw_std"] > 10 * small
    assert abs(e.stats["scaled_std"] - 1) < 0.15
    assert "1024" in e.view.value and "k0" in e.view.value
    before = e.stats["example_raw"].copy()
    e.seed.value = 5
    assert not np.allclose(before, e.stats["example_raw"])


def test_explorer_returning_to_a_d_k_shows_the_same_numbers_without_a_new_draw(monkeypatch):
    e = ScalingExplorer(d_k=256, seed=2)
    first = (e.stats["raw_std"], e.stats["example_raw"].copy(), e.view.value)
    e.stats["example_raw"][:] = 0  # a reader's change to e.stats stays out of the kept draw
    e.d_k.value = 4
    calls = []
    monkeypatch.setattr("helpers.widgets.scaling.score_spread", lambda *a, **k: calls.append(a) or {})
    e.d_k.value = 256
    assert calls == [] and e.stats["raw_std"] == first[0] and e.view.value == first[2]
    np.testing.assert_array_equal(e.stats["example_raw"], first[1])
    fresh = score_spread(256, rng=np.random.default_rng(2), n_keys=ScalingExplorer.N_KEYS)
    np.testing.assert_array_equal(fresh["example_raw"], first[1])  # what a new draw would give


def test_explorer_rejects_an_unknown_d_k():
    with pytest.raises(ValueError, match="d_k"):
        ScalingExplorer(d_k=3)


def test_temperature_explorer():
    t = TemperatureExplorer([8.2, 0.5], ["吃", "鱼"])
    np.testing.assert_allclose(t.weights, softmax(np.array([8.2, 0.5])))
    t.temperature.value = 10.0
    assert 0.6 < t.weights[0] < 0.7
    with pytest.raises(ValueError, match="scores"):
        TemperatureExplorer([1.0, np.nan], ["a", "b"])

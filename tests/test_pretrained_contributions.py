"""helpers/pretrained/contributions.py: norm-based contributions (Kobayashi et al. 2020) against a loop."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.pretrained import norm_contributions


def loop_contributions(weights, values, w_o, residual=None):
    """C[i, j] = ‖Σ_h A_h[i, j] · v_h(x_j) W_O,hᵀ‖, written out head by head."""
    h, n, d_h = values.shape
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            total = np.zeros(w_o.shape[0])
            for head in range(h):
                total += weights[head, i, j] * (w_o[:, head * d_h:(head + 1) * d_h] @ values[head, j])
            if residual is not None and i == j:
                total += residual[i]
            out[i, j] = np.linalg.norm(total)
    return out


@pytest.mark.parametrize("with_residual", [False, True])
def test_norm_contributions_equal_the_loop(with_residual):
    rng = np.random.default_rng(0)
    h, n, d_h, d = 3, 4, 2, 5
    weights = rng.dirichlet(np.ones(n), size=(h, n))  # (h, n, n), rows sum to 1
    values = rng.normal(size=(h, n, d_h))
    w_o = rng.normal(size=(d, h * d_h))
    residual = rng.normal(size=(n, d)) if with_residual else None
    got = norm_contributions(weights, values, w_o, residual)
    assert got.shape == (n, n) and np.all(got >= 0)
    np.testing.assert_allclose(got, loop_contributions(weights, values, w_o, residual), rtol=1e-12)


def test_a_large_weight_on_a_zero_value_contributes_nothing():
    """The point of the method: weight alone is not contribution (the [CLS] column of notebook 07)."""
    weights = np.array([[[0.9, 0.1], [0.9, 0.1]]])  # (1, 2, 2): both tokens give 0.9 to token 0
    values = np.array([[[0.0, 0.0], [1.0, 2.0]]])  # (1, 2, 2): token 0's value is the zero vector
    got = norm_contributions(weights, values, np.eye(2))
    np.testing.assert_allclose(got[:, 0], 0.0)
    np.testing.assert_allclose(got[:, 1], 0.1 * np.sqrt(5))


def test_mismatched_shapes_are_named():
    with pytest.raises(ValueError, match="形状不匹配"):
        norm_contributions(np.ones((2, 3, 3)) / 3, np.ones((2, 3, 4)), np.ones((5, 7)))

"""helpers.widgets.softmax (notebook 03), driven headlessly."""

import numpy as np

from helpers.attention import softmax
from helpers.widgets import SoftmaxExplorer


def test_softmax_explorer():
    x = SoftmaxExplorer([8.2, 0.5], ["吃", "鱼"])
    np.testing.assert_allclose(x.weights, softmax([8.2, 0.5]))
    x.d_k.value = 64
    np.testing.assert_allclose(x.weights, softmax(np.array([8.2, 0.5]) / 8))
    x.temperature.value = 10.0
    np.testing.assert_allclose(x.weights, softmax(np.array([8.2, 0.5]) / 80), rtol=1e-6)
    assert x.weights[0] < 0.6
    assert f"{x.weights[0]:.4f}" in x.view.value

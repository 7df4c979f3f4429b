"""helpers.widgets.masks (notebook 04), driven headlessly."""

import numpy as np

from helpers.attention import padding_mask
from helpers.toy import toy_qkv
from helpers.widgets import MaskExplorer


def test_mask_explorer():
    toy = toy_qkv("小猫喜欢吃鱼")
    m = MaskExplorer(toy.tokens, toy.Q, toy.K, toy.V)
    m.kind.value = "causal"
    assert np.all(np.triu(m.weights, 1) == 0)
    m.kind.value = "padding"
    m.real_length.value = 2
    assert np.all(m.weights[:, 2:] == 0)
    np.testing.assert_array_equal(m.mask, padding_mask([2], len(toy.tokens))[0])
    np.testing.assert_allclose(m.weights.sum(1), 1)


def test_mask_explorer_uses_the_course_terms():
    toy = toy_qkv("猫吃鱼")
    m = MaskExplorer(toy.tokens, toy.Q, toy.K, toy.V)
    labels = " ".join(label for label, _ in m.kind.options) + m.kind.description + m.view.value
    assert "掩码" in labels and "遮挡" not in labels

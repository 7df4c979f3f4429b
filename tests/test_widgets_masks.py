"""helpers.widgets.masks (notebook 04), driven headlessly."""

import numpy as np
import view_reading

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


def test_padding_positions_read_pad_and_the_slider_only_works_for_padding():
    toy = toy_qkv("小猫喜欢吃鱼")
    n = len(toy.tokens)
    m = MaskExplorer(toy.tokens, toy.Q, toy.K, toy.V)
    assert m.real_length.disabled and m.labels == toy.tokens      # no mask: the slider is greyed out
    m.kind.value = "causal"
    assert m.real_length.disabled and m.labels == toy.tokens
    m.kind.value = "padding"
    assert not m.real_length.disabled and m.labels == toy.tokens  # full length: nothing padded yet
    m.real_length.value = 2
    assert m.labels == toy.tokens[:2] + ["<pad>"] * (n - 2)
    (heat,) = view_reading.heatmaps(m.view.value)
    assert heat.row_labels == m.labels and m.view.value.count("&lt;pad&gt;") == 2 * (n - 2) + 1  # rows, keys, caption
    assert toy.tokens[2] not in heat.keys and toy.tokens[2] not in heat.row_labels
    m.kind.value = "none"
    assert m.real_length.disabled and m.labels == toy.tokens
    assert "&lt;pad&gt;" not in m.view.value

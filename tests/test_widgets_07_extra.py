"""Notebook 07's SentencePairExplorer and head ablation (the live-model parts skip without the weights)."""

import numpy as np
import pytest
import view_reading

from helpers.pretrained import CURATED_SENTENCES, PrecomputedModel, load_model_or_precomputed
from helpers.widgets.ablation import HeadAblationExplorer, ablation_effect, cosine, head_mask_for
from helpers.widgets.pair import SentencePairExplorer

TIRED, WIDE = CURATED_SENTENCES[0], CURATED_SENTENCES[1]


@pytest.fixture(scope="module")
def live():
    model, is_live = load_model_or_precomputed()
    if not is_live:
        pytest.skip("the model weights are not installed")
    return model


def test_pair_explorer_on_precomputed_attention():
    e = SentencePairExplorer(PrecomputedModel(), TIRED, WIDE, layer=3, head=1, word="it")
    i = e.tokens_a.index("it")
    np.testing.assert_allclose(e.difference, e.weights_a[3, 1, i] - e.weights_b[3, 1, i])
    assert "tired/wide" in e.keys and "tired" in e.view.value and "wide" in e.view.value
    e.layer.value, e.head.value = 0, 2
    np.testing.assert_allclose(e.difference, e.weights_a[0, 2, i] - e.weights_b[0, 2, i])


def test_pair_explorer_draws_a_tiny_difference_as_a_tiny_bar():
    e = SentencePairExplorer(PrecomputedModel(), TIRED, WIDE, layer=0, head=2, word="it")
    assert np.abs(e.difference).max() < 1e-6  # this head looks at positions only: both rows agree
    assert e.difference_scale() == e.DIFFERENCE_FULL_BAR
    difference_chart = view_reading.bar_charts(e.view.value)[2]
    assert difference_chart.title.startswith("差：") and len(difference_chart.fills) == len(e.keys)
    assert max(f for _, f in difference_chart.fills) == 0.0  # before: a full bar beside "+0.000"
    e.layer.value, e.head.value = 3, 1
    assert e.difference_scale() == np.abs(e.difference).max() > e.DIFFERENCE_FULL_BAR  # a real difference: full scale
    difference_chart = view_reading.bar_charts(e.view.value)[2]
    assert max(f for _, f in difference_chart.fills) == 1.0


def test_pair_explorer_rejects_sentences_of_different_length():
    with pytest.raises(ValueError, match="词元个数"):
        SentencePairExplorer(PrecomputedModel(), TIRED, CURATED_SENTENCES[2])


def test_head_mask_for():
    m = head_mask_for(6, 12, off=[(3, 1)])
    assert m.shape == (6, 12) and m[3, 1] == 0 and m.sum() == 71
    only = head_mask_for(6, 12, only=(2, 5))
    assert only[2].sum() == 1 and only[2, 5] == 1 and only.sum() == 61
    with pytest.raises(ValueError, match="不存在"):
        head_mask_for(6, 12, off=[(6, 0)])


def test_precomputed_model_cannot_be_ablated():
    with pytest.raises(ValueError, match="实时"):
        ablation_effect(PrecomputedModel(), TIRED, np.ones((6, 12)))
    with pytest.raises(ValueError, match="实时"):
        HeadAblationExplorer(PrecomputedModel(), TIRED)


def test_all_ones_mask_changes_nothing(live):
    e = ablation_effect(live, TIRED, np.ones((6, 12)))
    assert e["word_cosine"] > 0.99999 and e["sentence_cosine"] > 0.99999
    np.testing.assert_allclose(e["attentions"], live.attentions(TIRED)[1], atol=1e-6)


def test_switching_heads_off_changes_the_output_and_the_attention_after_it(live):
    e = ablation_effect(live, TIRED, head_mask_for(6, 12, off=[(3, 1)]))
    assert 0.9 < e["word_cosine"] < 1.0 and 0.9 < e["sentence_cosine"] < 1.0
    plain = live.attentions(TIRED)[1]
    np.testing.assert_allclose(e["attentions"][:4], plain[:4], atol=1e-6)   # layers up to 3 see the same input
    assert not np.allclose(e["attentions"][4:], plain[4:], atol=1e-4)
    everything = ablation_effect(live, TIRED, np.zeros((6, 12)))
    assert everything["sentence_cosine"] < e["sentence_cosine"]


def test_sentence_cosine_uses_the_models_sentence_embedding(live):
    mask = head_mask_for(6, 12, off=[(5, 11)])
    e = ablation_effect(live, TIRED, mask)
    expected = cosine(live.sentence_embedding(TIRED), live.sentence_embedding(TIRED, head_mask=mask))
    assert abs(e["sentence_cosine"] - expected) < 1e-5


def test_ablation_explorer(live):
    e = HeadAblationExplorer(live, TIRED, layer=3, head=1)
    first = e.effect["word_cosine"]
    e.mode.value = "only"
    assert e.effect["word_cosine"] != first and "余弦" in e.view.value

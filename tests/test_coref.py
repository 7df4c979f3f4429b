"""Notebook 07: the hand-built two-layer model and the widgets around both models."""

import numpy as np
import pytest

from helpers.coref import LAYER1, LAYER2, build_layer, resolve
from helpers.pretrained import CURATED_SENTENCES, PrecomputedModel
from helpers.widgets import CorefExplorer, ModelExplorer

TEMPLATE = "The animal didn't cross the street because it was too {}."


@pytest.mark.parametrize("adjective, referent", [("tired", "animal"), ("wide", "street"),
                                                 ("hungry", "animal"), ("narrow", "street")])
def test_two_layers_resolve_it(adjective, referent):
    r = resolve(TEMPLATE.format(adjective))
    assert r.tokens[int(np.argmax(r.row(1)))] == adjective  # layer 1: it reads its adjective
    assert r.referent() == referent
    assert r.row(2).max() > 0.8
    np.testing.assert_allclose(r.weights1.sum(1), 1)


def test_layer_one_writes_the_adjectives_need_into_it():
    f = resolve(TEMPLATE.format("tired"))
    i = f.tokens.index("it")
    from helpers.text import load_vocabulary

    feats = load_vocabulary().features
    gained = f.X1[i] - f.X0[i]
    assert gained[feats.index("动物")] > 0.5 and abs(gained[feats.index("地点")]) < 0.1


def test_layer_matrices_follow_the_rules():
    l2 = build_layer(LAYER2)
    from helpers.text import load_vocabulary

    feats = load_vocabulary().features
    assert l2.W_K[feats.index("性质"), 0] == -1.0
    assert build_layer(LAYER1).W_Q.shape == (len(feats), 1)


def test_other_sentences():
    assert resolve("The cat ate the fish because it was hungry.").referent() == "cat"


def test_coref_explorer_switches_and_handles_bad_input():
    c = CorefExplorer()
    assert c.result.referent() == "animal"
    c.adjective.value = "wide"
    assert c.result.referent() == "street" and "wide" in c.text.value
    good = c.view.value
    c.text.value = "The dog saw the cat."
    assert "it" in c.message and c.view.value == good
    c.text.value = "The dog chased the cat because it was hungry."
    assert c.result.referent() in {"dog", "cat"}


def test_model_explorer_with_precomputed_model():
    m = PrecomputedModel()
    e = ModelExplorer(m, list(CURATED_SENTENCES[:4]), layer=3, head=1, word="it")
    it = e.tokens.index("it")
    assert e.word.value == it
    _, w = m.attentions(CURATED_SENTENCES[0])
    assert str(round(float(w[3, 1, it].max()), 3)) in e.bars_view.value
    e.head.value = 5
    assert "第 5 个头" in e.heatmap_view.value
    before = e.tokens
    e.sentence.value = "A sentence nobody precomputed."
    assert "离线模式" in e.message and e.tokens == before
    e.sentence.value = CURATED_SENTENCES[1]
    assert e.tokens[-3] == "wide" and e.word.value == it
    e.sentence.value = "   "
    assert "英文句子" in e.message

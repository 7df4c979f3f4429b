"""Notebook 07: the hand-built two-layer model and the widgets around both models."""

import numpy as np
import pytest

from helpers.coref import LAYER0, LAYER1, build_layer, resolve

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
    l2 = build_layer(LAYER1)
    from helpers.text import load_vocabulary

    feats = load_vocabulary().features
    assert l2.W_K[feats.index("性质"), 0] == -1.0
    assert build_layer(LAYER0).W_Q.shape == (len(feats), 1)


def test_other_sentences():
    assert resolve("The cat ate the fish because it was hungry.").referent() == "cat"

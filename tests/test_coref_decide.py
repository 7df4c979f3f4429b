"""helpers.coref.decide: a tie or a flat row is reported as such, never as an answer (notebook 07)."""

import numpy as np
import pytest

from helpers.coref import decide, resolve

TEMPLATE = "The animal didn't cross the street because it was too {}."


def test_clear_winner_is_named_with_its_lead():
    answer, reason = decide([0.1, 0.8, 0.1], ["a", "b", "c"])
    assert answer == "b"
    assert "0.800" in reason and "0.700" in reason


def test_tie_between_two_words_is_a_tie():
    answer, reason = decide([0.02, 0.49, 0.49], ["x", "dog", "cat"])
    assert answer is None
    assert reason.startswith("平局") and "dog" in reason and "cat" in reason


def test_flat_row_is_no_answer():
    answer, reason = decide(np.full(11, 1 / 11), [str(i) for i in range(11)])
    assert answer is None and reason.startswith("分不出")


def test_margin_decides_a_close_call():
    w, labels = [0.45, 0.40, 0.15], ["a", "b", "c"]
    assert decide(w, labels, margin=0.1)[0] is None
    assert decide(w, labels, margin=0.01)[0] == "a"


@pytest.mark.parametrize("adjective, expected", [("tired", "animal"), ("wide", "street"), ("big", None)])
def test_the_toy_model(adjective, expected):
    r = resolve(TEMPLATE.format(adjective))
    assert decide(r.row(2), r.tokens)[0] == expected


def test_dog_and_cat_tie_in_the_toy_model():
    r = resolve("The dog chased the cat because it was hungry.")
    answer, reason = decide(r.row(2), r.tokens)
    assert answer is None and "dog" in reason and "cat" in reason
    assert r.referent() in ("dog", "cat")  # argmax alone would have named one of them


@pytest.mark.parametrize("weights, labels, margin, word", [
    ([[0.5, 0.5]], ["a", "b"], 0.1, "weights"),
    ([], [], 0.1, "weights"),
    ([0.5, 0.5], ["a"], 0.1, "labels"),
    ([np.nan, 1.0], ["a", "b"], 0.1, "NaN"),
    ([0.5, 0.5], ["a", "b"], 1.5, "margin"),
])
def test_bad_input_names_the_argument(weights, labels, margin, word):
    with pytest.raises(ValueError, match=word):
        decide(weights, labels, margin=margin)


def test_layer_row_is_zero_based():
    r = resolve(TEMPLATE.format("tired"))
    np.testing.assert_array_equal(r.layer_row(0), r.row(1))
    np.testing.assert_array_equal(r.layer_row(1), r.row(2))
    with pytest.raises(ValueError, match="layer"):
        r.layer_row(2)

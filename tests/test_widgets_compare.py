"""helpers.widgets.compare (notebook 06), driven headlessly."""

import html

import ipywidgets as W
import numpy as np
import pytest

from helpers.compare import KINDS, hops_needed, reach
from helpers.widgets import ReachExplorer


def test_reach_initial_state_is_measured():
    r = ReachExplorer(n=12, kind="cnn", source=0)
    assert (r.n, r.kind, r.source) == (12, "cnn", 0)
    np.testing.assert_array_equal(r.reached, reach("cnn", 12, 0, hops=3, rng=np.random.default_rng(0)))
    assert r.needed.tolist() == [0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6]
    assert "至少 6 层" in r.view.value


@pytest.mark.parametrize("kind", KINDS)
def test_reach_layer_choice(kind):
    r = ReachExplorer(n=20)
    r.layer.value = kind
    assert r.kind == kind
    np.testing.assert_array_equal(r.needed, hops_needed(kind, 20, 0, rng=np.random.default_rng(1)))
    last = {"rnn": 19, "cnn": 10, "cnn_dilated": 3, "attention": 1}[kind]
    assert r.needed[-1] == last
    assert ("步" if kind == "rnn" else "层") in r.view.value


def test_reach_word_and_length_sliders():
    r = ReachExplorer(n=16, kind="attention")
    r.word.value = 9  # 0-based on the slider, as everywhere in the course
    assert r.source == 9 and r.reached[1].all()
    r.layer.value = "rnn"
    assert r.needed[:9].tolist() == [-1] * 9 and r.needed[9:].tolist() == list(range(7))
    r.length.value = 6  # the chosen word no longer exists: it moves to the last word
    assert r.n == 6 and r.source == 5 and r.word.value == 5 and r.word.max == 5
    assert r.reached.shape == (4, 6)
    assert "最后一个词" in r.view.value
    r.word.value = 0
    assert r.source == 0 and "从第 0 个词到最后一个词（第 5 个，从 0 数）" in r.view.value
    assert "位置（从 0 数）" in r.view.value and "<td><b> 0 </b> 1  2  3  4  5 </td>" in r.view.value  # positions 0–5


def test_reach_length_change_sends_one_message_per_widget_the_slider_first(monkeypatch):
    r = ReachExplorer(n=16, kind="cnn", source=12)
    sent = []
    monkeypatch.setattr(W.Widget, "_send", lambda self, msg, buffers=None: sent.append((self, sorted(msg["state"]))))
    r.length.value = 10  # the word slider's range and value change, and the view
    assert [(w, keys) for w, keys in sent if w is not r.length] == [(r.word, ["max", "value"]), (r.view, ["value"])]
    assert r.word.value == r.source == 9 and r.word.max == 9 and r.reached.shape == (4, 10)
    sent.clear()
    r.length.value = 12  # the range only: the chosen word stays
    assert [(w, keys) for w, keys in sent if w is not r.length] == [(r.word, ["max"]), (r.view, ["value"])]


def test_reach_length_change_that_fails_puts_the_word_slider_back(monkeypatch):
    r = ReachExplorer(n=16, kind="cnn", source=12)
    before = r.panels

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("helpers.compare.reach", broken)
    r.length.value = 8
    assert (r.n, r.source, r.word.max, r.word.value) == (16, 12, 15, 12)  # the last good sentence, everywhere
    assert r.message.startswith("出错了：RuntimeError: boom") and r.panels == before


def test_reach_bad_input_keeps_last_good_view():
    r = ReachExplorer(n=10, kind="cnn")
    before = (r.n, r.reached.copy(), r.panels)
    for args, words in (((100, "cnn", 0), "n"), ((10, "lstm", 0), "kind"), ((10, "cnn", 10), "source"),
                        ((1, "cnn", 0), "n")):
        assert not r._guard(r.update, *args)  # a message, never an exception
        assert r.message.startswith(words) and html.escape(r.message) in r.view.value
        assert (r.n, r.panels) == (before[0], before[2]) and np.array_equal(r.reached, before[1])

"""Widgets of notebooks 05 and 06, driven headlessly: set .value on a control, assert on the state."""

import matplotlib.figure
import numpy as np
import pytest

from helpers.compare import KINDS, hops_needed, reach
from helpers.multihead import init_multi_head, multi_head_attention
from helpers.plots import HEAD_COLORS
from helpers.text import embed, tokenize
from helpers.widgets import MultiHeadExplorer, ReachExplorer


def _explorer(**kwargs):
    P = init_multi_head(9, 8, 4, rng=np.random.default_rng(0), std=1.0)  # width 32
    return P, MultiHeadExplorer(P["W_Q"], P["W_K"], P["W_V"], P["W_O"], **kwargs)


@pytest.fixture
def no_figures(monkeypatch):
    """Fails a test that creates a matplotlib figure: a widget update builds HTML views only.

    (How fast an update is, is a budget of make bench, benchmarks/bench_compare.py; a test that timed
    it would depend on the machine's load.)
    """
    def refuse(*args, **kwargs):
        raise AssertionError("a widget update created a matplotlib figure")

    monkeypatch.setattr(matplotlib.figure.Figure, "__init__", refuse)


def _expected(P, text, h):
    X, _ = embed(tokenize(text))
    return multi_head_attention(X, P["W_Q"], P["W_K"], P["W_V"], P["W_O"], h)


# ------------------------------------------------------------------ MultiHeadExplorer (notebook 05)


def test_multihead_initial_state():
    P, e = _explorer(text="猫吃鱼", h=2)
    out, w = _expected(P, "猫吃鱼", 2)
    assert e.tokens == ["猫", "吃", "鱼"] and e.h == 2 and e.head == 0
    np.testing.assert_allclose(e.weights, w)
    np.testing.assert_allclose(e.output, out)
    assert "<table" in e.heatmap_view.value and "<svg" in e.lines_view.value
    assert e.message == ""


@pytest.mark.parametrize("h", [1, 2, 4, 8])
def test_changing_the_number_of_heads_recuts_the_same_matrices(h):
    P, e = _explorer(text="小猫昨天吃了鱼")
    e.heads.value = h
    out, w = _expected(P, "小猫昨天吃了鱼", h)
    assert e.h == h and e.weights.shape == (h, 5, 5)
    np.testing.assert_allclose(e.weights, w)
    np.testing.assert_allclose(e.output, out)
    assert [v for _, v in e.which.options] == [-1, *range(h)]
    assert f"d_k = 32 / {h} = {32 // h}" in e.info.value


def test_choosing_a_head_shows_that_head_in_its_colour():
    P, e = _explorer(text="小猫昨天吃了鱼", h=8)
    e.which.value = 5
    assert e.head == 5
    assert "头 5" in e.heatmap_view.value
    assert HEAD_COLORS[5] in e.lines_view.value
    assert all(HEAD_COLORS[i] not in e.lines_view.value for i in range(8) if i != 5)


def test_all_heads_together_one_colour_each():
    P, e = _explorer(text="小猫昨天吃了鱼", h=4)
    e.which.value = -1
    assert e.head == -1
    for i in range(4):
        assert HEAD_COLORS[i] in e.lines_view.value and f"头 {i}" in e.heatmap_view.value
    assert e.heatmap_view.value.count("<table") == 4


def test_fewer_heads_keeps_a_valid_head():
    P, e = _explorer(h=8)
    e.which.value = 6
    e.heads.value = 2  # head 6 no longer exists
    assert e.h == 2 and e.head == 0 and e.which.value == 0
    e.which.value = 1
    e.heads.value = 4  # head 1 still exists
    assert e.head == 1 and e.which.value == 1


@pytest.mark.parametrize("bad, words", [("", "空"), ("。。。", "没有找到"),
                                        ("一 二 三 四 五 六 七 八 九 十 十一 十二 十三", "太多")])
def test_bad_sentence_keeps_the_last_good_view(bad, words):
    P, e = _explorer(text="猫吃鱼", h=2)
    before = (e.tokens, e.weights.copy(), e.heatmap_view.value, e.lines_view.value)
    e.text.value = bad  # must not raise
    assert words in e.message and words in e.status.value
    assert e.tokens == before[0] and np.array_equal(e.weights, before[1])
    assert (e.heatmap_view.value, e.lines_view.value) == before[2:]
    e.text.value = "狗追老鼠"
    assert e.message == "" and e.tokens == tokenize("狗追老鼠")


def test_bad_api_calls_show_a_message_instead_of_raising():
    P, e = _explorer(h=2)
    assert not e._guard(e.update, "猫吃鱼", 3, 0)  # 3 does not divide 32
    assert "整除" in e.message and e.h == 2
    assert not e._guard(e.update, "猫吃鱼", 2, 5)
    assert "0 到 1" in e.message and e.head == 0


def test_unknown_words_are_reported():
    P, e = _explorer(text="猫吃量子")
    assert "量子" in e.message


def test_head_choices_are_validated():
    P = init_multi_head(9, 8, 4, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="head_choices"):
        MultiHeadExplorer(P["W_Q"], P["W_K"], P["W_V"], P["W_O"], head_choices=(1, 3))


def test_multihead_update_is_fast(no_figures):
    P, e = _explorer(text="小猫昨天吃了鱼", h=8)
    e.which.value = -1
    views = set()
    for h in (1, 2, 4, 8) * 5:
        e.heads.value = h
        assert e.h == h
        views.add(e.heatmap_view.value)
    assert len(views) == 4  # every head count redrew the view, without matplotlib


# ------------------------------------------------------------------ ReachExplorer (notebook 06)


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
    r.word.value = 10  # 1-based on the slider
    assert r.source == 9 and r.reached[1].all()
    r.layer.value = "rnn"
    assert r.needed[:9].tolist() == [-1] * 9 and r.needed[9:].tolist() == list(range(7))
    r.length.value = 6  # the chosen word no longer exists: it moves to the last word
    assert r.n == 6 and r.source == 5 and r.word.value == 6 and r.word.max == 6
    assert r.reached.shape == (4, 6)
    assert "最后一个词" in r.view.value


def test_reach_bad_input_keeps_last_good_view():
    r = ReachExplorer(n=10, kind="cnn")
    before = (r.n, r.reached.copy(), r.view.value)
    for args in ((100, "cnn", 0), (10, "lstm", 0), (10, "cnn", 10), (1, "cnn", 0)):
        assert not r._guard(r.update, *args)  # a message, never an exception
        assert r.message
        assert (r.n, r.view.value) == (before[0], before[2]) and np.array_equal(r.reached, before[1])


def test_reach_update_is_fast(no_figures):
    r = ReachExplorer(n=40, kind="cnn")
    views = set()
    for kind in KINDS * 3:
        r.layer.value = kind
        assert r.kind == kind
        views.add(r.view.value)
    assert len(views) == len(KINDS)  # every layer kind redrew the view, without matplotlib

"""helpers.widgets.multihead (notebook 05), driven headlessly: set .value on a control, assert on the state."""

import numpy as np
import pytest
import view_reading

from helpers.multihead import init_multi_head, multi_head_attention
from helpers.palette import HEAD_COLORS
from helpers.text import embed, tokenize
from helpers.widgets import MultiHeadExplorer


def _explorer(**kwargs):
    P = init_multi_head(9, 8, 4, rng=np.random.default_rng(0), std=1.0)  # width 32
    return P, MultiHeadExplorer(P["W_Q"], P["W_K"], P["W_V"], P["W_O"], **kwargs)


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
    assert len(view_reading.heatmaps(e.view.value)) == 1 and "<svg" in e.view.value
    assert e.message == ""


@pytest.mark.parametrize("h", [1, 2, 4, 8])
def test_changing_the_number_of_heads_recuts_the_same_matrices(h):
    P, e = _explorer(text="小猫昨天吃了鱼")
    e.h_buttons.value = h
    out, w = _expected(P, "小猫昨天吃了鱼", h)
    assert e.h == h and e.weights.shape == (h, 5, 5)
    np.testing.assert_allclose(e.weights, w)
    np.testing.assert_allclose(e.output, out)
    assert [v for _, v in e.head_buttons.options] == [-1, *range(h)]
    assert f"d_k = 32 / {h} = {32 // h}" in e.view.value


def test_choosing_a_head_shows_that_head_in_its_colour():
    P, e = _explorer(text="小猫昨天吃了鱼", h=8)
    e.head_buttons.value = 5
    assert e.head == 5
    assert "头 5" in e.view.value
    assert HEAD_COLORS[5] in e.view.value
    assert all(HEAD_COLORS[i] not in e.view.value for i in range(8) if i != 5)


def test_all_heads_together_one_colour_each():
    P, e = _explorer(text="小猫昨天吃了鱼", h=4)
    e.head_buttons.value = -1
    assert e.head == -1
    for i in range(4):
        assert HEAD_COLORS[i] in e.view.value and f"头 {i}" in e.view.value
    assert [h.caption[-3:] for h in view_reading.heatmaps(e.view.value)] == [f"头 {i}" for i in range(4)]


def test_fewer_heads_keeps_a_valid_head():
    P, e = _explorer(h=8)
    e.head_buttons.value = 6
    e.h_buttons.value = 2  # head 6 no longer exists
    assert e.h == 2 and e.head == 0 and e.head_buttons.value == 0
    e.head_buttons.value = 1
    e.h_buttons.value = 4  # head 1 still exists
    assert e.head == 1 and e.head_buttons.value == 1


@pytest.mark.parametrize("bad, words", [("", "空"), ("。。。", "没有找到"),
                                        ("一 二 三 四 五 六 七 八 九 十 十一 十二 十三", "太多")])
def test_bad_sentence_keeps_the_last_good_view(bad, words):
    P, e = _explorer(text="猫吃鱼", h=2)
    before = (e.tokens, e.weights.copy(), e.panels)
    e.text.value = bad  # must not raise
    assert words in e.message and words in e.view.value
    assert e.tokens == before[0] and np.array_equal(e.weights, before[1])
    assert e.panels == before[2]
    e.text.value = "狗追老鼠"
    assert e.message == "" and e.tokens == tokenize("狗追老鼠")


def test_bad_api_calls_show_a_message_instead_of_raising():
    P, e = _explorer(h=2)
    assert not e._guard(e.update, "猫吃鱼", 3, 0)  # 3 does not divide 32
    assert "整除" in e.message and e.h == 2
    assert not e._guard(e.update, "猫吃鱼", 2, 5)
    assert "-1 到 1" in e.message and e.head == 0


def test_unknown_words_are_reported():
    P, e = _explorer(text="猫吃量子")
    assert "量子" in e.message


def test_head_choices_are_validated():
    P = init_multi_head(9, 8, 4, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="head_choices"):
        MultiHeadExplorer(P["W_Q"], P["W_K"], P["W_V"], P["W_O"], head_choices=(1, 3))

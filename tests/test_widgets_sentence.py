"""helpers.widgets.sentence (notebook 01), driven headlessly: set .value on a control, assert on the state."""

import numpy as np
import pytest

from helpers.widgets import SentenceExplorer


def test_sentence_explorer_updates_on_new_text():
    e = SentenceExplorer("猫吃鱼")
    assert e.tokens == ["猫", "吃", "鱼"] and e.weights.shape == (3, 3)
    e.text.value = "狗追老鼠"
    assert e.tokens == ["狗", "追", "老鼠"]
    np.testing.assert_allclose(e.weights.sum(1), 1)
    assert "老鼠" in e.view.value and "<table" in e.view.value


def test_sentence_explorer_flags_unknown_words():
    e = SentenceExplorer("猫吃量子")
    assert e.unknown == [False, False, True]
    assert "量子" in e.message and "⚠" in e.view.value and e.message in e.view.value


@pytest.mark.parametrize("bad, words", [
    ("", "空"), ("   ", "空"), ("。，！？", "标点"), ("🐱🐟", "表情"),
    ("猫吃鱼" * 67, "太长"), ("一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七", "太多"),
])
def test_sentence_explorer_bad_input_keeps_last_good_view(bad, words):
    e = SentenceExplorer("猫吃鱼")
    before_tokens, before_panels = e.tokens, e.panels
    e.text.value = bad  # must not raise
    assert words in e.message
    assert e.tokens == before_tokens and e.panels == before_panels
    assert e.view.value.endswith(before_panels) and words in e.view.value


def test_sentence_explorer_english():
    e = SentenceExplorer("The animal didn't cross the street because it was too tired.")
    assert e.tokens[-1] == "tired" and not any(e.unknown)


def test_sentence_explorer_says_query_equals_key_here():
    # lesson 01 comes before Q and K: the caption says that here the query and the key are X itself
    e = SentenceExplorer("我喜欢吃鱼")
    assert "查询 = 键 = X" in e.view.value and "每一行是这个词在看谁" in e.view.value
    like, eat = e.tokens.index("喜欢"), e.tokens.index("吃")
    assert [i for i, j in enumerate(e.weights.argmax(axis=1)) if i != j] == [like]
    assert e.weights[like].argmax() == eat

"""Widgets of notebooks 01–04, driven headlessly: set .value on a control, assert on the state."""

import numpy as np
import pytest

from helpers.attention import scaled_dot_product_attention, softmax
from helpers.selfcheck import NO_WIDGETS, WidgetCheck
from helpers.toy import QK_COORDS, V_COORDS, toy_qkv
from helpers.widgets import MaskExplorer, QKVEditor, SentenceExplorer, SoftmaxExplorer


def test_sentence_explorer_updates_on_new_text():
    e = SentenceExplorer("猫吃鱼")
    assert e.tokens == ["猫", "吃", "鱼"] and e.weights.shape == (3, 3)
    e.text.value = "狗追老鼠"
    assert e.tokens == ["狗", "追", "老鼠"]
    np.testing.assert_allclose(e.weights.sum(1), 1)
    assert "老鼠" in e.tokens_view.value and "<table" in e.heatmap_view.value


def test_sentence_explorer_flags_unknown_words():
    e = SentenceExplorer("猫吃量子")
    assert e.unknown == [False, False, True]
    assert "量子" in e.message and "⚠" in e.table_view.value


@pytest.mark.parametrize("bad, words", [
    ("", "空"), ("   ", "空"), ("。，！？", "标点"), ("🐱🐟", "表情"),
    ("猫吃鱼" * 67, "太长"), ("一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七", "太多"),
])
def test_sentence_explorer_bad_input_keeps_last_good_view(bad, words):
    e = SentenceExplorer("猫吃鱼")
    before_tokens, before_html = e.tokens, e.heatmap_view.value
    e.text.value = bad  # must not raise
    assert words in e.message
    assert e.tokens == before_tokens and e.heatmap_view.value == before_html
    assert e.message in e.status.value or words in e.status.value


def test_sentence_explorer_english():
    e = SentenceExplorer("The animal didn't cross the street because it was too tired.")
    assert e.tokens[-1] == "tired" and not any(e.unknown)


def _editor(n=3):
    toy = toy_qkv("猫吃鱼")
    return toy, QKVEditor(toy.tokens, toy.Q, toy.K, toy.V, component_names=QK_COORDS, value_names=V_COORDS)


def test_qkv_editor_initial_state_matches_attention():
    toy, ed = _editor()
    out, w = scaled_dot_product_attention(toy.Q, toy.K, toy.V)
    np.testing.assert_allclose(ed.weights, w)
    np.testing.assert_allclose(ed.output, out)
    assert [s.value for s in ed.sliders["Q"]] == list(toy.Q[0])


def test_qkv_editor_slider_moves_weights_and_never_touches_callers_arrays():
    toy, ed = _editor()
    q_before = toy.Q.copy()
    old = ed.weights.copy()
    ed.sliders["Q"][QK_COORDS.index("动作")].value = 0.0  # 猫 no longer looks for an action
    np.testing.assert_array_equal(toy.Q, q_before)
    assert ed.Q[0, 0] == 0.0
    np.testing.assert_allclose(ed.weights[0], [1 / 3] * 3)
    np.testing.assert_allclose(ed.weights[1:], old[1:])
    assert ed.weights[0, 1] < old[0, 1]
    # the views follow the state
    assert "0.333" in ed.bars_view.value


def test_qkv_editor_select_word_syncs_sliders_without_recomputing_wrongly():
    toy, ed = _editor()
    ed.word.value = 1  # 吃
    assert ed.selected == 1
    assert [s.value for s in ed.sliders["Q"]] == list(toy.Q[1])
    np.testing.assert_allclose(ed.Q, toy.Q)  # selecting edits nothing
    ed.sliders["V"][V_COORDS.index("食物")].value = 2.0
    assert ed.V[1, 1] == 2.0
    np.testing.assert_allclose(ed.output, ed.weights @ ed.V)


def test_qkv_editor_scores_and_bad_construction():
    toy, ed = _editor()
    np.testing.assert_allclose(ed.scores, toy.Q @ toy.K.T / np.sqrt(3))
    with pytest.raises(ValueError, match="每个词一行"):
        QKVEditor(["a", "b"], np.ones((3, 3)), np.ones((3, 3)), np.ones((3, 3)))
    assert not ed._guard(ed.set_component, "Q", 0, 0, float("nan"))
    assert "有限数" in ed.message
    assert not ed._guard(ed.set_component, "X", 0, 0, 1.0)


@pytest.mark.parametrize("n", [3, 12])
def test_qkv_editor_sizes(n):
    rng = np.random.default_rng(n)
    ed = QKVEditor([f"w{i}" for i in range(n)], *rng.normal(size=(3, n, 3)))
    ed.word.value = n - 1
    ed.sliders["K"][2].value = 1.5
    assert ed.K[n - 1, 2] == 1.5 and ed.weights.shape == (n, n)


def test_softmax_explorer():
    x = SoftmaxExplorer([8.2, 0.5], ["吃", "鱼"])
    np.testing.assert_allclose(x.weights, softmax([8.2, 0.5]))
    x.d_k.value = 64
    np.testing.assert_allclose(x.weights, softmax(np.array([8.2, 0.5]) / 8))
    x.temperature.value = 10.0
    np.testing.assert_allclose(x.weights, softmax(np.array([8.2, 0.5]) / 80), rtol=1e-6)
    assert x.weights[0] < 0.6


def test_mask_explorer():
    toy = toy_qkv("小猫喜欢吃鱼")
    m = MaskExplorer(toy.tokens, toy.Q, toy.K, toy.V)
    m.kind.value = "causal"
    assert np.all(np.triu(m.weights, 1) == 0)
    m.kind.value = "padding"
    m.real_length.value = 2
    assert np.all(m.weights[:, 2:] == 0)
    np.testing.assert_allclose(m.weights.sum(1), 1)


def test_widget_check_text_fallback_and_click():
    c = WidgetCheck()
    bundle = c._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data["text/plain"] == NO_WIDGETS
    assert "application/vnd.jupyter.widget-view+json" in data
    c.button.click()
    assert c.clicks == 1 and "✓" in c.answer.value

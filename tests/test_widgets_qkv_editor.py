"""helpers.widgets.qkv_editor (notebook 02), driven headlessly."""

import numpy as np
import pytest

from helpers.attention import attention_scores, scaled_dot_product_attention
from helpers.toy import QK_COORDS, V_COORDS, toy_qkv
from helpers.widgets import QKVEditor


def _editor():
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
    assert "0.333" in ed.view.value  # the view follows the state


def test_one_slider_step_is_one_view_update():
    """Issue 13: a slider step must reach the browser as one message, not one per panel."""
    toy, ed = _editor()
    html_views = [w for w in _walk(ed.widget) if type(w).__name__ == "HTML"]
    changes = []
    for w in html_views:
        w.observe(lambda c: changes.append(c["owner"]), "value")
    ed.sliders["K"][0].value = 1.3
    assert len(changes) == 1 and changes[0] is ed.view
    np.testing.assert_allclose(ed.weights, scaled_dot_product_attention(ed.Q, ed.K, ed.V)[1])
    assert f"{ed.weights[0, 0]:.2f}" in ed.view.value and f"{ed.weights[0, 0]:.3f}" in ed.view.value


def _walk(w):
    yield w
    for c in getattr(w, "children", ()):
        yield from _walk(c)


def test_qkv_editor_select_word_syncs_sliders_without_recomputing_wrongly():
    toy, ed = _editor()
    ed.word.value = 1  # 吃
    assert ed.selected == 1
    assert [s.value for s in ed.sliders["Q"]] == list(toy.Q[1])
    np.testing.assert_allclose(ed.Q, toy.Q)  # selecting edits nothing
    ed.sliders["V"][V_COORDS.index("食物")].value = 2.0
    assert ed.V[1, 1] == 2.0
    np.testing.assert_allclose(ed.output, ed.weights @ ed.V)


def test_qkv_editor_scores_come_from_the_core_and_bad_input_is_a_message():
    toy, ed = _editor()
    np.testing.assert_allclose(ed.scores, attention_scores(toy.Q, toy.K))
    np.testing.assert_allclose(ed.scores, toy.Q @ toy.K.T / np.sqrt(3))
    with pytest.raises(ValueError, match="每个词一行"):
        QKVEditor(["a", "b"], np.ones((3, 3)), np.ones((3, 3)), np.ones((3, 3)))
    assert not ed._guard(ed.set_component, "Q", 0, 0, float("nan"))
    assert "有限数" in ed.message and "有限数" in ed.view.value
    assert not ed._guard(ed.set_component, "X", 0, 0, 1.0)
    assert not ed._guard(ed.select, 7)
    assert "0 到 2" in ed.message and ed.selected == 0


@pytest.mark.parametrize("n", [3, 12])
def test_qkv_editor_sizes(n):
    rng = np.random.default_rng(n)
    ed = QKVEditor([f"w{i}" for i in range(n)], *rng.normal(size=(3, n, 3)))
    ed.word.value = n - 1
    ed.sliders["K"][2].value = 1.5
    assert ed.K[n - 1, 2] == 1.5 and ed.weights.shape == (n, n)

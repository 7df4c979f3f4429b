"""Notebook 05's HeadRulesExplorer: one head can't give 吃 both 猫 and 鱼 more than half; two heads can."""

import numpy as np
import pytest

from helpers.attention import scaled_dot_product_attention
from helpers.text import embed, readable_matrix, tokenize
from helpers.toy import KEY_RULES, QK_COORDS, V_COORDS, VALUE_RULES, projection_matrices
from helpers.widgets.head_rules import QUERY_RULES_OFFERED, HeadRulesExplorer, two_heads

TOKENS = tokenize("猫吃鱼")
X, _ = embed(TOKENS)
W_K = readable_matrix(KEY_RULES, d_out=QK_COORDS)
W_V = readable_matrix(VALUE_RULES, d_out=V_COORDS)
CONCAT = [f"头{i}·{c}" for i in (0, 1) for c in V_COORDS]
W_O = np.eye(6)[:, :3] + np.eye(6)[:, 3:]   # (6, 3): adds the two heads' coordinates
CAT, EAT, FISH = 0, 1, 2


def explorer():
    return HeadRulesExplorer(TOKENS, X, W_K, W_V, W_O, concat_names=CONCAT, out_names=V_COORDS)


def test_all_rules_in_head_0_is_notebook_02s_single_head():
    r = two_heads(X, (set(QUERY_RULES_OFFERED), set()), W_K, W_V, W_O)
    W_Q, _, _ = projection_matrices()
    _, w = scaled_dot_product_attention(X @ W_Q, X @ W_K, X @ W_V)
    np.testing.assert_allclose(r["weights"][0], w)
    np.testing.assert_allclose(r["weights"][1], 1 / 3)   # a head without rules spreads evenly


def test_split_rules_give_eat_both_words():
    e = explorer()
    w = e.result["weights"]
    assert w[0, EAT, CAT] > 0.5 and w[1, EAT, FISH] > 0.5
    np.testing.assert_allclose(e.result["concat"], np.concatenate(list(e.result["heads"]), axis=-1))
    np.testing.assert_allclose(e.result["output"], e.result["concat"] @ W_O)
    assert "头 0" in e.message and "猫" in e.message


def test_preset_and_checkbox_change_the_output():
    e = explorer()
    split = e.result["output"].copy()
    e.preset.value = "one"
    assert all(box.value for box in e.boxes[0]) and not any(box.value for box in e.boxes[1])
    assert e.result["weights"][0, EAT, CAT] < 0.5 and e.result["weights"][0, EAT, FISH] < 0.5
    assert "没有明显" in e.message     # the 0.444 / 0.444 tie is reported as such
    assert not np.allclose(split, e.result["output"])
    e.set_rule(1, ("动作", "受事"), True)
    assert ("动作", "受事") in e.rules[1] and e.result["weights"][1, EAT, FISH] > 0.5


def test_bad_input():
    with pytest.raises(ValueError, match="rules"):
        two_heads(X, ({("施事", "动作")},), W_K, W_V, W_O)
    with pytest.raises(ValueError, match="不在可选的规则"):
        two_heads(X, ({("动物", "动作")}, set()), W_K, W_V, W_O)
    with pytest.raises(ValueError, match="W_O"):
        two_heads(X, (set(), set()), W_K, W_V, np.eye(3))
    with pytest.raises(ValueError, match="word"):
        HeadRulesExplorer(TOKENS, X, W_K, W_V, W_O, concat_names=CONCAT, out_names=V_COORDS, word="狗")

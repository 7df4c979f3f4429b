"""Exercises of notebook 02: the reference passes, other correct forms pass, plausible mistakes are named."""

import numpy as np
import pytest
from exercise_harness import assert_fails, assert_passes, load

from helpers import exercises as ex

s = load("02_qkv")


@pytest.mark.parametrize("answer", [s.project, lambda X, a, b, c: [X @ a, X @ b, X @ c],
                                    lambda X, a, b, c: tuple(np.dot(X, W) for W in (a, b, c))])
def test_projection_correct_forms(answer):
    assert_passes(ex.check_projection, answer)


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda X, a, b, c: (X @ b, X @ a, X @ c), "对调"),
    (lambda X, a, b, c: (a.T @ X.T, b.T @ X.T, c.T @ X.T), "转置"),
    (lambda X, a, b, c: (X @ a, X @ a, X @ c), "你的 K 和 Q 一模一样：算 K 时用的也是 W_Q。"),
    (lambda X, a, b, c: X @ a, "三个数组"),
])
def test_projection_mistakes(answer, diagnosis):
    assert_fails(ex.check_projection, answer, diagnosis)


@pytest.mark.parametrize("answer", [s.raw_scores, lambda Q, K: np.einsum("id,jd->ij", Q, K),
                                    lambda Q, K: (K @ Q.T).T, lambda Q, K: np.dot(Q, K.T).astype(np.float32)])
def test_raw_scores_correct_forms(answer):
    assert_passes(ex.check_raw_scores, answer)


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda Q, K: Q @ K.T / np.sqrt(Q.shape[1]), "未缩放"),
    (lambda Q, K: K @ Q.T, "转置"),
    (lambda Q, K: np.exp(Q @ K.T) / np.exp(Q @ K.T).sum(-1, keepdims=True), "softmax"),
    (lambda Q, K: Q @ Q.T, "和自己做点积"),
    (lambda Q, K: Q.T @ K, "该转置的是哪一个"),
])
def test_raw_scores_mistakes(answer, diagnosis):
    assert_fails(ex.check_raw_scores, answer, diagnosis)


def test_query_rules_design():
    assert_passes(ex.check_query_rules, s.my_query_rules)
    only_object = {("施事", "动作"): 3.0, ("受事", "动作"): 3.0, ("动作", "受事"): 3.0}
    assert_passes(ex.check_query_rules, only_object)
    assert "还没写" in ex.check_query_rules(None).message
    from helpers.toy import QUERY_RULES

    assert_fails(ex.check_query_rules, dict(QUERY_RULES), "不比给 猫")
    assert_fails(ex.check_query_rules, {**s.my_query_rules, ("受事", "动作"): 0.0}, "“鱼”最高的分数不再唯一")
    assert_fails(ex.check_query_rules, {("动词", "动作"): 1.0}, "输入特征应是")
    assert_fails(ex.check_query_rules, {**s.my_query_rules, ("动作", "受事"): 30.0}, "-10 到 10")
    for odd in (None, "abc", [1.0], True):
        assert_fails(ex.check_query_rules, {**s.my_query_rules, ("动作", "受事"): odd}, "强度应是一个数")
    assert_fails(ex.check_query_rules, {"动作": 1.0}, "两个词")


def test_query_rules_pass_text_is_true_when_eat_scores_itself_highest():
    base = {("施事", "动作"): 3.0, ("受事", "动作"): 3.0, ("动作", "施事"): 3.0, ("动作", "受事"): 4.0,
            ("动作", "动作"): 10.0}
    result = assert_passes(ex.check_query_rules, base)
    assert "“吃”给 鱼 的分数现在高过给 猫 的（3.2 > 2.4；“吃”最高的分数 10 给的是 吃" in result.message
    assert "更关注 鱼" not in result.message

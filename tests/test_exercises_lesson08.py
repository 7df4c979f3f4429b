"""Exercises of notebook 08: the reference passes, other correct forms pass, plausible mistakes are named."""

import numpy as np
import pytest
from exercise_harness import assert_fails, assert_hint_tiers, assert_passes, load, not_written

from helpers import exercises as ex
from helpers.exercises import reset_hints

s = load("08_attention_learns")


def softmax_grad_jacobian(w, g):
    """The explicit Jacobian, row by row: slower, same answer."""
    w2, g2 = w.reshape(-1, w.shape[-1]), g.reshape(-1, g.shape[-1])
    out = np.array([(np.diag(a) - np.outer(a, a)) @ b for a, b in zip(w2, g2)])
    return out.reshape(w.shape)


@pytest.mark.parametrize("answer", [s.softmax_grad, softmax_grad_jacobian,
                                    lambda w, g: w * g - w * (w * g).sum(-1, keepdims=True)])
def test_softmax_backward_correct_forms(answer):
    assert_passes(ex.check_softmax_backward, answer)


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda w, g: w * g, "少了减去"),
    (lambda w, g: w * (1 - w) * g, "对角线"),
    (lambda w, g: g - np.sum(w * g, axis=-1, keepdims=True), "再乘 w_i"),
    (lambda w, g: w * (g - np.sum(w * g, axis=0, keepdims=True)), "求和的轴不对"),
    (lambda w, g: w * (g - np.sum(w * g)), "所有元素加在了一起"),
])
def test_softmax_backward_mistakes(answer, diagnosis):
    assert_fails(ex.check_softmax_backward, answer, diagnosis)


@pytest.mark.parametrize("answer", [s.grad_W_Q, lambda X, W, dS: (X.T @ dS @ X @ W) / np.sqrt(W.shape[1]),
                                    lambda X, W, dS: np.einsum("ni,nm,mk->ik", X, dS, X @ W) / W.shape[1] ** 0.5])
def test_grad_W_Q_correct_forms(answer):
    assert_passes(ex.check_grad_W_Q, answer)


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda X, W, dS: X.T @ (dS @ (X @ W)), "1/√d_k"),
    (lambda X, W, dS: X.T @ (dS @ (X @ W)) / W.shape[1], "除的是 d_k"),
    (lambda X, W, dS: X.T @ (dS.T @ (X @ W)) / np.sqrt(W.shape[1]), "dS 转置了"),
    (lambda X, W, dS: dS @ (X @ W) / np.sqrt(W.shape[1]), "∂L/∂Q"),
])
def test_grad_W_Q_mistakes(answer, diagnosis):
    assert_fails(ex.check_grad_W_Q, answer, diagnosis)


def sgd_loop(params, grads, lr):
    new = {}
    for name, value in params.items():
        new[name] = value.copy()
        new[name] -= lr * grads[name]
    return new


@pytest.mark.parametrize("answer", [s.sgd, sgd_loop, lambda p, g, lr: {k: v + (-lr) * g[k] for k, v in p.items()}])
def test_sgd_correct_forms(answer):
    assert_passes(ex.check_sgd_step, answer)


def sgd_in_place(params, grads, lr):
    for k in params:
        params[k] -= lr * grads[k]
    return params


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda p, g, lr: {k: p[k] + lr * g[k] for k in p}, "沿着梯度走了"),
    (lambda p, g, lr: {k: p[k] - g[k] for k in p}, "忘了乘学习率"),
    (lambda p, g, lr: {k: p[k] - lr * p[k] for k in p}, "不是参数本身"),
    (sgd_in_place, "原地修改"),
])
def test_sgd_mistakes(answer, diagnosis):
    assert_fails(ex.check_sgd_step, answer, diagnosis)


def test_why_positions_answer_and_every_wrong_option_has_its_own_reason():
    reset_hints()
    assert ex.check_why_positions(s.answer).passed and ex.check_why_positions(" c ").passed
    messages = {letter: ex.check_why_positions(letter).message for letter in "ABD"}
    assert len(set(messages.values())) == 3 and all("不对" in m for m in messages.values())
    assert "步数" in messages["A"] and "学习率" in messages["B"] and "头多了" in messages["D"]
    for odd in ("E", "CD", "C: 置换", "all", 3, True):
        r = ex.check_why_positions(odd)
        assert not r.passed and "应是一个字母" in r.message, (odd, r.message)
    reset_hints()
    assert "怎么做：" in ex.check_why_positions("A", hint=3).message
    assert all(f"- {letter}. " in ex.WHY_POSITIONS for letter in "ABCD")


@pytest.mark.parametrize("check, wrong", [
    (ex.check_softmax_backward, lambda w, g: w * g),
    (ex.check_grad_W_Q, lambda X, W, dS: X.T @ (dS @ (X @ W))),
    (ex.check_sgd_step, lambda p, g, lr: {k: p[k] - g[k] for k in p}),
    (lambda a, hint=None: ex.check_why_positions(a, hint=hint), "A"),
])
def test_hints_come_in_tiers(check, wrong):
    assert_hint_tiers(check, wrong)


def test_unsolved_and_odd_answers_get_messages_not_tracebacks():
    for check in (ex.check_softmax_backward, ex.check_grad_W_Q, ex.check_sgd_step):
        r = check(not_written)
        assert not r.passed and "还没写" in r.message and "Traceback" not in r.message
    assert "还没写" in ex.check_why_positions(None).message
    for odd in (lambda X, W, dS: "W_Q", lambda X, W, dS: [[1, 2], [3]], lambda X, W, dS: np.zeros((1, 1))):
        r = ex.check_grad_W_Q(odd)
        assert not r.passed and "第 1 个例子" in r.message, r.message
    assert "字典" in ex.check_sgd_step(lambda p, g, lr: [1.0]).message
    assert "没有返回值" in ex.check_softmax_backward(lambda w, g: None).message
    assert "请传入你写的函数" in ex.check_sgd_step(3).message


def test_float32_answers_pass():
    assert_passes(ex.check_softmax_backward, lambda w, g: s.softmax_grad(w.astype(np.float32), g.astype(np.float32)))


def test_first_messages_name_the_mistake_not_the_formula():
    result = assert_fails(ex.check_softmax_backward, lambda w, g: w * (g - (w * g).sum()), "你把所有元素加在了一起")
    assert "axis=-1" not in result.message and "keepdims=True" not in result.message
    result = assert_fails(ex.check_grad_W_Q, lambda X, WK, dS: X.T @ dS.T @ X @ WK / np.sqrt(WK.shape[1]), "dS 转置了")
    assert "∂L/∂Q =" not in result.message and "dS K" not in result.message


@pytest.mark.parametrize(("answer", "named"), [
    (lambda X, WK, dS: X.T @ dS @ X @ WK / np.sqrt(X.shape[1]), "你除的是 √d（X 的宽度），不是 √d_k"),
    (lambda X, WK, dS: X.T @ dS @ X @ WK * np.sqrt(WK.shape[1]), "你乘了 √d_k"),
])
def test_grad_w_q_scale_mistakes_are_named(answer, named):
    assert_fails(ex.check_grad_W_Q, answer, named)

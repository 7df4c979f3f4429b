"""The second simulated student's findings: each wrong answer is rejected with its named diagnosis, right ones pass."""

import math

import numpy as np
import pytest
from exercise_harness import assert_fails, assert_passes

from helpers import exercises as ex


def _softmax(s):
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# ------------------------------------------------------------------ 08-1, 08-3: inputs must not change


def grad_in_place(w, g):
    g -= np.sum(w * g, axis=-1, keepdims=True)
    g *= w
    return g


def weights_in_place(w, g):
    inner = np.sum(w * g, axis=-1, keepdims=True)
    w *= g - inner
    return w


@pytest.mark.parametrize("answer, named", [(grad_in_place, "grad_weights"), (weights_in_place, "weights")])
def test_softmax_backward_must_not_change_its_inputs(answer, named):
    result = assert_fails(ex.check_softmax_backward, answer, f"你改动了传入的 {named}")
    assert result.diagnosis == "in place"


def test_softmax_backward_may_not_call_the_helper():
    from helpers.training import softmax_backward

    result = assert_fails(ex.check_softmax_backward, lambda w, g: softmax_backward(w, g), "不能调用 helpers 里的")
    assert result.diagnosis == "forbidden"
    assert np.allclose(softmax_backward(np.array([0.5, 0.5]), np.array([1.0, 0.0])), [0.25, -0.25])  # put back


def test_softmax_backward_with_an_explicit_jacobian_is_still_right():
    def jacobian(w, g):
        out = np.empty_like(w)
        for idx in np.ndindex(w.shape[:-1]):
            row = w[idx]
            out[idx] = (np.diag(row) - np.outer(row, row)) @ g[idx]
        return out
    assert_passes(ex.check_softmax_backward, jacobian)


def sgd_scaling_grads(params, grads, lr):
    for k in grads:
        grads[k] *= lr
    return {k: params[k] - grads[k] for k in params}


def test_sgd_must_not_change_the_grads_and_its_tiers_escalate():
    result = assert_fails(ex.check_sgd_step, sgd_scaling_grads, "你改动了传入的 grads")
    assert result.diagnosis == "in place"
    ex.reset_hints()
    first, second, third = (ex.check_sgd_step(sgd_scaling_grads), ex.check_sgd_step(sgd_scaling_grads),
                            ex.check_sgd_step(sgd_scaling_grads, hint=3))
    assert "往哪里看：" not in first.message and "往哪里看：" in second.message and "怎么做：" in third.message


def test_sgd_rebinding_the_callers_dict_is_caught():
    def rebinding(params, grads, lr):
        for k in params:
            params[k] = params[k] - lr * grads[k]
        return params
    assert_fails(ex.check_sgd_step, rebinding, "你改动了传入的 params")


# ------------------------------------------------------------------ recognised mistakes


def test_rnn_without_bias_is_named():
    def no_b(X, W_x, W_h, b):
        h, out = np.zeros(W_h.shape[0]), []
        for x in X:
            h = np.tanh(x @ W_x + h @ W_h)
            out.append(h)
        return np.array(out)
    assert_fails(ex.check_rnn, no_b, "忘了偏置 b")


def test_positional_encoding_counted_from_one_is_named():
    def from_one(n, d):
        pos = np.arange(1, n + 1)[:, None]
        angle = pos / 10000 ** (np.arange(0, d, 2)[None, :] / d)
        pe = np.zeros((n, d))
        pe[:, 0::2], pe[:, 1::2] = np.sin(angle), np.cos(angle)
        return pe
    assert_fails(ex.check_positional_encoding, from_one, "位置从 1 数起")


def _attend(Q, K, V, mask, fill, blocked_is_true):
    s = Q @ K.T / np.sqrt(Q.shape[-1])
    s = np.where(mask, fill, s) if blocked_is_true else np.where(mask, s, fill)
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    w = e / e.sum(axis=-1, keepdims=True)
    return w @ V, w


@pytest.mark.parametrize("fill", [-np.inf, -1e9])
def test_inverted_mask_names_the_pytorch_convention(fill):
    result = assert_fails(ex.check_masked_attention, lambda Q, K, V, m: _attend(Q, K, V, m, fill, True), "掩码用反了")
    assert "nn.MultiheadAttention" in result.message


@pytest.mark.parametrize("n_of", [lambda Q, K: K.shape[0], lambda Q, K: Q.shape[0], lambda Q, K: len(K)])
def test_dividing_by_root_n_is_named(n_of):
    def by_n(Q, K, V):
        w = _softmax(Q @ K.T / np.sqrt(n_of(Q, K)))
        return w @ V, w
    result = assert_fails(ex.check_attention, by_n, "除以的是 √n")
    assert "少除了" not in result.message


# ------------------------------------------------------------------ right answers that were rejected


def test_max_length_with_a_float_sqrt_is_told_the_float_reason_and_the_text_teaches_isqrt():
    result = assert_fails(ex.check_max_length, lambda M, h, L, b: int(math.floor(math.sqrt(M / (h * L * b)))),
                          "float 只有约 16 位有效数字")
    assert "math.isqrt" not in result.message  # the first tier names the mistake; "how" (hint=3) names isqrt
    assert "math.isqrt" in ex.check_max_length(lambda M, h, L, b: int(math.floor(math.sqrt(M / (h * L * b)))),
                                               hint=3).message
    assert_passes(ex.check_max_length, lambda M, h, L, b: math.isqrt(M // (h * L * b)))

    def checked(M, h, L, b):
        n = int(math.sqrt(M / (h * L * b)))
        while n * n * h * L * b > M:
            n -= 1
        return n
    assert_passes(ex.check_max_length, checked)
    text = _exercise_text("06_vs_rnn_cnn")
    assert "math.isqrt" in text and "差 1" in text


def test_why_positions_accepts_trailing_punctuation():
    for answer in ("C.", "C。", " c ", "(C)", "C）"):
        ex.reset_hints()
        assert ex.check_why_positions(answer).passed, answer
    assert ex.check_why_positions("CD").diagnosis == "format"


# ------------------------------------------------------------------ hints: tier 2 says where, tier 3 says how


def _tiers(check, answer):
    ex.reset_hints()
    first, second, third = check(answer), check(answer), check(answer, hint=3)
    ex.reset_hints()
    return first.message, second.message, third.message


def test_parameter_count_tier_two_points_to_the_lesson_not_the_shapes():
    _, second, third = _tiers(ex.check_head_parameters, lambda d, h, dk, dv, do: 0)
    where = second.split("往哪里看：")[1]
    assert "第 2 节" in where and "(d, h·d_k)" not in where and "(h·d_v, d_o)" not in where
    assert "(d, h·d_k)" not in third


def test_design_tasks_hint_three_says_how_not_the_answer():
    _, _, not_self = _tiers(ex.check_not_self, np.eye(2))
    assert "2 · x0" not in not_self and "x1 = 2" not in not_self and "怎么做：" in not_self
    _, _, rules = _tiers(ex.check_query_rules, {})
    assert "3.0" not in rules and "1.0" not in rules and "怎么做：" in rules
    _, _, shapes = _tiers(ex.check_shapes, {"Q = X @ W_Q": (3, 5), "Q @ K.T": (5, 5), "weights @ V": (5, 4)})
    how = shapes.split("怎么做：")[1]
    assert "(5, 3)" not in how and "(5, 5)" not in how and "(5, 4)" not in how
    _, _, longest = _tiers(ex.check_longest_within, 10)
    assert "81" not in longest.split("怎么做：")[1] and "3**4" not in longest


# ------------------------------------------------------------------ texts


def _exercise_text(name):
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "notebooks" / f"{name}.ipynb"
    on, parts = False, []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and "## 练习" in text:
            on = True
        if cell["cell_type"] == "markdown" and "## 小结" in text:
            on = False
        if on:
            parts.append(text)
    return "\n".join(parts)


def test_exercise_texts_count_from_zero_and_point_to_the_packages():
    import inspect
    from pathlib import Path

    import helpers.exercises as package

    names = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "notebooks").glob("0*.ipynb"))
    sources = [_exercise_text(n) for n in names]
    sources += [inspect.getsource(m) for m in vars(package).values() if inspect.ismodule(m)]
    for text in sources:
        assert "从第 1 个词" not in text and "第 n 个词" not in text and "word 1 to word n" not in text
        assert "helpers/pretrained.py" not in text and "helpers/exercises.py" not in text
    assert "d_state" in _exercise_text("06_vs_rnn_cnn") and "d_h" not in _exercise_text("06_vs_rnn_cnn")
    assert "helpers/pretrained/" in _exercise_text("09_summary_quiz")


def test_notebook_09_exercise_ids_are_its_own_and_unique():
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "notebooks"
    for path in root.glob("0*.ipynb"):
        ids = [c.get("id") for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]
        assert len(ids) == len(set(ids)), path.name
        assert not [i for i in ids if i.startswith("ex") and not i.startswith(f"ex{path.name[:2]}-")], path.name

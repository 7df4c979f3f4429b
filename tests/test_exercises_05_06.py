"""Exercises of notebooks 05 and 06: reference solutions pass, plausible wrong answers are caught."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from helpers import exercises as ex

SOLUTIONS = Path(__file__).resolve().parent.parent / "notebooks" / "solutions"


def load(name):
    spec = importlib.util.spec_from_file_location(f"solutions_{name}", SOLUTIONS / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


s05, s06 = load("05_multi_head"), load("06_vs_rnn_cnn")


def not_written(*args):
    raise NotImplementedError


# ------------------------------------------------------------------ plausible wrong answers, notebook 05


def split_by_reshape(x, h):
    """Reshapes straight to (h, n, d/h): mixes the words."""
    n, d = x.shape
    return x.reshape(h, n, d // h)


def split_without_transpose(x, h):
    n, d = x.shape
    return x.reshape(n, h, d // h)


def multi_head_scaled_by_full_width(X, W_Q, W_K, W_V, W_O, h):
    """Divides by √(h·d_k) instead of each head's √d_k."""
    Q, K, V = (s05.my_split_heads(X @ W, h) for W in (W_Q, W_K, W_V))
    s = Q @ np.swapaxes(K, -1, -2) / np.sqrt(W_Q.shape[1])
    e = np.exp(s - s.max(-1, keepdims=True))
    w = e / e.sum(-1, keepdims=True)
    return np.concatenate(list(w @ V), axis=-1) @ W_O, w


def multi_head_without_W_O(X, W_Q, W_K, W_V, W_O, h):
    out, w = s05.my_multi_head(X, W_Q, W_K, W_V, W_O, h)
    Q, K, V = (s05.my_split_heads(X @ W, h) for W in (W_Q, W_K, W_V))
    return np.concatenate(list(w @ V), axis=-1), w


def multi_head_heads_summed(X, W_Q, W_K, W_V, W_O, h):
    """Averages the heads' weights into one matrix instead of keeping h of them."""
    out, w = s05.my_multi_head(X, W_Q, W_K, W_V, W_O, h)
    return out, w.mean(axis=0)


def parameters_without_W_O(d, h, d_k, d_v):
    return 2 * d * h * d_k + d * h * d_v


def parameters_per_head_only(d, h, d_k, d_v):
    return 2 * d * d_k + d * d_v + d_v * d


# ------------------------------------------------------------------ plausible wrong answers, notebook 06


def rnn_without_recurrence(X, W_x, W_h, b):
    return np.tanh(X @ W_x + b)


def rnn_tanh_only_at_the_end(X, W_x, W_h, b):
    h, out = np.zeros(W_h.shape[0]), []
    for x in X:
        h = x @ W_x + h @ W_h + b
        out.append(np.tanh(h))
    return np.array(out)


def rnn_weights_swapped(X, W_x, W_h, b):
    h, out = np.zeros(W_h.shape[0]), []
    for x in X:
        h = np.tanh(x @ W_h + h @ W_x + b)
        out.append(h)
    return np.array(out)


def path_cnn_n_over_k(kind, n, k):
    return n // k if kind.startswith("cnn") else s06.predicted_path_length(kind, n, k)


def path_rnn_n(kind, n, k):
    return n if kind == "rnn" else s06.predicted_path_length(kind, n, k)


def path_dilated_floor_log(kind, n, k):
    if kind == "cnn_dilated":
        return int(np.floor(np.log(n) / np.log(k)))
    return s06.predicted_path_length(kind, n, k)


def memory_linear_in_n(n, h, layers, bytes_per_number):
    return layers * h * n * bytes_per_number


def memory_forgets_layers(n, h, layers, bytes_per_number):
    return h * n * n * bytes_per_number


# ------------------------------------------------------------------ the tests


CASES = [
    (ex.check_split_heads, s05.my_split_heads, [split_by_reshape, split_without_transpose]),
    (ex.check_multi_head, s05.my_multi_head,
     [multi_head_scaled_by_full_width, multi_head_without_W_O, multi_head_heads_summed]),
    (ex.check_head_parameters, s05.head_parameters, [parameters_without_W_O, parameters_per_head_only]),
    (ex.check_rnn, s06.rnn_forward, [rnn_without_recurrence, rnn_tanh_only_at_the_end, rnn_weights_swapped]),
    (ex.check_path_length, s06.predicted_path_length, [path_cnn_n_over_k, path_rnn_n, path_dilated_floor_log]),
    (ex.check_attention_memory, s06.attention_memory, [memory_linear_in_n, memory_forgets_layers]),
]
IDS = [c[0].__name__ for c in CASES]


@pytest.mark.parametrize("check, solution, wrong", CASES, ids=IDS)
def test_reference_solution_passes(check, solution, wrong):
    result = check(solution)
    assert result.passed, result.message
    assert "通过" in result.message


@pytest.mark.parametrize("check, solution, wrong", CASES, ids=IDS)
def test_plausible_wrong_answers_fail_with_case_and_hint(check, solution, wrong):
    for fn in wrong:
        result = check(fn)
        assert not result.passed, fn.__name__
        assert "第" in result.message and "提示" in result.message, result.message


@pytest.mark.parametrize("check, solution, wrong", CASES, ids=IDS)
def test_the_stub_is_told_to_write_code(check, solution, wrong):
    result = check(not_written)
    assert not result.passed and "NotImplementedError" in result.message
    assert not check("not a function").passed


def test_path_length_check_is_graded_by_measurement():
    """The expected answers come from the taint measurement, not from the reference formula."""
    from helpers.compare import path_length

    assert path_length("cnn", 40, k=5, rng=np.random.default_rng(0)) == s06.predicted_path_length("cnn", 40, 5) == 10
    assert path_length("cnn_dilated", 33, k=2, rng=np.random.default_rng(0)) == 6


def test_check_results_render_as_html():
    html = ex.check_rnn(rnn_without_recurrence)._repr_html_()
    assert "#D55E00" in html and "提示" in html

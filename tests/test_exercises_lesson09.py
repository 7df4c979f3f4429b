"""Exercises of notebook 09 (the summary): the reference passes, other correct forms pass, plausible mistakes are named."""

import numpy as np
import pytest
from exercise_harness import assert_fails, assert_passes, load

from helpers import exercises as ex
from helpers.attention import scaled_dot_product_attention

s = load("09_summary_quiz")


def pe_loop(n, d):
    pe = np.zeros((n, d))
    for pos in range(n):
        for i in range(d // 2):
            angle = pos / 10000 ** (2 * i / d)
            pe[pos, 2 * i], pe[pos, 2 * i + 1] = np.sin(angle), np.cos(angle)
    return pe


@pytest.mark.parametrize("answer", [s.positional_encoding, pe_loop])
def test_positional_encoding_correct_forms(answer):
    assert_passes(ex.check_positional_encoding, answer)


def pe_angle(n, d):
    return np.arange(n)[:, None] / 10000 ** (np.arange(0, d, 2)[None, :] / d)


def pe(n, d, swap=False, scale=1.0, all_sin=False):
    angle = np.arange(n)[:, None] / 10000 ** (scale * np.arange(0, d, 2)[None, :] / d)
    out = np.zeros((n, d))
    out[:, 0::2] = np.cos(angle) if swap else np.sin(angle)
    out[:, 1::2] = np.sin(angle) if (swap or all_sin) else np.cos(angle)
    return out


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda n, d: pe(n, d, swap=True), "放反了"),
    (lambda n, d: pe(n, d, scale=2.0), "多乘了 2"),
    (lambda n, d: pe(n, d, all_sin=True), "奇数列也用了 sin"),
    (lambda n, d: pe(n, d, scale=0.5), "i / d"),
    (lambda n, d: np.concatenate([np.sin(pe_angle(n, d)), np.cos(pe_angle(n, d))], axis=1), "拼接起来的"),
])
def test_positional_encoding_mistakes(answer, diagnosis):
    assert_fails(ex.check_positional_encoding, answer, diagnosis)


@pytest.mark.parametrize("answer", [s.self_attention_layer,
                                    lambda X, a, b, c: scaled_dot_product_attention(X @ a, X @ b, X @ c)[0]])
def test_self_attention_layer_correct_forms(answer):
    assert_passes(ex.check_self_attention_layer, answer)


def layer(X, a, b, c, values=True, scale=True, k=None):
    Q, K, V = X @ a, X @ (b if k is None else k), X @ c
    S = Q @ K.T / (np.sqrt(Q.shape[1]) if scale else 1)
    e = np.exp(S - S.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True) @ (V if values else X)


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda X, a, b, c: layer(X, a, b, c, values=False), "乘的是 X"),
    (lambda X, a, b, c: layer(X, a, b, c, scale=False), "少除了 √d_k"),
    (lambda X, a, b, c: layer(X, a, b, c, k=a), "你的 K 用的也是 W_Q"),
    (lambda X, a, b, c: scaled_dot_product_attention(X @ a, X @ b, X @ c), "元组"),
])
def test_self_attention_layer_mistakes(answer, diagnosis):
    assert_fails(ex.check_self_attention_layer, answer, diagnosis)


@pytest.mark.parametrize("answer", [
    s.layer_norm,
    lambda x, g, b, eps=1e-12: (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + eps) * g + b,
    lambda x, g, b, eps=1e-5: (x - x.mean(-1, keepdims=True)) * (x.var(-1, keepdims=True) + eps) ** -0.5 * g + b,
    lambda x, gamma, beta, eps=1e-12: gamma * ((x - np.mean(x, axis=-1)[..., None])
                                               / np.sqrt(np.mean((x - np.mean(x, axis=-1)[..., None]) ** 2, -1)[..., None] + eps))
    + beta,
])
def test_layer_norm_correct_forms(answer):
    assert_passes(ex.check_layer_norm, answer)


def test_layer_norm_matches_the_models_own():
    from helpers.pretrained import layer_norm

    assert_passes(ex.check_layer_norm, layer_norm)
    assert_passes(ex.check_layer_norm, lambda x, g, b, eps=1e-12: layer_norm(x, g, b, eps))


def ln(x, g, b, eps=1e-12, ddof=0, axis=-1, affine=True):
    y = (x - x.mean(axis, keepdims=True)) / np.sqrt(x.var(axis, ddof=ddof, keepdims=True) + eps)
    return y * g + b if affine else y


def _ignore_eps(x, g, b, eps=1e-12):
    s = x.std(-1, keepdims=True)
    s[s == 0] = 1
    return (x - x.mean(-1, keepdims=True)) / s * g + b


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda x, g, b, eps=1e-12: ln(x, g, b, eps=0.0), "少了 ε"),
    (lambda x, g, b, eps=1e-12: ln(x, g, b, eps, ddof=1), "样本方差"),
    (lambda x, g, b, eps=1e-12: ln(x, g, b, eps, axis=0), "沿错了轴"),
    (lambda x, g, b, eps=1e-12: ln(x, g, b, eps, affine=False), "没有乘 γ"),
    (lambda x, g, b, eps=1e-12: (x - x.mean(-1, keepdims=True)) / (x.std(-1, keepdims=True) + eps) * g + b, "根号外面"),
    (lambda x, g, b, eps=1e-12: (x - x.mean(-1, keepdims=True)) / (x.std(-1, keepdims=True) + 1e-12) * g + b,
     "没有用参数 eps"),
    (lambda x, g, b, eps=1e-12: ln(x, g, b), "没有用参数 eps"),
    (lambda x, g, b, eps=1e-12: ln(x, g, b, 1e-5), "没有用参数 eps"),
    (_ignore_eps, "没有用参数 eps"),
    (lambda x, g, b: ln(x, g, b), "没有 eps 参数"),
])
def test_layer_norm_mistakes(answer, diagnosis):
    assert_fails(ex.check_layer_norm, answer, diagnosis)


def test_float32_and_pytorch_eps_pass_and_mismatches_never_read_the_same():
    assert_passes(ex.check_self_attention_layer,
                  lambda X, a, b, c: s.self_attention_layer(*(m.astype(np.float32) for m in (X, a, b, c))))
    for default in (1e-5, 1e-6, 1e-9):
        assert_passes(ex.check_layer_norm, lambda x, g, b, eps=default: ln(x, g, b, eps=eps))
    assert_fails(ex.check_layer_norm, lambda x, g, b, eps=1e-3: ln(x, g, b, eps=eps), "归一化结果")
    r = ex.check_self_attention_layer(lambda X, a, b, c: s.self_attention_layer(X, a, b, c) * (1 + 3e-4))
    assert not r.passed, r.message
    from helpers.exercises._core import _pair_text
    assert "（差 " in _pair_text(0.72362, 0.72363) and "0.72362" in _pair_text(0.72362, 0.72363)
    what = r.message.split("\n")[0]
    want, got = what.split("应是 ")[1].split("，你的是 ")
    assert want != got.split("（")[0], what


def _layer_in_place(X, WQ, WK, WV):
    WQ /= np.sqrt(WQ.shape[1])
    Q, K, V = X @ WQ, X @ WK, X @ WV
    S = Q @ K.T
    S -= S.max(-1, keepdims=True)
    e = np.exp(S)
    return e / e.sum(-1, keepdims=True) @ V


def _norm_in_place(x, g, b, eps=1e-12):
    x -= x.mean(-1, keepdims=True)
    x /= np.sqrt(x.var(-1, keepdims=True) + eps)
    return x * g + b


@pytest.mark.parametrize(("check", "answer", "name"), [(ex.check_self_attention_layer, _layer_in_place, "WQ"),
                                                       (ex.check_layer_norm, _norm_in_place, "x")])
def test_writing_into_an_input_is_rejected(check, answer, name):
    result = assert_fails(check, answer, f"你改动了传入的 {name}（原地修改")
    assert result.diagnosis == "in place"


def test_an_unstable_softmax_and_softmax_over_axis_0_are_named():
    def unstable(X, WQ, WK, WV):  # the student's code: no max subtracted
        dk = WQ.shape[1]
        e = np.exp((X @ WQ) @ (X @ WK).T / np.sqrt(dk))
        return e / e.sum(-1, keepdims=True) @ (X @ WV)

    def by_columns(X, WQ, WK, WV):
        S = (X @ WQ) @ (X @ WK).T / np.sqrt(WQ.shape[1])
        e = np.exp(S - S.max(axis=0, keepdims=True))
        return e / e.sum(axis=0, keepdims=True) @ (X @ WV)

    result = assert_fails(ex.check_self_attention_layer, unstable, "softmax 没有先减去每一行的最大值：分数上千时 exp 溢出成 inf")
    assert "分数上千（W_Q、W_K 放大 20 倍）" in result.message
    assert_fails(ex.check_self_attention_layer, by_columns, "softmax 沿错了轴：你的权重每一列加起来是 1")
    assert_passes(ex.check_self_attention_layer, s.self_attention_layer)


def test_the_column_number_as_exponent_is_named():
    def by_column(n, d):
        j = np.arange(d)[None, :]
        angle = np.arange(n)[:, None] / 10000 ** (j / d)
        return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))

    assert_fails(ex.check_positional_encoding, by_column, "指数用了每一列自己的列号 j / d")


def _sal(X, WQ, WK, WV, width=None, weights=False):
    S = (X @ WQ) @ (X @ WK).T / np.sqrt(width or WQ.shape[1])
    e = np.exp(S - S.max(-1, keepdims=True))
    W = e / e.sum(-1, keepdims=True)
    return W if weights else W @ (X @ WV)


@pytest.mark.parametrize(("check", "answer", "named"), [
    (ex.check_self_attention_layer, lambda X, a, b, c: _sal(X, a, b, c, width=X.shape[1]), "你除以的是 √d（词向量的宽度 X.shape[1]）"),
    (ex.check_self_attention_layer, lambda X, a, b, c: _sal(X, a, b, c, weights=True), "你返回的是注意力权重 (n, n)，不是输出"),
    (ex.check_layer_norm, lambda x, g, b, eps=1e-12: (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + eps)
     * b + g, "γ 和 β 用反了"),
    (ex.check_layer_norm, lambda x, g, b, eps=1e-12: (x - x.mean(-1, keepdims=True)) / (x.var(-1, keepdims=True) + eps)
     * g + b, "你除以的是方差（加 ε），不是标准差"),
])
def test_more_layer_mistakes_are_named(check, answer, named):
    assert_fails(check, answer, named)

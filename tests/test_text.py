"""helpers.text: segmentation, tokens, the toy vocabulary, quiet jieba."""

import subprocess
import sys

import numpy as np
import pytest

from helpers.text import embed, load_vocabulary, readable_matrix, segment, tokenize, unknown_vector


def test_segment_maochiyu():
    assert segment("猫吃鱼") == ["猫", "吃", "鱼"]


def test_tokenize_english_keeps_didnt_and_drops_punctuation():
    toks = tokenize("The animal didn't cross the street because it was too tired.")
    assert toks == ["the", "animal", "didn't", "cross", "the", "street", "because", "it", "was", "too", "tired"]


@pytest.mark.parametrize("text", ["", "   ", "。！？，", "🐱🐟", "!!!"])
def test_tokenize_returns_empty_list_for_nothing_to_read(text):
    assert tokenize(text) == []


def test_tokenize_mixed_and_long():
    assert tokenize("猫 likes 鱼") == ["猫", "likes", "鱼"]
    assert len(tokenize("猫吃鱼" * 70)) == 210


def test_bad_type_is_a_clear_error():
    with pytest.raises(ValueError, match="字符串"):
        tokenize(3)
    with pytest.raises(ValueError, match="列表"):
        embed("猫吃鱼")


def test_vocabulary_covers_the_course_sentences():
    vocab = load_vocabulary()
    assert vocab.features[:3] == ["动物", "食物", "动作"]
    assert len(vocab.features) == vocab.vectors.shape[1] == len(vocab.features_en)
    for s in ["猫吃鱼", "The animal didn't cross the street because it was too tired.",
              "The animal didn't cross the street because it was too wide."]:
        for tok in tokenize(s):
            assert tok in vocab, tok
    assert len(vocab.words) >= 100


def test_vectors_are_interpretable():
    vocab = load_vocabulary()
    f = vocab.features.index
    assert vocab.vector("猫")[f("动物")] == 1.0
    assert vocab.vector("鱼")[f("食物")] > 0.5
    assert vocab.vector("吃")[f("动作")] == 1.0
    assert vocab.vector("tired")[f("动物")] > 0.5 and vocab.vector("wide")[f("地点")] > 0.5


def test_unknown_words_are_flagged_and_deterministic():
    X, unknown = embed(["猫", "量子", "猫"])
    assert unknown == [False, True, False]
    np.testing.assert_array_equal(X[1], unknown_vector("量子", X.shape[1]))
    np.testing.assert_array_equal(unknown_vector("量子", 9), unknown_vector("量子", 9))
    assert not np.array_equal(unknown_vector("量子", 9), unknown_vector("力学", 9))
    assert np.abs(X[1]).max() <= 0.3


def test_readable_matrix():
    W = readable_matrix({("施事", "动作"): 1.0})
    vocab = load_vocabulary()
    q = vocab.vector("猫") @ W
    assert q[vocab.features.index("动作")] == pytest.approx(0.8)
    assert np.count_nonzero(W) == 1
    with pytest.raises(ValueError, match="颜色"):
        readable_matrix({("颜色", "动作"): 1.0})


def test_toy_vocab_file_is_what_the_script_writes(tmp_path):
    """data/toy_vocab.tsv is reproducible by scripts/make_toy_vocab.py."""
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("make_toy_vocab", root / "scripts" / "make_toy_vocab.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.OUT = tmp_path / "v.tsv"
    mod.main()
    assert mod.OUT.read_bytes() == (root / "data" / "toy_vocab.tsv").read_bytes()


def test_cache_folder_falls_back_when_one_is_not_writable(tmp_path):
    from helpers.text import _writable_dir

    afile = tmp_path / "afile"
    afile.write_text("x")
    impossible = afile / "sub"  # a folder below a file cannot exist, even for root
    assert _writable_dir([None, impossible, tmp_path / "ok"]) == str(tmp_path / "ok")
    assert _writable_dir([impossible]) is None


def test_jieba_is_silent_and_works_with_unwritable_cache(tmp_path):
    """A fresh interpreter prints nothing on stderr, even when the preferred cache folder is unusable."""
    afile = tmp_path / "afile"
    afile.write_text("x")
    code = "from helpers.text import segment; print('/'.join(segment('猫吃鱼')))"
    env = {"MAOCHIYU_CACHE_DIR": str(afile / "sub"), "TMPDIR": str(tmp_path), "HOME": str(tmp_path),
           "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-W", "default", "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "猫/吃/鱼"
    assert r.stderr == ""

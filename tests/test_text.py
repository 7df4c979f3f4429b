"""helpers.text: segmentation, tokens, the toy vocabulary, quiet jieba."""

import subprocess
import sys
from pathlib import Path

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


# ---------------------------------------------------------------- added by mutation testing


def test_segment_keeps_words_whole_and_drops_whitespace():
    assert segment("小猫吃鱼") == ["小猫", "吃", "鱼"]
    assert segment("猫 吃\t鱼") == ["猫", "吃", "鱼"]
    assert segment("") == []
    with pytest.raises(ValueError, match="text 应是字符串，收到 int"):
        segment(3)


def test_every_chinese_vocabulary_word_stays_one_word():
    vocab = load_vocabulary()
    chinese = [w for w in vocab.words if "\u4e00" <= w[0] <= "\u9fff"]
    assert len(chinese) >= 30
    assert [w for w in chinese if segment(w) != [w]] == []


def test_tokenize_mixed_words_and_curly_apostrophe():
    assert tokenize("小猫吃鱼") == ["小猫", "吃", "鱼"]
    assert tokenize("It DIDN’T") == ["it", "didn't"]
    with pytest.raises(ValueError, match="text 应是字符串，收到 NoneType"):
        tokenize(None)


def test_vocabulary_is_frozen_and_its_vectors_read_only():
    import dataclasses

    vocab = load_vocabulary()
    with pytest.raises(dataclasses.FrozenInstanceError):
        vocab.words = []
    with pytest.raises(ValueError, match="read-only"):
        vocab.vectors[0, 0] = 9.0
    assert vocab.features_en[:3] == ["animal", "food", "action"]
    assert vocab.feature_label(0) == "动物 animal"
    assert vocab.d == 9 == vocab.vectors.shape[1]


def test_vector_is_a_copy_the_caller_may_change():
    """Changing the returned vector changes neither the vocabulary nor the next lookup."""
    vocab = load_vocabulary()
    v = vocab.vector("猫")
    expected = vocab.vectors[vocab.words.index("猫")].copy()
    v += 1.0  # allowed: the caller owns it
    np.testing.assert_array_equal(vocab.vector("猫"), expected, strict=True)
    np.testing.assert_array_equal(v, expected + 1.0, strict=True)


UNKNOWN_量子_4 = np.array([-0.16, -0.24, 0.14, 0.2])


def test_unknown_vector_is_the_same_on_every_machine():
    """Pinned values: the seed is the first 8 bytes of SHA-256, little-endian; entries rounded to 0.01."""
    v = unknown_vector("量子", 4)
    assert v.shape == (4,)
    np.testing.assert_array_equal(v, UNKNOWN_量子_4, strict=True)
    many = np.stack([unknown_vector(w, 9) for w in ["量子", "力学", "xyz", "🐱", "a"]])
    assert many.shape == (5, 9)
    assert np.abs(many).max() <= 0.3 and np.all(np.round(many, 2) == many)
    X, unknown = embed(["量子"])
    assert unknown == [True]
    np.testing.assert_array_equal(X[0], unknown_vector("量子", 9), strict=True)


def test_embed_accepts_any_iterable_and_another_vocabulary(tmp_path):
    X, unknown = embed(w for w in ["猫", "鱼"])
    assert X.shape == (2, 9) and unknown == [False, False]
    small = load_vocabulary(str(_write_vocab(tmp_path / "small.tsv")))
    X2, unknown2 = embed(["x", "猫"], vocab=small)
    np.testing.assert_array_equal(X2, np.array([[1.0, 0.5], [0.0, 0.0]]) + [[0, 0], unknown_vector("猫", 2)],
                                  strict=True)
    assert unknown2 == [False, True]


def _write_vocab(path, rows=("x\ten\tex\t1.0\t0.5", "y\ten\twhy\t0.0\t2.0"), header="word\tlang\tgloss\tf1\tf2",
                 meta="# feature\tf1:one:a: b\tf2:two:c"):
    path.write_text("\n".join([meta, header, *rows]) + "\n", encoding="utf-8")
    return path


def test_load_vocabulary_reads_another_file(tmp_path):
    v = load_vocabulary(_write_vocab(tmp_path / "v.tsv"))
    assert v.features == ["f1", "f2"] and v.features_en == ["one", "two"]
    assert v.meanings == ["a: b", "c"]  # a colon inside a meaning stays
    assert v.words == ["x", "y"] and v.glosses == {"x": "ex", "y": "why"} and v.langs == {"x": "en", "y": "en"}
    np.testing.assert_array_equal(v.vectors, [[1.0, 0.5], [0.0, 2.0]], strict=False)
    assert v.vectors.dtype == np.float64 and v.vectors.shape == (2, 2)


def test_load_vocabulary_errors_in_its_own_words(tmp_path):
    with pytest.raises(FileNotFoundError, match="找不到词表文件 .*make_toy_vocab.py"):
        load_vocabulary(tmp_path / "missing.tsv")
    with pytest.raises(ValueError, match="第一行的特征说明与表头不一致"):
        load_vocabulary(_write_vocab(tmp_path / "a.tsv", header="word\tlang\tgloss\tf1\tf9"))
    with pytest.raises(ValueError, match="第 4 行应有 5 列，实际 4 列"):
        load_vocabulary(_write_vocab(tmp_path / "b.tsv", rows=("x\ten\tex\t1.0\t0.5", "y\ten\twhy\t0.0")))


def test_vocabulary_file_is_read_as_utf8_whatever_the_locale(tmp_path):
    """On a reader's GBK/cp936 Windows locale an implicit encoding would garble the file."""
    code = "from helpers.text import load_vocabulary; print(load_vocabulary().words[0])"
    r = subprocess.run([sys.executable, "-X", "warn_default_encoding", "-W", "error::EncodingWarning", "-c", code],
                       capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "猫"


def test_readable_matrix_outputs_by_size_or_names_and_errors_in_its_own_words():
    W = readable_matrix({("a", 1): 2.0, ("b", 0): -1}, features=np.array(["a", "b"]), d_out=3)
    np.testing.assert_array_equal(W, [[0.0, 2.0, 0.0], [-1.0, 0.0, 0.0]], strict=False)
    assert W.shape == (2, 3)
    W2 = readable_matrix({("b", "q"): 0.5}, features=("a", "b"), d_out=np.array(["p", "q"]))
    np.testing.assert_array_equal(W2, [[0.0, 0.0], [0.0, 0.5]], strict=False)
    assert W2.shape == (2, 2)
    assert readable_matrix({}, features=[]).shape == (0, 0)  # an empty list is a list, not "the default"
    with pytest.raises(ValueError, match="规则里的输入特征 '颜色' 不存在"):
        readable_matrix({("颜色", "动作"): 1.0})
    with pytest.raises(ValueError, match="规则里的输出坐标 '颜色' 不存在"):
        readable_matrix({("动作", "颜色"): 1.0})


def test_jieba_cache_goes_to_the_folder_the_reader_chose(tmp_path, monkeypatch):
    from helpers.text import _jieba

    chosen = tmp_path / "cache"
    monkeypatch.setenv("MAOCHIYU_CACHE_DIR", str(chosen))
    _jieba.cache_clear()
    try:
        tk = _jieba()
        assert tk.tmp_dir == str(chosen)
        assert list(chosen.glob("jieba*.cache")), list(chosen.iterdir())
        assert tk.lcut("小猫吃鱼") == ["小猫", "吃", "鱼"]
    finally:
        _jieba.cache_clear()


def test_cache_folder_that_exists_is_used_and_one_that_refuses_files_is_skipped(tmp_path):
    from helpers.text import _writable_dir

    assert _writable_dir([tmp_path]) == str(tmp_path)  # exists already
    if Path("/proc/self/status").exists():  # Linux: a folder no one can create files in, not even root
        assert _writable_dir(["/proc/self", tmp_path]) == str(tmp_path)

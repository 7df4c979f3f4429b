"""Words in, vectors out: jieba segmentation, English tokens and the toy vocabulary.

Introduced in notebook 01. The toy vocabulary (data/toy_vocab.tsv, written by
scripts/make_toy_vocab.py) gives every word an *interpretable* embedding: each dimension has
a name (动物, 食物, 动作 …), so a projection matrix such as W_Q can be read by a person.

Shape legend:
    n  number of tokens
    d  number of named features (the embedding size)
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import logging
import os
import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
VOCAB_PATH = DATA_DIR / "toy_vocab.tsv"

__all__ = [
    "segment",
    "tokenize",
    "Vocabulary",
    "load_vocabulary",
    "embed",
    "unknown_vector",
    "readable_matrix",
]

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# An English word (with an inner apostrophe: didn't), a number, or one CJK run.
_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?|\d+(?:\.\d+)?|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def _writable_dir(candidates) -> str | None:
    """Return the first candidate folder in which a file can really be created."""
    for folder in candidates:
        if not folder:
            continue
        try:
            os.makedirs(folder, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder):
                pass
            return str(folder)
        except OSError:
            continue
    return None


@functools.cache
def _jieba():
    """Import and initialise jieba once: quiet, with its cache in a writable folder."""
    with warnings.catch_warnings():
        # jieba imports pkg_resources, which newer setuptools flags as deprecated.
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.CRITICAL)  # no "Building prefix dict ..." lines on stderr
    cache_dir = _writable_dir(
        [
            os.environ.get("MAOCHIYU_CACHE_DIR"),
            tempfile.gettempdir(),
            Path.home() / ".cache" / "maochiyu",
            Path.cwd() / ".cache",
        ]
    )
    tk = jieba.Tokenizer()
    if cache_dir is not None:
        tk.tmp_dir = cache_dir
    # else: jieba still works, it just rebuilds its prefix dictionary every time.
    with contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tk.initialize()
        for word in load_vocabulary().words:
            if _CJK.search(word):
                tk.add_word(word)  # our vocabulary's words stay whole
    return tk


def segment(text: str) -> list[str]:
    """Segment Chinese text into words with jieba (whitespace dropped).

    Introduced in notebook 01.

    >>> segment("猫吃鱼")
    ['猫', '吃', '鱼']
    """
    if not isinstance(text, str):
        raise ValueError(f"text 应是字符串，收到 {type(text).__name__}。")
    return [w for w in _jieba().lcut(text) if w.strip()]


def tokenize(text: str) -> list[str]:
    """Split a Chinese, English or mixed sentence into word tokens; punctuation is dropped.

    Chinese runs go through jieba; English words are lower-cased (``didn't`` stays one token).
    Introduced in notebook 01.

    Returns
    -------
    list of str
        Possibly empty (for example when the text holds only punctuation or emoji).
    """
    if not isinstance(text, str):
        raise ValueError(f"text 应是字符串，收到 {type(text).__name__}。")
    tokens: list[str] = []
    for piece in _TOKEN.findall(text):
        if _CJK.match(piece):
            tokens.extend(segment(piece))
        else:
            tokens.append(piece.lower().replace("’", "'"))
    return tokens


@dataclass(frozen=True)
class Vocabulary:
    """The toy vocabulary: words, their glosses and their named-feature vectors.

    Attributes
    ----------
    features : list of str
        Chinese feature names, one per dimension (动物, 食物 …).
    features_en : list of str
        The English name of each feature.
    meanings : list of str
        What a high value of each feature means.
    words : list of str
    glosses : dict of str to str
    vectors : ndarray, shape (len(words), d)
    """

    features: list[str]
    features_en: list[str]
    meanings: list[str]
    words: list[str]
    langs: dict[str, str]
    glosses: dict[str, str]
    vectors: np.ndarray

    @property
    def d(self) -> int:
        """Number of named features."""
        return len(self.features)

    def __contains__(self, word: str) -> bool:
        return word in self._index

    @functools.cached_property
    def _index(self) -> dict[str, int]:
        return {w: i for i, w in enumerate(self.words)}

    def vector(self, word: str) -> np.ndarray:
        """The (d,) vector of `word`; a deterministic stand-in when it is not in the vocabulary."""
        i = self._index.get(word)
        if i is None:
            return unknown_vector(word, self.d)
        return self.vectors[i].copy()

    def feature_label(self, j: int) -> str:
        """'动物 animal' for dimension j."""
        return f"{self.features[j]} {self.features_en[j]}"


@functools.cache
def load_vocabulary(path: str | os.PathLike | None = None) -> Vocabulary:
    """Read the toy vocabulary (data/toy_vocab.tsv by default).

    Introduced in notebook 01.
    """
    path = Path(path) if path is not None else VOCAB_PATH
    if not path.exists():
        raise FileNotFoundError(
            f"找不到词表文件 {path}。请运行 python scripts/make_toy_vocab.py 重新生成。"
        )
    lines = path.read_text(encoding="utf-8").splitlines()
    meta = lines[0].split("\t")[1:]
    header = lines[1].split("\t")
    features = header[3:]
    parsed = [m.split(":", 2) for m in meta]
    if [p[0] for p in parsed] != features:
        raise ValueError(f"{path}: 第一行的特征说明与表头不一致。")
    words, langs, glosses, rows = [], {}, {}, []
    for lineno, line in enumerate(lines[2:], start=3):
        cells = line.split("\t")
        if len(cells) != len(header):
            raise ValueError(f"{path} 第 {lineno} 行应有 {len(header)} 列，实际 {len(cells)} 列。")
        word, lang, gloss = cells[:3]
        words.append(word)
        langs[word] = lang
        glosses[word] = gloss
        rows.append([float(c) for c in cells[3:]])
    vectors = np.array(rows, dtype=np.float64)  # (V, d)
    vectors.setflags(write=False)
    return Vocabulary(
        features=features,
        features_en=[p[1] for p in parsed],
        meanings=[p[2] for p in parsed],
        words=words,
        langs=langs,
        glosses=glosses,
        vectors=vectors,
    )


def unknown_vector(word: str, d: int) -> np.ndarray:
    """A deterministic small vector for a word outside the vocabulary.

    The same word always gets the same vector (seeded by its SHA-256), on every machine.
    Its entries lie in [-0.3, 0.3], so it carries no strong named feature.

    Returns
    -------
    ndarray, shape (d,)
    """
    seed = int.from_bytes(hashlib.sha256(word.encode("utf-8")).digest()[:8], "little")
    rng = np.random.default_rng(seed)
    return np.round(rng.uniform(-0.3, 0.3, size=d), 2)


def embed(tokens, vocab: Vocabulary | None = None):
    """Look up the vectors of `tokens`.

    Introduced in notebook 01.

    Parameters
    ----------
    tokens : list of str, length n
    vocab : Vocabulary, optional
        Defaults to the toy vocabulary.

    Returns
    -------
    X : ndarray, shape (n, d)
    unknown : list of bool, length n
        True where the word is not in the vocabulary (its vector is a stand-in).
    """
    vocab = vocab or load_vocabulary()
    if isinstance(tokens, str):
        raise ValueError("tokens 应是词的列表（例如 tokenize(text) 的结果），不是一个字符串。")
    tokens = list(tokens)
    X = np.zeros((len(tokens), vocab.d))  # (n, d)
    unknown = []
    for i, tok in enumerate(tokens):
        X[i] = vocab.vector(tok)
        unknown.append(tok not in vocab)
    return X, unknown


def readable_matrix(rules: dict, features=None, d_out=None) -> np.ndarray:
    """Build a projection matrix from rules a person can read.

    ``{("施事", "动作"): 1.0}`` means: a word's 施事 feature writes 1.0 into the output
    coordinate named 动作 — for W_Q, "a doer asks for an action".
    Introduced in notebook 02.

    Parameters
    ----------
    rules : dict mapping (input feature, output feature or index) to float
    features : list of str, optional
        Input feature names; the toy vocabulary's by default.
    d_out : int or list of str, optional
        Output coordinates: a list of names, or a size; defaults to the input features.

    Returns
    -------
    W : ndarray, shape (d, d_out)
        So that ``X @ W`` maps (n, d) -> (n, d_out).
    """
    features = list(load_vocabulary().features if features is None else features)
    out_names = features if d_out is None else d_out
    if isinstance(out_names, int):
        out_names = range(out_names)
    out_names = list(out_names)
    W = np.zeros((len(features), len(out_names)))
    for (src, dst), value in rules.items():
        if src not in features:
            raise ValueError(f"规则里的输入特征 {src!r} 不存在；可用的特征：{features}。")
        if dst not in out_names:
            raise ValueError(f"规则里的输出坐标 {dst!r} 不存在；可用的坐标：{out_names}。")
        W[features.index(src), out_names.index(dst)] = float(value)
    return W

"""The role corpus of notebook 08: sentences whose every word is labelled 施事 / 动作 / 受事 / 其他.

Introduced in notebook 08. data/role_corpus.tsv is written by scripts/make_role_corpus.py from the
toy vocabulary: active sentences (猫吃鱼), the same words with the roles swapped (鱼吃猫), 被
sentences (鱼被猫吃) and optional time words and 了 that shift the positions. This module reads
it and turns sentences into integer arrays for helpers.training.

Shape legend:
    B  number of sentences in a batch
    n  longest sentence in the batch (shorter ones are padded)
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CORPUS_PATH = DATA_DIR / "role_corpus.tsv"

ROLES = ("施事", "动作", "受事", "其他")
ROLE_NAMES = {"施事": "施事 agent", "动作": "动作 action", "受事": "受事 patient", "其他": "其他 other"}
AGENT, ACTION, PATIENT, OTHER = range(4)
PAD = -1  # label of a padding position

__all__ = ["ROLES", "ROLE_NAMES", "RoleCorpus", "Batch", "load_role_corpus", "encode", "word_classes"]


@dataclass(frozen=True)
class Batch:
    """Sentences as arrays.

    Attributes
    ----------
    ids : ndarray of int, shape (B, n)      word indices (0 at padding positions)
    valid : ndarray of bool, shape (B, n)  True at real words, False at padding
    labels : ndarray of int, shape (B, n)  role indices into ROLES, PAD (-1) at padding
    """

    ids: np.ndarray
    valid: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return self.ids.shape[0]


@dataclass(frozen=True)
class RoleCorpus:
    """The role corpus: sentences (lists of words), their roles, and the split.

    Attributes
    ----------
    words : tuple of str     every word type, in the order of first appearance (index = id)
    sentences : tuple of tuple of str
    roles : tuple of tuple of str
    split : tuple of str     "train" or "heldout" for every sentence
    """

    words: tuple
    sentences: tuple
    roles: tuple
    split: tuple

    def indices(self, split: str) -> list[int]:
        """Indices of the sentences in `split` ("train" or "heldout")."""
        if split not in ("train", "heldout"):
            raise ValueError(f"split 应是 'train' 或 'heldout'，收到 {split!r}。")
        return [k for k, s in enumerate(self.split) if s == split]

    def batch(self, split: str) -> Batch:
        """All sentences of `split`, encoded."""
        k = self.indices(split)
        return encode([self.sentences[i] for i in k], self.words, [self.roles[i] for i in k])

    def find(self, sentence: str) -> int:
        """Index of the sentence written `sentence` (e.g. "猫吃鱼")."""
        k = self._by_text.get(sentence)
        if k is None:
            raise ValueError(f"语料里没有句子“{sentence}”。")
        return k

    @functools.cached_property
    def _by_text(self) -> dict[str, int]:
        by_text: dict[str, int] = {}
        for k, words in enumerate(self.sentences):
            by_text.setdefault("".join(words), k)  # the first sentence written this way
        return by_text


@functools.cache
def load_role_corpus(path: str | os.PathLike | None = None) -> RoleCorpus:
    """Read data/role_corpus.tsv (or `path`).

    Introduced in notebook 08.
    """
    path = Path(path) if path is not None else CORPUS_PATH
    if not path.exists():
        raise FileNotFoundError(f"找不到语料文件 {path}。请运行 python scripts/make_role_corpus.py 重新生成。")
    lines = path.read_text(encoding="utf-8").splitlines()
    if lines[1].split("\t") != ["split", "sentence", "words", "roles"]:
        raise ValueError(f"{path} 第 2 行应是表头 split/sentence/words/roles。")
    words, sentences, roles, split = {}, [], [], []
    for lineno, line in enumerate(lines[2:], start=3):
        cells = line.split("\t")
        toks, labs = cells[2].split(), cells[3].split()
        if len(cells) != 4 or len(toks) != len(labs) or "".join(toks) != cells[1] or not set(labs) <= set(ROLES):
            raise ValueError(f"{path} 第 {lineno} 行格式不对：{line!r}")
        for t in toks:
            words.setdefault(t, len(words))
        sentences.append(tuple(toks))
        roles.append(tuple(labs))
        split.append(cells[0])
    return RoleCorpus(tuple(words), tuple(sentences), tuple(roles), tuple(split))


def encode(sentences, words, roles=None) -> Batch:
    """Turn sentences (lists of words) into a padded :class:`Batch`.

    Introduced in notebook 08.

    Parameters
    ----------
    sentences : sequence of sequence of str, length B
    words : sequence of str          the word list of the corpus (index = id)
    roles : sequence of sequence of str, optional
        The role of every word; labels are PAD when not given.
    """
    index = {w: i for i, w in enumerate(words)}
    sentences = [list(s) for s in sentences]
    if not sentences or any(len(s) == 0 for s in sentences):
        raise ValueError("sentences 应是非空的句子列表，每句至少一个词。")
    unknown = sorted({w for s in sentences for w in s if w not in index})
    if unknown:
        raise ValueError(f"这些词不在语料的词表里：{unknown}。可用的词：{''.join(words[:8])}……")
    n = max(len(s) for s in sentences)
    ids = np.zeros((len(sentences), n), dtype=np.int64)  # (B, n)
    valid = np.zeros((len(sentences), n), dtype=bool)
    labels = np.full((len(sentences), n), PAD, dtype=np.int64)
    for b, s in enumerate(sentences):
        ids[b, :len(s)] = [index[w] for w in s]
        valid[b, :len(s)] = True
        if roles is not None:
            labels[b, :len(s)] = [ROLES.index(r) for r in roles[b]]
    return Batch(ids, valid, labels)


def word_classes(corpus: RoleCorpus) -> dict[str, str]:
    """Which kind of word each word is: 名词 (noun), 动词 (verb), 被, 了 or 时间词 (time word).

    Read off the roles a word takes in the corpus (a noun is sometimes 施事, sometimes 受事).
    """
    seen: dict[str, set] = {}
    for s, r in zip(corpus.sentences, corpus.roles):
        for w, role in zip(s, r):
            seen.setdefault(w, set()).add(role)
    kinds = {}
    for w, rs in seen.items():
        if rs & {"施事", "受事"}:
            kinds[w] = "名词"
        elif rs == {"动作"}:
            kinds[w] = "动词"
        else:
            kinds[w] = w if w in ("被", "了") else "时间词"
    return kinds

"""Notebook 07 without the weights: the real model's attention, precomputed for a few sentences.

Introduced in notebook 07. scripts/precompute_attention.py runs the live model on
`CURATED_SENTENCES` and writes data/pretrained_attention.npz; `PrecomputedModel` serves that
file with the same `.attentions(text)` as `MiniLM`, and `load_model_or_precomputed` picks
whichever is available. The same file keeps notebook 07's costly analyses of the tired
sentence (the 72 single-head ablations and more), read by `load_analysis` in both modes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .model import MiniLM, load_model
from .weights import INSTALL_HINT, ModelNotAvailable

__all__ = ["CURATED_SENTENCES", "LIVE_MODE_HINT", "PRECOMPUTED", "ANALYSIS_KEYS", "PrecomputedModel", "load_analysis",
           "load_model_or_precomputed"]

LIVE_MODE_HINT = f"离线模式：只能查看预先计算的句子。要实时运行模型，请安装模型文件：{INSTALL_HINT}，然后重启内核。"
PRECOMPUTED = Path(__file__).resolve().parents[2] / "data" / "pretrained_attention.npz"
CURATED_SENTENCES = (  # served without the weights; scripts/precompute_attention.py writes them
    "The animal didn't cross the street because it was too tired.",
    "The animal didn't cross the street because it was too wide.",
    "The cat ate the fish because it was hungry.",
    "The trophy didn't fit in the suitcase because it was too big.",
    "猫吃鱼",  # the vocabulary lacks 猫, 吃 and 鱼: three [UNK] tokens, worth showing
)


# notebook 07's analyses that cost many forward passes, for CURATED_SENTENCES[0] (the tired sentence)
ANALYSIS_KEYS = (
    "word_cosine",  # (L, h): cosine of "it"'s last hidden state, all heads vs head (l, j) off
    "sentence_cosine",  # (L, h): the same for the sentence embedding
    "reference_word_cosine",  # (): cosine of "it"'s last hidden state, tired vs wide sentence, all heads on
    "reference_sentence_cosine",  # (): the same for the sentence embeddings
    "contributions",  # (L, n, n): norm-based contributions (helpers.pretrained.contributions)
    "contributions_residual",  # (L, n, n): the same with the residual connection
)


def _precomputed_file(path=None) -> Path:
    """`path` (default data/pretrained_attention.npz) when the file is there; else a message that says how to make it."""
    path = Path(path) if path is not None else PRECOMPUTED
    if not path.is_file():
        raise FileNotFoundError(
            f"预先计算的注意力文件 {path} 不存在 (precomputed attention file missing)。"
            f"请用 python scripts/precompute_attention.py 重新生成（需要模型文件），或安装模型文件：{INSTALL_HINT}。"
        )
    return path


def load_analysis(path=None) -> dict:
    """Notebook 07's stored analyses of the tired sentence, CURATED_SENTENCES[0] (live or not).

    Introduced in notebook 07. The single-head sweep takes 72 forward passes, several seconds:
    scripts/precompute_attention.py computes it once with the live model and
    tests/test_pretrained_precomputed.py checks that it still equals the live model.

    Returns
    -------
    dict
        "text" (the sentence) and every name of `ANALYSIS_KEYS`, as float64 arrays.
    """
    with np.load(_precomputed_file(path), allow_pickle=False) as data:
        out = {"text": str(data["analysis_text"])}
        out.update({k: data[f"analysis_{k}"].astype(np.float64) for k in ANALYSIS_KEYS})
    return out


class PrecomputedModel:
    """The same `.attentions(text)` as MiniLM, for the curated sentences in data/ only.

    Introduced in notebook 07: the notebook runs end to end without the weights.

    Attributes
    ----------
    sentences : list of str
        The sentences it can serve.
    reason : str
        Why the live model is not used (empty if not known).
    """

    def __init__(self, path=None, reason: str = ""):
        with np.load(_precomputed_file(path), allow_pickle=False) as data:
            self.sentences = [str(s) for s in data["sentences"]]
            self._data = {
                s: ([str(t) for t in data[f"tokens_{i}"]], data[f"attentions_{i}"].astype(np.float32))
                for i, s in enumerate(self.sentences)
            }
        self.reason = reason

    def __repr__(self) -> str:
        return f"PrecomputedModel({len(self.sentences)} sentences)"

    def attentions(self, text: str) -> tuple[list[str], np.ndarray]:
        """Tokens and weights (L, h, n, n), float32, for one of `self.sentences`."""
        if not isinstance(text, str):
            raise TypeError(f"text 应是字符串，收到 {type(text).__name__}。 (text must be a str.)")
        key = " ".join(text.split())
        if key not in self._data:
            listing = "\n".join(f"  - {s}" for s in self.sentences)
            raise ValueError(
                f"离线模式下只有这些句子的预先计算结果 (only these sentences are precomputed)：\n{listing}\n"
                f"收到：{text!r}。要对任意句子实时运行模型，请安装模型文件：{INSTALL_HINT}，然后重启内核。"
            )
        tokens, weights = self._data[key]
        return list(tokens), weights.copy()

    def _needs_live_model(self, what: str):
        raise ModelNotAvailable(
            f"{what} 需要实时运行模型，离线模式只有预先计算的注意力权重。请安装模型文件：{INSTALL_HINT}，"
            f"然后重启内核。 ({what} needs the live model; offline mode only has precomputed attention.)"
        )

    def run(self, text: str, head_mask=None):
        """Not available offline: raises ModelNotAvailable with the install command."""
        self._needs_live_model("run（前向传播与消融 ablation）")

    def sentence_embedding(self, text: str, head_mask=None):
        """Not available offline: raises ModelNotAvailable with the install command."""
        self._needs_live_model("sentence_embedding（句向量 sentence embedding）")


def load_model_or_precomputed() -> tuple[MiniLM | PrecomputedModel, bool]:
    """The live model if its weights are installed and intact, otherwise the precomputed one.

    Introduced in notebook 07.

    Returns
    -------
    model : MiniLM or PrecomputedModel
        Both have `.attentions(text) -> (tokens, weights (L, h, n, n))`.
    is_live : bool
        False means only `model.sentences` can be shown; `LIVE_MODE_HINT` says how to change that
        and `model.reason` says why.
    """
    try:
        return load_model(), True
    except ModelNotAvailable as exc:  # also ModelFileCorrupted
        return PrecomputedModel(reason=str(exc)), False

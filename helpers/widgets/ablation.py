"""Notebook 07: switch heads of the real model off and measure what changes (HeadAblationExplorer).

Introduced in notebook 07. A head mask of shape (L, h) multiplies each head's output before
the output projection W_O: 1 keeps the head, 0 removes it (``helpers.pretrained.MiniLM.run``).
This module only builds masks and measures what they change.

Shape legend:
    L  layers (6), h  heads per layer (12), n  tokens, d  hidden size (384), d_h = d / h
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import views
from ._base import _Widget

__all__ = ["head_mask_for", "cosine", "ablation_effect", "single_head_sweep", "HeadAblationExplorer"]


def head_mask_for(layers: int, heads: int, *, off=(), only=None) -> np.ndarray:
    """A (layers, heads) mask of ones, with the heads in `off` set to 0.

    Introduced in notebook 07. ``only=(l, j)`` keeps head j of layer l and switches off the
    other heads **of that layer** (the other layers stay whole).
    """
    mask = np.ones((layers, heads), dtype=np.float32)
    for l, j in off:
        if not (0 <= l < layers and 0 <= j < heads):
            raise ValueError(f"头 ({l}, {j}) 不存在：层应在 0–{layers - 1}，头应在 0–{heads - 1}。 (no such head.)")
        mask[l, j] = 0.0
    if only is not None:
        l, j = only
        if not (0 <= l < layers and 0 <= j < heads):
            raise ValueError(f"头 ({l}, {j}) 不存在：层应在 0–{layers - 1}，头应在 0–{heads - 1}。 (no such head.)")
        mask[l] = 0.0
        mask[l, j] = 1.0
    return mask


def cosine(a, b) -> float:
    """Cosine similarity of two vectors (1 = same direction)."""
    a, b = np.asarray(a, dtype=np.float64).ravel(), np.asarray(b, dtype=np.float64).ravel()
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def ablation_effect(model, text: str, head_mask, *, word: str = "it", full=None) -> dict:
    """What a head mask changes: the word's last hidden state and the sentence embedding.

    Introduced in notebook 07.

    Needs the live model (``model.run``). `full` may pass in the unmasked run (a Forward of
    the same text) to save one forward pass.

    Returns
    -------
    dict with
        word_cosine : float   cosine(word's last hidden state with all heads, with the mask)
        sentence_cosine : float   the same for the sentence embeddings
        attentions : ndarray (L, h, n, n)   the masked run's attention
        tokens : list of str
    """
    if not hasattr(model, "layers"):
        raise ValueError("关掉头需要实时运行模型（离线的预先计算结果不能重新运行）。 (needs the live model.)")
    full = model.run(text) if full is None else full
    masked = model.run(text, head_mask=head_mask)
    if word not in full.tokens:
        raise ValueError(f"词元 {word!r} 不在 {full.tokens} 里。 (word must be one of the tokens.)")
    i = full.tokens.index(word)

    def pooled(fwd):
        mean = fwd.hidden_states[-1].mean(axis=0)  # (d,)
        return mean / np.linalg.norm(mean)

    return {"word_cosine": cosine(full.hidden_states[-1, i], masked.hidden_states[-1, i]),
            "sentence_cosine": cosine(pooled(full), pooled(masked)),
            "attentions": masked.attentions, "tokens": full.tokens}


def single_head_sweep(model, text: str, *, word: str = "it", full=None) -> dict:
    """Switch off each head alone, one at a time: `ablation_effect` for all L · h heads.

    Introduced in notebook 07. L · h forward passes (72 for all-MiniLM-L6-v2, several seconds),
    so notebook 07 reads the result for its sentence from data/ (scripts/precompute_attention.py
    writes it; tests/test_pretrained_precomputed.py checks it against the live model).

    Returns
    -------
    dict with
        word_cosine : ndarray, shape (L, h)   `ablation_effect`'s word_cosine with head (l, j) off
        sentence_cosine : ndarray, shape (L, h)   the same for the sentence embedding
    """
    full = model.run(text) if full is None else full
    L, h = full.attentions.shape[:2]
    word_cos, sentence_cos = np.zeros((L, h)), np.zeros((L, h))
    for l in range(L):
        for j in range(h):
            e = ablation_effect(model, text, head_mask_for(L, h, off=[(l, j)]), word=word, full=full)
            word_cos[l, j], sentence_cos[l, j] = e["word_cosine"], e["sentence_cosine"]
    return {"word_cosine": word_cos, "sentence_cosine": sentence_cos}


class HeadAblationExplorer(_Widget):
    """Pick a layer and a head, switch it off (or keep only it in its layer); see what changes.

    Introduced in notebook 07. Needs the live model.

    Attributes
    ----------
    effect : dict
        The last `ablation_effect` result.
    """

    def __init__(self, model, text: str, *, layer: int = 0, head: int = 0, word: str = "it", target: str = "animal"):
        self.model, self.text, self.word, self.target = model, text, word, target
        if not hasattr(model, "layers"):
            raise ValueError("关掉头需要实时运行模型（离线的预先计算结果不能重新运行）。 (needs the live model.)")
        self.full = model.run(text)
        if word not in self.full.tokens or target not in self.full.tokens:
            raise ValueError(f"{word!r} 和 {target!r} 都应是句子的词元，收到 {self.full.tokens}。")
        L, h = self.full.attentions.shape[:2]
        self.layer = W.IntSlider(value=layer, min=0, max=L - 1, description="层 layer")
        self.head = W.IntSlider(value=head, min=0, max=h - 1, description="头 head")
        self.mode = W.ToggleButtons(options=[("关掉这个头", "off"), ("这一层只留这个头", "only")], value="off",
                                    description="实验")
        self.view = W.HTML()
        self.effect: dict = {}
        self._runs: dict = {}  # (mode, layer, head) -> ablation_effect
        for c in (self.layer, self.head, self.mode):
            c.observe(lambda change: self._guard(self.recompute), "value")
        self.recompute()
        self.widget = W.VBox([self.mode, W.HBox([self.layer, self.head]), self.view])

    def recompute(self) -> None:
        """Run the model with the chosen mask and redraw."""
        L, h = self.full.attentions.shape[:2]
        l, j = self.layer.value, self.head.value
        key = (self.mode.value, l, j)
        if key not in self._runs:  # one forward pass per setting; going back to a setting costs nothing
            mask = head_mask_for(L, h, off=[(l, j)]) if self.mode.value == "off" else head_mask_for(L, h, only=(l, j))
            self._runs[key] = ablation_effect(self.model, self.text, mask, word=self.word, full=self.full)
        e = self._runs[key]
        self.effect = e
        t = e["tokens"]
        i, k = t.index(self.word), t.index(self.target)
        before = self.full.attentions[:, :, i, k].max(axis=1)  # (L,): the strongest head's word → target
        after = e["attentions"][:, :, i, k].max(axis=1)
        rows = np.stack([before, after])  # (2, L)
        self._show(
            views.table_html(np.array([[e["word_cosine"], e["sentence_cosine"]]]), ["余弦相似度"],
                             [f"“{self.word}”的最终向量", "句子向量"], fmt="{:.4f}")
            + views.table_html(rows, ["全部的头", "改动之后"], [f"第 {x} 层" for x in range(L)], fmt="{:.3f}")
            + f'<div style="font-size:12px;color:#666">第二张表：每层里“{self.word}”→“{self.target}”权重最大的那个头的权重。'
              "1.0000 = 完全没变。</div>")

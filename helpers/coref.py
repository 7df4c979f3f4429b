"""A two-layer attention model you can read, that resolves "it" → animal / street.

Introduced in notebook 07 (part 1). Built by hand on the interpretable embeddings of the
toy vocabulary (helpers.text), the way the answer emerges in real models:

- **Layer 0 — "it" reads its adjective.** The pronoun (指代) asks for a property word (性质);
  the adjective hands over what it needs: "tired" needs something 动物 (alive), "wide"
  needs something 地点 (a place). A residual connection adds that to "it".
- **Layer 1 — "it" finds its referent.** "it" now carries 动物 or 地点 and asks for a noun
  with the same feature. Property words and pronouns get negative keys, so "it" does not
  pick the adjective or itself.

Shape legend:
    n  tokens, d  named features (9), d_k / d_v  coordinates of one layer
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .attention import scaled_dot_product_attention
from .text import embed, load_vocabulary, readable_matrix, tokenize

# Layer 0 (0-based, as in the notebook): the pronoun asks for a property word; the property word hands over 动物 / 地点.
LAYER0 = {
    "qk": ["性质"],
    "v": ["动物", "地点"],
    "query": {("指代", "性质"): 6.0},
    "key": {("性质", "性质"): 1.0},
    "value": {("动物", "动物"): 1.0, ("地点", "地点"): 1.0},
}
# Layer 1: a word carrying 动物 / 地点 asks for a noun with that feature.
LAYER1 = {
    "qk": ["动物", "地点"],
    "v": ["动物", "地点"],
    "query": {("动物", "动物"): 8.0, ("地点", "地点"): 8.0},
    "key": {("动物", "动物"): 1.0, ("地点", "地点"): 1.0,
            ("性质", "动物"): -1.0, ("性质", "地点"): -1.0,   # adjectives are not referents
            ("指代", "动物"): -1.0, ("指代", "地点"): -1.0},  # nor are pronouns
    "value": {("动物", "动物"): 1.0, ("地点", "地点"): 1.0},
}


@dataclass(frozen=True)
class Layer:
    """The matrices of one hand-built layer (all readable by feature name).

    W_Q, W_K : (d, d_k); W_V : (d, d_v); W_O : (d_v, d) writes the value back into the
    named features it came from (the residual stream).
    """

    qk: list
    v: list
    W_Q: np.ndarray
    W_K: np.ndarray
    W_V: np.ndarray
    W_O: np.ndarray


def build_layer(spec: dict) -> Layer:
    """Turn a rule dictionary (LAYER0, LAYER1) into matrices."""
    features = load_vocabulary().features
    W_O = np.zeros((len(spec["v"]), len(features)))
    for i, name in enumerate(spec["v"]):
        W_O[i, features.index(name)] = 1.0  # (d_v, d): value coordinate -> the feature of the same name
    return Layer(spec["qk"], spec["v"],
                 readable_matrix(spec["query"], d_out=spec["qk"]),
                 readable_matrix(spec["key"], d_out=spec["qk"]),
                 readable_matrix(spec["value"], d_out=spec["v"]), W_O)


@dataclass(frozen=True)
class CorefResult:
    """Everything the two layers computed for one sentence.

    Attributes
    ----------
    tokens : list of str, length n
    X0, X1, X2 : ndarray, shape (n, d)   the residual stream before / after each layer
    weights1, weights2 : ndarray, shape (n, n)
    unknown : list of bool
    """

    tokens: list
    X0: np.ndarray
    X1: np.ndarray
    X2: np.ndarray
    weights1: np.ndarray
    weights2: np.ndarray
    unknown: list

    def row(self, layer: int, word: str = "it") -> np.ndarray:
        """The attention row of `word` (its last occurrence) in layer 1 or 2."""
        i = len(self.tokens) - 1 - self.tokens[::-1].index(word)
        return (self.weights1 if layer == 1 else self.weights2)[i]

    def layer_row(self, layer: int, word: str = "it") -> np.ndarray:
        """The attention row of `word` in layer 0 (reads the adjective) or layer 1 (finds the referent).

        0-based, as everywhere in the course; ``row(1)`` and ``row(2)`` are the same rows.
        """
        if layer not in (0, 1):
            raise ValueError(f"layer 应是 0 或 1（两层模型，从 0 数起），收到 {layer!r}。 (layer must be 0 or 1.)")
        return self.row(layer + 1, word)

    def referent(self, word: str = "it") -> str:
        """The token `word` attends to most in layer 2."""
        return self.tokens[int(np.argmax(self.row(2, word)))]


def residual_attention(X, layer: Layer):
    """One attention layer with a residual connection: X + attention(X) W_O.

    Parameters
    ----------
    X : ndarray, shape (n, d)

    Returns
    -------
    X_next : ndarray, shape (n, d)
    weights : ndarray, shape (n, n)
    """
    Q, K, V = X @ layer.W_Q, X @ layer.W_K, X @ layer.W_V  # (n, d) @ (d, d_k) -> (n, d_k)
    out, weights = scaled_dot_product_attention(Q, K, V)  # (n, d_v), (n, n)
    return X + out @ layer.W_O, weights  # (n, d_v) @ (d_v, d) -> (n, d)


def resolve(text_or_tokens) -> CorefResult:
    """Run the two hand-built layers on a sentence (a string or a list of tokens).

    Introduced in notebook 07.
    """
    tokens = tokenize(text_or_tokens) if isinstance(text_or_tokens, str) else list(text_or_tokens)
    if not tokens:
        raise ValueError("句子里没有词。")
    X0, unknown = embed(tokens)  # (n, d)
    X1, w1 = residual_attention(X0, build_layer(LAYER0))
    X2, w2 = residual_attention(X1, build_layer(LAYER1))
    return CorefResult(tokens, X0, X1, X2, w1, w2, unknown)


def decide(weights, labels, *, margin: float = 0.1):
    """Name the word a row of weights points to, or say that it points to none.

    Introduced in notebook 07. An argmax always names a word, even when two words get the
    same weight or every weight is about 1/n; a reader then takes a tie for an answer. This
    answers only when the largest weight beats the runner-up by at least `margin`.

    Parameters
    ----------
    weights : array_like, shape (n,)
        One query's attention weights (e.g. ``CorefResult.row(2)``).
    labels : sequence of str, length n
    margin : float
        The smallest lead (in weight) that counts as an answer; 0 ≤ margin < 1.

    Returns
    -------
    answer : str or None
        The label with the largest weight, or None for a tie / a flat row.
    reason : str
        One sentence in Chinese with the two largest weights and the gap.
    """
    w = np.asarray(weights, dtype=float)
    labels = [str(x) for x in labels]
    if w.ndim != 1 or w.size == 0:
        raise ValueError(f"weights 应是一维、非空的一行权重，收到形状 {w.shape}。 "
                         f"(weights must be one non-empty row, shape (n,).)")
    if len(labels) != w.size:
        raise ValueError(f"labels 应有 {w.size} 个（与 weights 一样长），收到 {len(labels)} 个。 "
                         f"(labels must have one entry per weight.)")
    if not np.all(np.isfinite(w)):
        raise ValueError("weights 里有 NaN 或无穷大，请先检查计算。 (weights contain NaN or inf.)")
    if isinstance(margin, bool) or not isinstance(margin, (int, float)) or not 0 <= margin < 1:
        raise ValueError(f"margin 应是 0 到 1 之间（不含 1）的数，收到 {margin!r}。 (margin must be in [0, 1).)")
    if w.size == 1:
        return labels[0], f"只有一个词：{labels[0]}。"
    order = np.argsort(-w, kind="stable")
    first, second = int(order[0]), int(order[1])
    gap = float(w[first] - w[second])
    if gap >= margin:
        return labels[first], (f"{labels[first]} 的权重 {w[first]:.3f} 比第二名 {labels[second]} 的 "
                               f"{w[second]:.3f} 高 {gap:.3f}（≥ {margin:g}）。")
    if float(w.max() - w.min()) < margin:
        return None, (f"分不出：全部 {w.size} 个权重都差不多（{w.min():.3f} 到 {w.max():.3f}，"
                      f"平均是 1/{w.size} = {1 / w.size:.3f}），没有哪个词明显胜出。")
    return None, (f"平局：{labels[first]} {w[first]:.3f} 和 {labels[second]} {w[second]:.3f} "
                  f"只差 {gap:.3f}（< {margin:g}），模型分不出两者。")

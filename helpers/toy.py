"""The readable Q/K/V of 猫吃鱼: projection rules a person can check, used from notebook 02 on.

Introduced in notebook 02. The 9 named features of the toy vocabulary (helpers.text) are
projected to 3 coordinates, as small as the article's ``[0.2, -0.5, 1.3]``:

- Q and K live in the space (动作, 施事, 受事). K says what a word *is* ("I am an action");
  Q says what a word *looks for* ("I look for an action").
- V lives in the space (动物, 食物, 动作): the information a word hands over.

Rule ``("施事", "动作"): 3.0`` in ``QUERY_RULES`` reads: "a word with the 施事 (doer)
feature looks for an 动作 (action), with strength 3".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .text import embed, readable_matrix, tokenize

QK_COORDS = ["动作", "施事", "受事"]
V_COORDS = ["动物", "食物", "动作"]

QUERY_RULES = {
    ("施事", "动作"): 3.0,  # the doer looks for its action
    ("受事", "动作"): 3.0,  # what is acted on looks for its action
    ("动作", "施事"): 3.0,  # the action looks for who does it …
    ("动作", "受事"): 3.0,  # … and for what it is done to
}
KEY_RULES = {
    ("动作", "动作"): 1.0,  # "I am an action"
    ("施事", "施事"): 1.0,  # "I am a doer"
    ("受事", "受事"): 1.0,  # "I am acted on"
}
VALUE_RULES = {
    ("动物", "动物"): 1.0,
    ("食物", "食物"): 1.0,
    ("动作", "动作"): 1.0,
}


@dataclass(frozen=True)
class ToyQKV:
    """Everything notebook 02 builds for one sentence.

    Attributes
    ----------
    tokens : list of str, length n
    X : ndarray, shape (n, d)        named-feature embeddings (d = 9)
    W_Q, W_K : ndarray, shape (d, 3)
    W_V : ndarray, shape (d, 3)
    Q, K : ndarray, shape (n, 3)     coordinates QK_COORDS
    V : ndarray, shape (n, 3)        coordinates V_COORDS
    unknown : list of bool
    """

    tokens: list
    X: np.ndarray
    W_Q: np.ndarray
    W_K: np.ndarray
    W_V: np.ndarray
    Q: np.ndarray
    K: np.ndarray
    V: np.ndarray
    unknown: list


def projection_matrices():
    """(W_Q, W_K, W_V), each of shape (d, 3), built from the rules above."""
    return (readable_matrix(QUERY_RULES, d_out=QK_COORDS),
            readable_matrix(KEY_RULES, d_out=QK_COORDS),
            readable_matrix(VALUE_RULES, d_out=V_COORDS))


def toy_qkv(text: str = "猫吃鱼") -> ToyQKV:
    """Tokenise `text`, embed it and project it with the readable matrices.

    Introduced in notebook 02.
    """
    tokens = tokenize(text)
    if not tokens:
        raise ValueError(f"“{text}”里没有可以分析的词。")
    X, unknown = embed(tokens)  # (n, d)
    W_Q, W_K, W_V = projection_matrices()  # (d, 3) each
    return ToyQKV(tokens, X, W_Q, W_K, W_V,
                  Q=X @ W_Q,  # (n, d) @ (d, 3) -> (n, 3)
                  K=X @ W_K,
                  V=X @ W_V,
                  unknown=unknown)

"""How much each token contributes to another, weighted by the size of what it sends (Kobayashi et al. 2020).

Introduced in notebook 07. An attention weight says how much of token j's value a head takes,
not how large that value is. Kobayashi et al. (2020, "Attention is Not Only a Weight") measure
instead the length of what token j really adds to token i in one layer, summed over the heads:

    C[i, j] = ‖ Σ_h  A_h[i, j] · f_h(x_j) ‖,    f_h(x_j) = v_h(x_j) W_O,h

where v_h(x_j) = x_j W_V + b_V restricted to head h (length d_h) and W_O,h the d_h columns of
the output projection that belong to head h (the bias b_O is shared by all tokens and left out).
With ``residual`` the layer's input x_i is added to its own term, C[i, i] (the residual connection).
That option is the course's own simplification, not Kobayashi et al. (2020), who leave the residual
out: it adds the whole x_i and ignores the LayerNorm after the residual. Kobayashi et al. (2021,
"Incorporating Residual and Normalization Layers into Analysis of Masked Language Models") analyse
both. Chaining these per-layer shares into a rollout (notebook 07) is also the course's combination.

Shape legend: L layers, h heads, n tokens, d hidden size, d_h = d / h.
"""

from __future__ import annotations

import numpy as np

from helpers.attention import split_heads

from .model import linear

__all__ = ["norm_contributions", "layer_contributions"]


def norm_contributions(weights, values, w_o, residual=None) -> np.ndarray:
    """The norm-based contribution of every token j to every token i in one attention layer.

    Introduced in notebook 07.

    Parameters
    ----------
    weights : array_like, shape (h, n, n)
        Attention weights of the layer's heads, A_h[i, j] (rows sum to 1).
    values : array_like, shape (h, n, d_h)
        The value vectors v_h(x_j) of each head (bias included).
    w_o : array_like, shape (d, h · d_h)
        The output projection stored (out, in) as PyTorch stores it; columns
        h·d_h … (h+1)·d_h − 1 belong to head h.
    residual : array_like, shape (n, d), optional
        The layer's input; x_i is added to the term of token i itself (i = j).

    Returns
    -------
    ndarray, shape (n, n)
        C[i, j] = ‖Σ_h A_h[i, j] f_h(x_j) (+ x_i if i = j and residual is given)‖, all ≥ 0.
    """
    a = np.asarray(weights, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    w = np.asarray(w_o, dtype=np.float64)
    h, n, d_h = v.shape
    if a.shape != (h, n, n) or w.shape[1] != h * d_h:
        raise ValueError(f"形状不匹配 (shapes do not match)：weights {a.shape} 应为 ({h}, {n}, {n})，"
                         f"w_o {w.shape} 应为 (d, {h * d_h})。")
    blocks = w.T.reshape(h, d_h, w.shape[0])  # (h·d_h, d) -> (h, d_h, d): W_O,h for each head
    f = v @ blocks  # (h, n, d_h) @ (h, d_h, d) -> (h, n, d): f_h(x_j)
    terms = np.einsum("hij,hjd->ijd", a, f)  # (n, n, d): Σ_h A_h[i, j] f_h(x_j)
    if residual is not None:
        x = np.asarray(residual, dtype=np.float64)
        terms[np.arange(n), np.arange(n)] += x  # (n, d): token i keeps itself
    return np.linalg.norm(terms, axis=-1)  # (n, n)


def layer_contributions(model, text: str, *, residual: bool = False) -> np.ndarray:
    """`norm_contributions` of every layer of the live model, for one text.

    Introduced in notebook 07. Needs the live model (its W_V and W_O).

    Returns
    -------
    ndarray of float64, shape (L, n, n)
    """
    if not hasattr(model, "layers"):
        raise ValueError("这一步要用模型的 W_V 和 W_O，需要实时运行模型。 (needs the live model.)")
    run = model.run(text)
    h = run.attentions.shape[1]
    out = []
    for layer, p in enumerate(model.layers):
        x = run.hidden_states[layer]  # (n, d): the layer's input
        values = split_heads(linear(x, p["w_v"], p["b_v"]), h)  # (n, d) -> (h, n, d_h)
        out.append(norm_contributions(run.attentions[layer], values, p["w_o"], x if residual else None))
    return np.stack(out)  # (L, n, n)

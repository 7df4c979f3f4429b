# 第 07 课练习的参考答案 (reference solutions). 先自己试，再看答案！
import numpy as np


def top_head(weights, tokens, query, key):
    """(layer, head) in which `query` gives the largest weight to `key`."""
    i, j = tokens.index(query), tokens.index(key)
    per_head = weights[:, :, i, j]                     # (L, h)
    layer, head = np.unravel_index(np.argmax(per_head), per_head.shape)
    return int(layer), int(head)


def layer_norm(x, gamma, beta):
    """LayerNorm over the last axis, eps = 1e-12 (BERT's value)."""
    mu = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + 1e-12) * gamma + beta

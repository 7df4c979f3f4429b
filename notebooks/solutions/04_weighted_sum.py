# 第 04 课练习的参考答案 (reference solutions). 先自己试，再看答案！
import numpy as np


def weighted_sum(weights_row, V):
    """Σ_j weights_row[j] · V[j]。"""
    return weights_row @ V  # (n_k,) @ (n_k, d_v) -> (d_v,)


def my_attention(Q, K, V):
    """从零实现：返回 (output, weights)。"""
    d_k = Q.shape[-1]
    scores = Q @ K.T / np.sqrt(d_k)  # (n_q, n_k)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return weights @ V, weights  # (n_q, d_v), (n_q, n_k)


def my_masked_attention(Q, K, V, mask):
    """带遮挡：mask 为 False 的位置分数变成 -inf，softmax 之后权重恰好为 0。"""
    d_k = Q.shape[-1]
    scores = Q @ K.T / np.sqrt(d_k)
    scores = np.where(mask, scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return weights @ V, weights

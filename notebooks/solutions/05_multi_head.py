# 第 05 课练习的参考答案 (reference solutions). 先自己试，再看答案！
import numpy as np


def my_split_heads(x, h):
    """(n, d) -> (h, n, d // h)：头 i 拿每个词的第 i 段列。"""
    n, d = x.shape
    x = x.reshape(n, h, d // h)          # (n, d) -> (n, h, d/h)：每个词的 d 列切成 h 段
    return np.transpose(x, (1, 0, 2))    # (n, h, d/h) -> (h, n, d/h)


def my_multi_head(X, W_Q, W_K, W_V, W_O, h):
    """多头注意力：返回 (output (n, d_o), weights (h, n, n))。"""
    Q = my_split_heads(X @ W_Q, h)       # (n, h·d_k) -> (h, n, d_k)
    K = my_split_heads(X @ W_K, h)
    V = my_split_heads(X @ W_V, h)       # (h, n, d_v)
    d_k = Q.shape[-1]                    # 一个头的宽度
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(d_k)          # (h, n, d_k) @ (h, d_k, n) -> (h, n, n)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = e / e.sum(axis=-1, keepdims=True)                 # 每个头、每一行和为 1
    heads = weights @ V                                         # (h, n, n) @ (h, n, d_v) -> (h, n, d_v)
    concat = np.concatenate(list(heads), axis=-1)               # h 个 (n, d_v) -> (n, h·d_v)
    return concat @ W_O, weights                                # (n, h·d_v) @ (h·d_v, d_o) -> (n, d_o)


def head_parameters(d, h, d_k, d_v):
    """W_Q、W_K：(d, h·d_k)；W_V：(d, h·d_v)；W_O：(h·d_v, d)。"""
    return 2 * d * h * d_k + d * h * d_v + h * d_v * d

# 第 05 课练习的参考答案 (reference solutions). 先自己试，再看答案！
import numpy as np

from helpers.attention import scaled_dot_product_attention


def my_split_heads(x, h):
    """(n, d) -> (h, n, d // h)：头 i 拿每个词的第 i 段列。"""
    n, d = x.shape
    x = x.reshape(n, h, d // h)          # (n, d) -> (n, h, d/h)：每个词的 d 列切成 h 段
    return np.transpose(x, (1, 0, 2))    # (n, h, d/h) -> (h, n, d/h)


def my_merge_heads(heads):
    """(h, n, d_v) -> (n, h·d_v)：每个词一行，头 0 的 d_v 列在前。"""
    h, n, d_v = heads.shape
    return np.transpose(heads, (1, 0, 2)).reshape(n, h * d_v)   # (h, n, d_v) -> (n, h, d_v) -> (n, h·d_v)


def my_multi_head(X, W_Q, W_K, W_V, W_O, h):
    """多头注意力：返回 (output (n, d_o), weights (h, n, n))。"""
    Q = my_split_heads(X @ W_Q, h)       # (n, h·d_k) -> (h, n, d_k)
    K = my_split_heads(X @ W_K, h)
    V = my_split_heads(X @ W_V, h)       # (h, n, d_v)
    heads, weights = scaled_dot_product_attention(Q, K, V)   # 每个头除以它自己的 √d_k
    return my_merge_heads(heads) @ W_O, weights              # (n, h·d_v) @ (h·d_v, d_o) -> (n, d_o)


def head_parameters(d, h, d_k, d_v, d_o):
    """W_Q、W_K：(d, h·d_k)；W_V：(d, h·d_v)；W_O：(h·d_v, d_o)。"""
    return 2 * d * h * d_k + d * h * d_v + h * d_v * d_o

# 第 09 课练习的参考答案 (reference solutions). 先自己试，再看答案！
import numpy as np


def positional_encoding(n, d):
    """正弦位置编码：偶数列 sin，奇数列 cos，频率随列号降低。"""
    pos = np.arange(n)[:, None]               # (n, 1)
    i = np.arange(0, d, 2)[None, :]           # (1, d/2)
    angle = pos / 10000 ** (i / d)            # (n, d/2)
    pe = np.zeros((n, d))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle)
    return pe


def self_attention_layer(X, W_Q, W_K, W_V):
    """一层自注意力：投影 → 打分 → softmax → 加权求和。"""
    Q, K, V = X @ W_Q, X @ W_K, X @ W_V
    scores = Q @ K.T / np.sqrt(Q.shape[-1])
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights @ V


# 测验答案（第 1–12 题）
quiz_answers = {1: "B", 2: 8.2, 3: 0.72, 4: "B", 5: 1, 6: 0.3, 7: 3, 8: 64, 9: "B", 10: 1, 11: "C", 12: "B"}

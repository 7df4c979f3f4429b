# 第 04 课练习的参考答案 (reference solutions). 先自己试，再看答案！
import numpy as np


def weighted_sum(weights_row, V):
    """Σ_j weights_row[j] · V[j]。"""
    return weights_row @ V  # (n_k,) @ (n_k, d_v) -> (d_v,)


def my_attention(Q, K, V):
    """从零实现：返回 (output, weights)。"""
    d_k = Q.shape[-1]
    scores = Q @ K.T / np.sqrt(d_k)                        # (n_q, d_k) @ (d_k, n_k) -> (n_q, n_k)
    scores = scores - scores.max(axis=-1, keepdims=True)   # 每一行最大的变成 0：exp 不溢出
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return weights @ V, weights                            # (n_q, d_v), (n_q, n_k)


def my_masked_attention(Q, K, V, mask):
    """带掩码：mask 为 False 的分数变成 -inf，softmax 之后权重恰好为 0；全被掩码的一行权重全为 0。"""
    d_k = Q.shape[-1]
    scores = np.where(mask, Q @ K.T / np.sqrt(d_k), -np.inf)
    top = scores.max(axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)            # 全是 -inf 的一行：最大值换成 0，exp 得到全 0
    e = np.exp(scores - top)
    total = e.sum(axis=-1, keepdims=True)
    weights = np.divide(e, total, out=np.zeros_like(e), where=total > 0)
    return weights @ V, weights


# 因果掩码下“猫”只能看见自己；“鱼”是最后一个词，什么也没被挡住。
cat_row = [1.0, 0.0, 0.0]
fish_unchanged = True

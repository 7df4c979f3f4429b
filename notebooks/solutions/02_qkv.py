# 第 02 课练习的参考答案 (reference solutions). 先自己试，再看答案！
import numpy as np


def project(X, W_Q, W_K, W_V):
    """每个词的词向量分别乘三个矩阵，得到 Q、K、V。"""
    return X @ W_Q, X @ W_K, X @ W_V  # (n, d) @ (d, d_k) -> (n, d_k)


def raw_scores(Q, K):
    """未缩放的分数：第 i 行第 j 列 = Q[i] · K[j]。"""
    return Q @ K.T  # (n_q, d_k) @ (d_k, n_k) -> (n_q, n_k)


# “鱼”只提问“动作”，而且问得足够坚定：K(吃) = [1, 0, 0] 是唯一有“动作”分量的键。
q_fish = np.array([5.0, 0.0, 0.0])

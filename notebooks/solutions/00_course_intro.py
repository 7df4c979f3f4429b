# 第 00 课练习的参考答案 (reference solutions). 先自己试，再看答案！
import numpy as np


def dot(a, b):
    """两个向量的点积：对应分量相乘再相加。"""
    return float(np.sum(a * b))


# X (5, 9) @ W_Q (9, 3) -> (5, 3)；Q (5, 3) @ K.T (3, 5) -> (5, 5)；weights (5, 5) @ V (5, 4) -> (5, 4)
shapes = {"Q = X @ W_Q": (5, 3), "Q @ K.T": (5, 5), "weights @ V": (5, 4)}


def row_sums(M):
    """每一行的和：沿着一行往右加，axis=1。"""
    return M.sum(axis=1)

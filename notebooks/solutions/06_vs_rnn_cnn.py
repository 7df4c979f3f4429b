# 第 06 课练习的参考答案 (reference solutions). 先自己试，再看答案！
import math

import numpy as np


def rnn_forward(X, W_x, W_h, b):
    """h_t = tanh(x_t W_x + h_{t-1} W_h + b)，h 从 0 开始；返回所有 h_t，形状 (n, d_h)。"""
    h = np.zeros(W_h.shape[0])
    states = []
    for x_t in X:                        # 一步一步：第 t 步要等第 t-1 步的 h
        h = np.tanh(x_t @ W_x + h @ W_h + b)
        states.append(h)
    return np.array(states)


def predicted_path_length(kind, n, k):
    """从第 1 个词到第 n 个词要几跳（RNN：步；CNN、注意力：层）。"""
    distance = n - 1
    if kind == "attention":
        return 1                         # 每个词直接看所有词
    if kind == "rnn":
        return distance                  # 每步前进一个位置
    if kind == "cnn":
        return -(-distance // (k - 1))   # 每层前进 k-1 个位置，向上取整（整数运算）
    if kind == "cnn_dilated":
        layers, seen = 0, 1
        while seen < n:                  # L 层之后能看到 k**L 个位置；整数循环，没有对数的浮点误差
            layers, seen = layers + 1, seen * k
        return layers
    raise ValueError(kind)


def max_length(memory_bytes, h, layers, bytes_per_number):
    """layers · h · n² · bytes_per_number ≤ memory_bytes 的最大整数 n。"""
    return math.isqrt(memory_bytes // (layers * h * bytes_per_number))


# 练习 4：L = 4 层空洞卷积（k = 3）能看到 3**4 = 81 个位置，所以最多 81 个词。
n_max = 3 ** 4

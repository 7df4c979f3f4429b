# 第 03 课练习的参考答案 (reference solutions). 先自己试，再看答案！
import numpy as np


def my_softmax(x):
    """数值稳定的 softmax（最后一维）：先减去每一行自己的最大值，exp 就不会溢出。"""
    z = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


# 0.7 / 0.3 要求 e^{(8.2 − 0.5)/√d_k} = 7/3，即 √d_k = 7.7 / ln(7/3)。
article_d_k = (7.7 / np.log(7 / 3)) ** 2   # ≈ 82.6

# q·k 是 d_k 个独立乘积的和，每个乘积方差为 1：方差是 d_k；除以 √d_k，方差除以 d_k。
variance_answer = (64, 1)

# K(吃) = [1, 0, 0]。q 指向它，长度 5：分数差 5 / √3 ≈ 2.9，e^2.9 ≈ 18，权重 ≈ 0.9。
q_fish = np.array([5.0, 0.0, 0.0])

# 第 03 课练习的参考答案 (reference solutions). 先自己试，再看答案！
import numpy as np


def my_softmax(x):
    """数值稳定的 softmax（最后一维）：先减去最大值，exp 就不会溢出。"""
    z = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def scaled_softmax(scores, d_k):
    """先除以 √d_k，再做 softmax。"""
    return my_softmax(scores / np.sqrt(d_k))


# q·k 是 d_k 个独立乘积的和，每个乘积方差为 1，所以方差是 d_k。
variance_answer = 64

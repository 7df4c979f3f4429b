# 第 00 课练习的参考答案 (reference solutions). 先自己试，再看答案！
import numpy as np


def dot(a, b):
    """两个向量的点积：对应分量相乘再相加。"""
    return float(np.sum(a * b))


matmul_shape = (3, 2)  # (3, 4) @ (4, 2) -> (3, 2)

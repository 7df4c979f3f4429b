# 第 01 课练习的参考答案 (reference solutions). 先自己试，再看答案！
import numpy as np


def similarity(X):
    """(n, d) -> (n, n)：第 i 行第 j 列是词 i 和词 j 的点积。"""
    return X @ X.T  # (n, d) @ (d, n) -> (n, n)


def most_attended(weights, tokens, word):
    """word 这一行里权重最大的那个词。"""
    row = weights[tokens.index(word)]
    return tokens[int(np.argmax(row))]

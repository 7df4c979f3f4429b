# 第 01 课练习的参考答案 (reference solutions). 先自己试，再看答案！
import numpy as np


def similarity(X):
    """(n, d) -> (n, n)：第 i 行第 j 列是词 i 和词 j 的点积。"""
    return X @ X.T  # (n, d) @ (d, n) -> (n, n)


def most_attended(weights, tokens, word):
    """word 这一行里权重最大的那个词（并列时取先出现的，np.argmax 的做法）。"""
    row = weights[tokens.index(word)]
    return tokens[int(np.argmax(row))]


# 词 1 和词 0 方向相同、长度是 2 倍：x0·x1 = 2 > |x0|² = 1，而 |x1|² = 4 > x0·x1。
X_design = np.array([[1.0, 0.0], [2.0, 0.0]])

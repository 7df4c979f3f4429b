# 第 07 课练习的参考答案 (reference solutions). 先自己试，再看答案！
import numpy as np


def top_head(weights, tokens, query, key):
    """(layer, head) in which `query` gives the largest weight to `key`."""
    i, j = tokens.index(query), tokens.index(key)
    per_head = weights[:, :, i, j]                     # (L, h)
    layer, head = np.unravel_index(np.argmax(per_head), per_head.shape)
    return int(layer), int(head)


def previous_token_scores(weights):
    """(L, h, n, n) -> (L, h)：每个头平均把多少权重给前一个词元（第 0 个词元没有前一个）。"""
    n = weights.shape[-1]
    i = np.arange(1, n)
    return weights[:, :, i, i - 1].mean(axis=-1)       # (L, h, n-1) -> (L, h)


# 玩具词表里 fish 的“动物”特征只有 0.5（cat 是 1）：第 0 层 it 从 tired 拿到“动物”，
# 第 1 层去找“动物”特征最强的名词，找到了 cat——可是没吃东西、累了的是 fish。
sentence = "The fish didn't eat the cat because it was tired."
intended = "fish"
why = "A"  # 第 1 层的 it 找“动物”；fish 的“动物”特征（0.5）比 cat（1）弱

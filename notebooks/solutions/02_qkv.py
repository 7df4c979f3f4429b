# 第 02 课练习的参考答案 (reference solutions). 先自己试，再看答案！


def project(X, W_Q, W_K, W_V):
    """每个词的词向量分别乘三个矩阵，得到 Q、K、V。"""
    return X @ W_Q, X @ W_K, X @ W_V  # (n, d) @ (d, d_k) -> (n, d_k)


def raw_scores(Q, K):
    """未缩放的分数：第 i 行第 j 列 = Q[i] · K[j]。"""
    return Q @ K.T  # (n_q, d_k) @ (d_k, n_k) -> (n_q, n_k)


# “动作”更想知道“做给谁”：受事 3.0，施事 1.0。猫、鱼 的规则不变，它们仍去找动作。
my_query_rules = {
    ("施事", "动作"): 3.0,
    ("受事", "动作"): 3.0,
    ("动作", "施事"): 1.0,
    ("动作", "受事"): 3.0,
}

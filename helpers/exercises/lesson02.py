"""Exercises of notebook 02: projections, raw scores, and designing W_Q rules."""

from __future__ import annotations

import numpy as np

from ._core import Case, Exercise, Mistake, _Reject, check_value, compare_arrays, fmt, order_text, rng, run_check


def _proj_cases():
    r = rng(2)
    cases = []
    for label, (n, d, dk, dv), hidden in (("3 个词、d=9、d_k=d_v=3", (3, 9, 3, 3), False),
                                          ("1 个词、d_v=1", (1, 2, 2, 1), True), ("6 个词、d_k=4、d_v=2", (6, 5, 4, 2), True)):
        cases.append(Case(label, (r.normal(size=(n, d)), r.normal(size=(d, dk)), r.normal(size=(d, dk)),
                                  r.normal(size=(d, dv))), hidden))
    return cases


def _triple(got, want, case):
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        raise _Reject(f"应返回三个数组 (Q, K, V)，收到 {type(got).__name__}。")
    for name, g, w in zip("QKV", got, want):
        reason = compare_arrays(g, w, case, name=name)
        if reason:
            return reason
    return None


PROJECTION = Exercise(
    "02-1", _proj_cases, lambda X, Wq, Wk, Wv: (X @ Wq, X @ Wk, X @ Wv),
    where="每个词是 X 的一行；三个矩阵各乘一次，顺序是 (Q, K, V)。",
    how="X (n, d) 在左，W (d, d_k) 在右：(n, d) @ (d, d_k) -> (n, d_k)。",
    compare=_triple,
    mistakes=[Mistake("Q 和 K 用错了矩阵（对调了）。", "哪个 W 属于 Q、哪个属于 K。",
                      lambda X, Wq, Wk, Wv: (X @ Wk, X @ Wq, X @ Wv)),
              Mistake("你的结果是转置的：(d_k, n)；每个词应是一行。", "X 放在左边。",
                      lambda X, Wq, Wk, Wv: (Wq.T @ X.T, Wk.T @ X.T, Wv.T @ X.T)),
              Mistake("你的 K 和 Q 一模一样：算 K 时用的也是 W_Q。", "K 那一行用的是哪个矩阵。", lambda X, Wq, Wk, Wv: (X @ Wq, X @ Wq, X @ Wv))])


def check_projection(fn, hint=None):
    """Exercise 02-1: fn(X, W_Q, W_K, W_V) returns (Q, K, V)."""
    return run_check(PROJECTION, fn, hint)


def _score_cases():
    r = rng(3)
    cases = [Case("文章里的 8.2 和 0.5", (np.array([[2.0, 1.0, 0.0]]), np.array([[3.0, 2.2, 0.0], [0.25, 0.0, 1.0]])))]
    for nq, nk, d in ((3, 3, 3), (2, 5, 4), (4, 1, 2)):
        cases.append(Case(f"n_q={nq}、n_k={nk}、d_k={d}", (r.normal(size=(nq, d)), r.normal(size=(nk, d))), hidden=True))
    return cases


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


RAW_SCORES = Exercise(
    "02-2", _score_cases, lambda Q, K: Q @ K.T,
    where="第 i 行第 j 列 = Q 的第 i 行 · K 的第 j 行；形状 (n_q, n_k)。",
    how="Q (n_q, d_k) 乘 K 的转置 (d_k, n_k)。",
    compare=lambda g, w, c: compare_arrays(g, w, c, name="分数矩阵"),
    mistakes=[Mistake("你已经除以了 √d_k；这道题要未缩放的分数（缩放是第 03 课的事）。", "去掉除法。",
                      lambda Q, K: Q @ K.T / np.sqrt(Q.shape[-1])),
              Mistake("你的矩阵是转置的：第 i 行第 j 列应是 Q[i]·K[j]，你的是 K[i]·Q[j]。", "谁在左边、谁转置。",
                      lambda Q, K: K @ Q.T),
              Mistake("你已经做了 softmax；这里只要分数。", "去掉 softmax。", lambda Q, K: _softmax(Q @ K.T)),
              Mistake("你用 Q 和自己做点积了，应该和 K。", "第二个矩阵。", lambda Q, K: Q @ Q.T),
              Mistake("你算的是 Qᵀ K：(d_k, d_k)，每一对坐标一个数；要的是每一对 (查询, 键) 一个数。", "谁转置。",
                      lambda Q, K: Q.T @ K)],
    errors=[("matmul", "矩阵乘法的形状对不上：Q 是 (n_q, d_k)，K 是 (n_k, d_k)。要让每个查询和每个键的 d_k 个坐标对齐，"
                       "该转置的是哪一个？", "谁转置、谁在左边。")])


def check_raw_scores(fn, hint=None):
    """Exercise 02-2: fn(Q, K) returns the unscaled scores Q Kᵀ, shape (n_q, n_k)."""
    return run_check(RAW_SCORES, fn, hint)


def check_query_rules(rules, hint=None):
    """Exercise 02-3 (design): W_Q rules under which 吃 scores 鱼 above 猫, and 猫, 鱼 still score 吃 highest.

    Graded on raw scores Q Kᵀ of 猫吃鱼 with the lesson's W_K (no softmax needed).
    """
    from ..text import load_vocabulary, readable_matrix
    from ..toy import QK_COORDS, toy_qkv

    key = "02-3"
    where = "吃 的 Q 由它的“动作”特征经 W_Q 的“动作”那一行得到；K(猫) 在“施事”，K(鱼) 在“受事”。"
    how = ("看本课第 4 节的键 K：猫 和 鱼 的键各在哪个坐标上不为 0；吃 的查询只来自它的“动作”特征，所以看以“动作”开头的规则："
           "它们把“动作”送到哪个输出坐标，就和那个坐标上的键相乘。改这些规则的相对大小，再检查 猫、鱼 两行的最高分还在 吃 上。")
    if rules is None:
        return check_value(key, False, "还没写（not written yet）：把 None 换成你的规则字典。", where, how, hint,
                           diagnosis="not written")
    features = load_vocabulary().features
    if not isinstance(rules, dict):
        return check_value(key, False, f"rules 应是字典 {{(输入特征, 输出坐标): 数}}，收到 {type(rules).__name__}。",
                           where, how, hint)
    for rule, v in rules.items():
        if not isinstance(rule, tuple) or len(rule) != 2:
            return check_value(key, False, f"规则的键应是 (输入特征, 输出坐标) 两个词，收到 {rule!r}。", where, how, hint,
                               diagnosis="names")
        a, b = rule
        if a not in features or b not in QK_COORDS:
            return check_value(key, False, f"规则 ({a!r}, {b!r})：输入特征应是 {'、'.join(features)} 之一，"
                               f"输出坐标应是 {'、'.join(QK_COORDS)} 之一。", where, how, hint, diagnosis="names")
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)) \
                or not np.isfinite(v):
            return check_value(key, False, f"规则 ({a}, {b}) 的强度应是一个数（例如 2.0），收到 {v!r}。", where, how, hint,
                               diagnosis="value")
        if not -10 <= float(v) <= 10:
            return check_value(key, False, f"规则 ({a}, {b}) 的强度 {fmt(v)} 超出了 -10 到 10。", where, how, hint)
    toy = toy_qkv("猫吃鱼")
    Q = toy.X @ readable_matrix(rules, d_out=QK_COORDS)  # (3, 9) @ (9, 3) -> (3, 3)
    S = Q @ toy.K.T  # (3, 3) @ (3, 3) -> (3, 3)
    cat, eat, fish = 0, 1, 2
    table = "分数 QKᵀ（行：查询 猫/吃/鱼，列：键 猫/吃/鱼）：\n" + fmt(S)
    if S[eat, fish] <= S[eat, cat]:
        return check_value(key, False, f"“吃”给 鱼 的分数 {fmt(S[eat, fish])} 不比给 猫 的 {fmt(S[eat, cat])} 大。\n{table}",
                           where, how, hint, diagnosis="eat")
    for i, word in ((cat, "猫"), (fish, "鱼")):
        if int(np.argmax(S[i])) != eat or np.sum(S[i] == S[i].max()) > 1:
            return check_value(key, False, f"“{word}”最高的分数不再唯一地给“吃”了：这条规则改坏了它。\n{table}",
                               "“施事”和“受事”这两行：猫 和 鱼 靠它们去找动作。", how, hint, diagnosis=word)
    top = int(np.argmax(S[eat]))
    aside = "" if top == fish else f"；“吃”最高的分数 {fmt(S[eat, top])} 给的是 {'猫吃鱼'[top]}，这道题只要求 鱼 高过 猫"
    return check_value(key, True, "", "", "", hint,
                       passed=f"“吃”给 鱼 的分数现在高过给 猫 的（{order_text(S[eat, fish], S[eat, cat])}{aside}），"
                              f"猫 和 鱼 仍最关注 吃。\n{table}")

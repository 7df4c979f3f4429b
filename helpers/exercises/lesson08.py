"""Exercises of notebook 08: the backward pass of softmax, the gradient into W_Q, one SGD step, why positions.

Introduced in notebook 08 (注意力怎样学会). Ported from the lesson's first, self-contained checks onto the
shared core: cases, named mistakes and the three hint tiers of every other lesson.
"""

from __future__ import annotations

import numpy as np

from ._core import Case, CheckResult, Exercise, Mistake, _Reject, check_value, compare_arrays, fmt, rng, run_check


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# ------------------------------------------------------------------ 08-1 softmax backward


def _softmax_backward(w, g):
    return w * (g - np.sum(w * g, axis=-1, keepdims=True))  # (..., n) * ((..., n) - (..., 1))


def _softmax_backward_cases():
    r = rng(81)
    return [Case("w = [0.5, 0.5]，∂L/∂w = [1, 0]（可以手算：[0.25, −0.25]）", (np.array([0.5, 0.5]), np.array([1.0, 0.0]))),
            Case("∂L/∂w 的各分量相等：分数整体平移不改变 softmax，梯度应为 0", (_softmax(r.normal(size=4)), np.full(4, 2.0))),
            Case("二维：3 个查询、每行 4 个键，每一行分别算", (_softmax(r.normal(size=(3, 4))), r.normal(size=(3, 4))), hidden=True),
            Case("三维：2 个句子 × 3 × 3", (_softmax(r.normal(size=(2, 3, 3))), r.normal(size=(2, 3, 3))), hidden=True),
            Case("一行几乎全部权重在一个键上", (_softmax(np.array([[9.0, 0.0, -3.0]])), np.array([[0.3, -1.0, 2.0]])),
                 hidden=True),
            Case("float32", (_softmax(r.normal(size=(2, 5))).astype(np.float32), r.normal(size=(2, 5)).astype(np.float32)),
                 hidden=True)]


SOFTMAX_BACKWARD = Exercise(
    "08-1", _softmax_backward_cases, _softmax_backward,
    where="笔记本第 4 节第 4 步，softmax 的雅可比矩阵：∂w_j/∂s_i = w_j (δ_ij − w_i)；把它和 ∂L/∂w 相乘，"
          "每个查询（最后一维的一行）单独算。",
    how="inner = np.sum(weights * grad_weights, axis=-1, keepdims=True)；return weights * (grad_weights - inner)。",
    compare=lambda g, w, c: compare_arrays(g, w, c, name="∂L/∂s", atol=1e-8),
    forbidden=("softmax_backward",), pure=("weights", "grad_weights"),
    mistakes=[Mistake("你的结果等于 w ⊙ (∂L/∂w)：少了减去 Σ_j w_j (∂L/∂w_j) 这一项——softmax 的每个输出都依赖所有分数。",
                      "括号里的第二项。", lambda w, g: w * g),
              Mistake("你只用了雅可比矩阵的对角线 w_i (1 − w_i)：改变 s_i 也会改变其他的 w_j（非对角项 −w_i w_j）。",
                      "雅可比矩阵的非对角项。", lambda w, g: w * (1 - w) * g),
              Mistake("括号里算对了，但外面还要再乘 w_i。", "return 那一行。",
                      lambda w, g: g - np.sum(w * g, axis=-1, keepdims=True)),
              Mistake("求和的轴不对：Σ_j 应沿最后一维（同一个查询的各个键），用 axis=-1。", "np.sum 的 axis。",
                      lambda w, g: w * (g - np.sum(w * g, axis=0, keepdims=True))),
              Mistake("你把所有元素加在了一起（整个数组一个和），不是每一行（每个查询）各自一个和。", "np.sum 的 axis 和 keepdims。",
                      lambda w, g: w * (g - np.sum(w * g)))])


def check_softmax_backward(fn, hint=None):
    """Exercise 08-1: fn(weights, grad_weights) returns ∂L/∂s for w = softmax(s) over the last axis."""
    return run_check(SOFTMAX_BACKWARD, fn, hint)


# ------------------------------------------------------------------ 08-2 the scores' gradient into W_Q


def _grad_W_Q(X, W_K, dS):
    K = X @ W_K  # (n, d) @ (d, d_k) -> (n, d_k)
    return X.T @ (dS @ K) / np.sqrt(W_K.shape[1])  # (d, n) @ ((n, n) @ (n, d_k)) -> (d, d_k)


def _grad_cases():
    r = rng(82)
    return [Case(f"n={n} 个词、d={d}、d_k={d_k}（dS 不对称）",
                 (r.normal(size=(n, d)), r.normal(size=(d, d_k)), r.normal(size=(n, n))), hidden=k > 0)
            for k, (n, d, d_k) in enumerate(((2, 2, 1), (3, 4, 2), (5, 6, 4), (4, 3, 9)))]


def _grad_compare(got, want, case):
    g = np.shape(got) if isinstance(got, np.ndarray) else None
    if g is not None and g != want.shape and len(g) == 2 and g[0] != want.shape[0]:
        return f"∂L/∂W_Q 应和 W_Q 一样是 (d, d_k) = {fmt(want.shape)}，你的形状是 {fmt(g)}。"
    return compare_arrays(got, want, case, name="∂L/∂W_Q", atol=1e-8)


GRAD_W_Q = Exercise(
    "08-2", _grad_cases, _grad_W_Q,
    where="从 S = QKᵀ/√d_k 往回走两步：先到 Q（∂L/∂Q 的第 i 行用 dS 的第 i 行），再穿过 Q = X W_Q 到 W_Q。",
    how="K = X @ W_K；dQ = dS @ K / np.sqrt(d_k)；return X.T @ dQ。",
    compare=_grad_compare,
    mistakes=[Mistake("差一个因子 1/√d_k：分数除过 √d_k，梯度也要除。", "分数公式里的 √d_k。",
                      lambda X, W_K, dS: X.T @ (dS @ (X @ W_K))),
              Mistake("你除的是 d_k，应该除以 √d_k。", "np.sqrt。", lambda X, W_K, dS: X.T @ (dS @ (X @ W_K)) / W_K.shape[1]),
              Mistake("你除的是 √d（X 的宽度），不是 √d_k（查询和键的宽度，W_K 的列数）。", "np.sqrt 里的那个数。",
                      lambda X, W_K, dS: X.T @ (dS @ (X @ W_K)) / np.sqrt(X.shape[1])),
              Mistake("你乘了 √d_k：分数是除以 √d_k 的，梯度也是除，不是乘。", "√d_k 那一项。",
                      lambda X, W_K, dS: X.T @ (dS @ (X @ W_K)) * np.sqrt(W_K.shape[1])),
              Mistake("dS 转置了：你用了 dS 的第 i 列去算第 i 个查询，那是 W_K 那一侧的写法。",
                      "dS 还是 dS.T。", lambda X, W_K, dS: X.T @ (dS.T @ (X @ W_K)) / np.sqrt(W_K.shape[1])),
              Mistake("你返回的是 ∂L/∂Q（形状 (n, d_k)），还差最后一步：Q = X W_Q。", "Q = X W_Q 这一步的梯度。",
                      lambda X, W_K, dS: dS @ (X @ W_K) / np.sqrt(W_K.shape[1]))])


def check_grad_W_Q(fn, hint=None):
    """Exercise 08-2: fn(X, W_K, dS) returns ∂L/∂W_Q for S = (X W_Q)(X W_K)ᵀ / √d_k, given dS = ∂L/∂S."""
    return run_check(GRAD_W_Q, fn, hint)


# ------------------------------------------------------------------ 08-3 one SGD step


def _sgd(params, grads, lr):
    return {k: params[k] - lr * grads[k] for k in params}


def _sgd_cases():
    r = rng(83)
    model = ({"W_Q": r.normal(size=(4, 2)), "W_K": r.normal(size=(4, 2)), "b_R": r.normal(size=3)},
             {"W_Q": r.normal(size=(4, 2)), "W_K": r.normal(size=(4, 2)), "b_R": r.normal(size=3)}, 0.05)
    return [Case("一个参数：w = [1, −2]、梯度 [0.5, 0.5]、lr = 0.1（手算：[0.95, −2.05]）",
                 ({"w": np.array([1.0, -2.0])}, {"w": np.array([0.5, 0.5])}, 0.1)),
            Case("三个参数 W_Q、W_K、b_R，lr = 0.05", model, hidden=True)]


def _sgd_compare(got, want, case):
    if not isinstance(got, dict):
        raise _Reject(f"应返回一个字典（参数名 → 新数组），收到 {type(got).__name__}。")
    if set(got) != set(want):
        return f"参数名应是 {fmt(sorted(want))}，你的是 {fmt(sorted(got))}。"
    for k in sorted(want):
        reason = compare_arrays(got[k], want[k], case, name=k, atol=1e-12)
        if reason:
            return reason
    return None


SGD = Exercise(
    "08-3", _sgd_cases, _sgd,
    where="笔记本第 5 节“梯度下降”那个公式：每个参数各走一步，方向和梯度相反，步长是 lr 乘梯度。",
    how="return {name: params[name] - lr * grads[name] for name in params}（新数组，不要用 -= 改动传入的数组）。",
    compare=_sgd_compare, pure=("params", "grads", ""),
    mistakes=[Mistake("你沿着梯度走了（+）：梯度指向损失增大的方向，要减去它。", "加号还是减号。",
                      lambda p, g, lr: {k: p[k] + lr * g[k] for k in p}),
              Mistake("忘了乘学习率 lr。", "每一步走多远。", lambda p, g, lr: {k: p[k] - g[k] for k in p}),
              Mistake("你减去的是 lr·θ，应该是 lr·∂L/∂θ（梯度，不是参数本身）。", "减去的是哪个字典里的数组。",
                      lambda p, g, lr: {k: p[k] - lr * p[k] for k in p})])


def check_sgd_step(fn, hint=None):
    """Exercise 08-3: fn(params, grads, lr) returns new parameters θ − lr·∂L/∂θ (a new dict; inputs unchanged)."""
    return run_check(SGD, fn, hint)


# ------------------------------------------------------------------ 08-4 why positions


WHY_POSITIONS = """**为什么没有位置编码，模型学不会名词的角色？**

- A. 训练步数不够：多训练一会儿就能学会。
- B. 学习率太小。
- C. 没有位置编码时，“猫吃鱼”和“鱼吃猫”里的“猫”看到的是同一组词（猫、吃、鱼），注意力的输出完全一样，所以两句里“猫”的预测必然相同，至少错一个。
- D. 一个头太少：换成两个头就能学会。"""

_WHY = {
    "A": "不是步数的问题：笔记本里没有位置的模型训练了同样多步，留出集名词的准确率没有超过 50%；"
         "而且这个模型训练多久都不可能超过 50%（想想为什么）。",
    "B": "不是学习率的问题：换任何学习率，“猫吃鱼”和“鱼吃猫”里的“猫”算出来的输出都一模一样。",
    "D": "头多了也没用：每个头都只看到同一组词，不知道谁在前、谁在后；多个头的输出拼在一起仍然对两句相同。",
}


_PUNCTUATION = ".。,，;；:：!！)）(（\"'“”‘’ "


def check_why_positions(answer, hint=None) -> CheckResult:
    """Exercise 08-4: multiple choice (one letter A–D), see WHY_POSITIONS; each wrong option has its own reason."""
    key = "08-4"
    where = "笔记本第 5 节去掉位置编码的那次训练：没有位置的模型对“猫吃鱼”和“鱼吃猫”里的“猫”输出了什么？"
    how = "自注意力对一组词求加权和，和词的排列顺序无关；找说这件事的选项。"
    if answer is None:
        return check_value(key, False, "还没写（not written yet）：把 answer 改成 \"A\"、\"B\"、\"C\" 或 \"D\"。",
                           where, how, hint, diagnosis="not written")
    letter = answer.strip().strip(_PUNCTUATION).strip().upper() if isinstance(answer, str) else None
    if letter not in ("A", "B", "C", "D"):
        return CheckResult(False, f"answer 应是一个字母 \"A\"、\"B\"、\"C\" 或 \"D\"，收到 {answer!r}。"
                                  "（Expected exactly one letter A–D.）", "format")
    if letter == "C":
        return check_value(key, True, "", "", "", hint,
                           passed="对：没有位置，自注意力只看到一组词（对词的顺序是“置换等变”的）；“猫吃鱼”和“鱼吃猫”里的"
                                  "“猫”输出相同，两句里必有一句错。位置编码让同一个词在不同位置有不同的向量。")
    return check_value(key, False, f"{letter} 不对。{_WHY[letter]}", where, how, hint, diagnosis=letter)

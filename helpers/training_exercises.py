"""Auto-checked exercises of notebook 08: the backward pass of attention and one training step.

Introduced in notebook 08. Written against the CheckResult of helpers.exercises; every check is
self-contained: its cases, the mistakes it recognises (each a function computing the wrong answer
and a sentence naming it) and its hints. Hints come in tiers and only on request:

    check_softmax_backward(fn)            what is wrong (the diagnosis of the first failing case)
    check_softmax_backward(fn, hint=1)    … and where to look
    check_softmax_backward(fn, hint=2)    … and how to fix it

A function that still raises NotImplementedError gets a short "还没写" message, no traceback.
"""

from __future__ import annotations

import numpy as np

from .exercises import CheckResult


def _compare_arrays(got, want, atol):
    """None when got matches want, else a reason in Chinese."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"返回值无法转换成数值数组（得到 {type(got).__name__}）"
    if got.shape != np.shape(want):
        return f"形状不对：期望 {np.shape(want)}，得到 {got.shape}"
    if not np.all(np.isfinite(got)):
        return "结果里有 nan 或 inf"
    if not np.allclose(got, want, atol=atol, rtol=0):
        k = np.unravel_index(np.argmax(np.abs(got - want)), got.shape) if got.ndim else ()
        return f"数值不对：最大差别在下标 {tuple(int(i) for i in k)}"
    return None

__all__ = ["check_softmax_backward", "check_grad_W_Q", "check_sgd_step", "check_why_positions", "WHY_POSITIONS"]

NOT_WRITTEN = "还没写：函数还在抛出 NotImplementedError。把 raise 那一行换成你的代码，再运行这个单元格。"


def _copy(args):
    """Copies of the arrays (also inside dicts), so a function that writes into its inputs harms nothing."""
    return [{k: v.copy() for k, v in a.items()} if isinstance(a, dict) else a.copy() if isinstance(a, np.ndarray) else a
            for a in args]


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _tiers(what: str, hints: tuple[str, str], hint: int, name: str, arg: str = "你的函数") -> str:
    """The message of a failed check: the diagnosis, then as many hint tiers as were asked for."""
    lines = [what]
    if hint >= 1:
        lines.append(f"提示 1（看哪里）：{hints[0]}")
    if hint >= 2:
        lines.append(f"提示 2（怎么做）：{hints[1]}")
    if hint < 2:
        lines.append(f"需要{'更多' if hint else ''}提示？运行 {name}({arg}, hint={hint + 1})。")
    return "\n".join(lines)


def _check(fn, cases, mistakes, hints, hint, name, compare=None) -> CheckResult:
    """Run fn on every (description, args, expected); name the first mistake that matches a failure."""
    if not callable(fn):
        return CheckResult(False, f"请传入一个函数（收到的是 {type(fn).__name__}）。")
    compare = compare or (lambda got, want: _compare_arrays(got, want, 1e-8))
    for k, (description, args, want) in enumerate(cases, start=1):
        try:
            with np.errstate(all="ignore"):
                got = fn(*_copy(args))
        except NotImplementedError:
            return CheckResult(False, NOT_WRITTEN)
        except Exception as exc:
            what = f"第 {k} 个例子（{description}）运行出错：{type(exc).__name__}: {exc}"
            return CheckResult(False, _tiers(what, hints, hint, name))
        if got is None:
            return CheckResult(False, f"第 {k} 个例子（{description}）：函数没有返回值（忘了 return？）。")
        reason = compare(got, want)
        if reason is None:
            continue
        for wrong, sentence in mistakes:
            try:
                with np.errstate(all="ignore"):
                    if compare(got, wrong(*_copy(args))) is None:
                        return CheckResult(False, _tiers(f"第 {k} 个例子（{description}）：{sentence}", hints, hint, name))
            except Exception:  # a mistake that cannot even run on this case is not the one made
                continue
        return CheckResult(False, _tiers(f"第 {k} 个例子（{description}）：{reason}", hints, hint, name))
    return CheckResult(True, f"全部 {len(cases)} 个例子都通过了！")


# ------------------------------------------------------------------ 08-1 softmax backward


def _softmax_backward(w, g):
    return w * (g - np.sum(w * g, axis=-1, keepdims=True))


def check_softmax_backward(fn, hint: int = 0) -> CheckResult:
    """Exercise 08-1: fn(weights, grad_weights) returns ∂L/∂s for w = softmax(s) over the last axis."""
    rng = np.random.default_rng(81)
    cases = [("w = [0.5, 0.5]，∂L/∂w = [1, 0]（可以手算：[0.25, −0.25]）", (np.array([0.5, 0.5]), np.array([1.0, 0.0]))),
             ("∂L/∂w 的各分量相等：分数整体平移不改变 softmax，梯度应为 0", (_softmax(rng.normal(size=4)), np.full(4, 2.0))),
             ("二维：3 个查询、每行 4 个键，每一行分别算", (_softmax(rng.normal(size=(3, 4))), rng.normal(size=(3, 4)))),
             ("三维：2 个句子 × 3 × 3", (_softmax(rng.normal(size=(2, 3, 3))), rng.normal(size=(2, 3, 3)))),
             ("一行几乎全部权重在一个键上", (_softmax(np.array([[9.0, 0.0, -3.0]])), np.array([[0.3, -1.0, 2.0]])))]
    cases = [(d, a, _softmax_backward(*a)) for d, a in cases]
    mistakes = [
        (lambda w, g: w * g, "你的结果等于 w ⊙ (∂L/∂w)：少了减去 Σ_j w_j (∂L/∂w_j) 这一项——softmax 的每个输出都依赖所有分数。"),
        (lambda w, g: w * (1 - w) * g, "你只用了雅可比矩阵的对角线 w_i (1 − w_i)：改变 s_i 也会改变其他的 w_j（非对角项 −w_i w_j）。"),
        (lambda w, g: g - np.sum(w * g, axis=-1, keepdims=True), "括号里算对了，但外面还要再乘 w_i。"),
        (lambda w, g: w * (g - np.sum(w * g, axis=0, keepdims=True)), "求和的轴不对：Σ_j 应沿最后一维（同一个查询的各个键），用 axis=-1。"),
        (lambda w, g: w * (g - np.sum(w * g)), "你把所有元素加在了一起：每一行（每个查询）要分别求和，axis=-1, keepdims=True。"),
    ]
    hints = ("笔记本第 4 节第 4 步，softmax 的雅可比矩阵：∂w_j/∂s_i = w_j (δ_ij − w_i)；把它和 ∂L/∂w 相乘。",
             "先算 inner = np.sum(weights * grad_weights, axis=-1, keepdims=True)，再返回 weights * (grad_weights − inner)。")
    return _check(fn, cases, mistakes, hints, hint, "check_softmax_backward")


# ------------------------------------------------------------------ 08-2 the scores' gradient into W_Q


def _grad_W_Q(X, W_K, dS):
    return X.T @ (dS @ (X @ W_K)) / np.sqrt(W_K.shape[1])


def check_grad_W_Q(fn, hint: int = 0) -> CheckResult:
    """Exercise 08-2: fn(X, W_K, dS) returns ∂L/∂W_Q for S = (X W_Q)(X W_K)ᵀ / √d_k, given dS = ∂L/∂S."""
    rng = np.random.default_rng(82)
    cases = []
    for n, d, d_k in ((2, 2, 1), (3, 4, 2), (5, 6, 4), (4, 3, 9)):
        X, W_K, dS = rng.normal(size=(n, d)), rng.normal(size=(d, d_k)), rng.normal(size=(n, n))
        cases.append((f"n={n} 个词、d={d}、d_k={d_k}（dS 不对称）", (X, W_K, dS), _grad_W_Q(X, W_K, dS)))
    mistakes = [
        (lambda X, W_K, dS: X.T @ (dS @ (X @ W_K)), "差一个因子 1/√d_k：分数除过 √d_k，梯度也要除。"),
        (lambda X, W_K, dS: X.T @ (dS @ (X @ W_K)) / W_K.shape[1], "你除的是 d_k，应该除以 √d_k。"),
        (lambda X, W_K, dS: X.T @ (dS.T @ (X @ W_K)) / np.sqrt(W_K.shape[1]),
         "dS 转置了：这是 W_K 那一侧的写法。对 Q 来说 ∂L/∂Q = dS K / √d_k（第 i 个查询用 dS 的第 i 行）。"),
        (lambda X, W_K, dS: dS @ (X @ W_K) / np.sqrt(W_K.shape[1]),
         "你返回的是 ∂L/∂Q（形状 (n, d_k)），还差最后一步：Q = X W_Q，所以 ∂L/∂W_Q = Xᵀ (∂L/∂Q)。"),
    ]

    def compare(got, want):
        g = np.shape(got) if isinstance(got, np.ndarray) else None
        if g is not None and g != want.shape and len(g) == 2 and g[0] != want.shape[0]:
            return f"形状不对：∂L/∂W_Q 应和 W_Q 一样是 (d, d_k) = {want.shape}，得到 {g}"
        return _compare_arrays(got, want, 1e-8)

    hints = ("笔记本第 4 节第 5、6 步：从 S = QKᵀ/√d_k 往回走的两步：先到 Q，再到 W_Q。",
             "K = X @ W_K；dQ = dS @ K / np.sqrt(d_k)；return X.T @ dQ。")
    return _check(fn, cases, mistakes, hints, hint, "check_grad_W_Q", compare)


# ------------------------------------------------------------------ 08-3 one SGD step


def check_sgd_step(fn, hint: int = 0) -> CheckResult:
    """Exercise 08-3: fn(params, grads, lr) returns new parameters θ − lr·∂L/∂θ (a new dict; inputs unchanged)."""
    rng = np.random.default_rng(83)
    small = ({"w": np.array([1.0, -2.0])}, {"w": np.array([0.5, 0.5])}, 0.1)
    model = ({"W_Q": rng.normal(size=(4, 2)), "W_K": rng.normal(size=(4, 2)), "b_R": rng.normal(size=3)},
             {"W_Q": rng.normal(size=(4, 2)), "W_K": rng.normal(size=(4, 2)), "b_R": rng.normal(size=3)}, 0.05)
    cases = [("一个参数：w = [1, −2]、梯度 [0.5, 0.5]、lr = 0.1（手算：[0.95, −2.05]）", small),
             ("三个参数 W_Q、W_K、b_R，lr = 0.05", model)]
    cases = [(d, a, {k: a[0][k] - a[2] * a[1][k] for k in a[0]}) for d, a in cases]

    def compare(got, want):
        if not isinstance(got, dict):
            return f"应返回一个字典（参数名 → 新数组），得到 {type(got).__name__}"
        if set(got) != set(want):
            return f"参数名应是 {sorted(want)}，得到 {sorted(got)}"
        for k in want:
            reason = _compare_arrays(got[k], want[k], 1e-12)
            if reason:
                return f"{k} {reason}"
        return None

    mistakes = [
        (lambda p, g, lr: {k: p[k] + lr * g[k] for k in p}, "你沿着梯度走了（+）：梯度指向损失增大的方向，要减去它。"),
        (lambda p, g, lr: {k: p[k] - g[k] for k in p}, "忘了乘学习率 lr。"),
        (lambda p, g, lr: {k: p[k] - lr * p[k] for k in p}, "你减去的是 lr·θ，应该是 lr·∂L/∂θ（梯度，不是参数本身）。"),
    ]
    hints = ("笔记本第 5 节“梯度下降”那个公式：每个参数各走一步。",
             "return {name: params[name] - lr * grads[name] for name in params}（新数组，不要用 -= 改动传入的数组）。")
    result = _check(fn, cases, mistakes, hints, hint, "check_sgd_step", compare)
    if not result.passed or not callable(fn):
        return result
    params, grads, lr = _copy(model)
    before = _copy([params])[0]
    fn(params, grads, lr)
    if any(not np.array_equal(params[k], before[k]) for k in params):
        what = "数值都对，但你改动了传入的 params（用了 -= 之类的原地修改）：调用者手里的旧参数也变了。"
        return CheckResult(False, _tiers(what, hints, hint, "check_sgd_step"))
    return result


# ------------------------------------------------------------------ 08-4 why positions


WHY_POSITIONS = """**为什么没有位置编码，模型学不会名词的角色？**

- A. 训练步数不够：多训练一会儿就能学会。
- B. 学习率太小。
- C. 没有位置编码时，“猫吃鱼”和“鱼吃猫”里的“猫”看到的是同一组词（猫、吃、鱼），注意力的输出完全一样，所以两句里“猫”的预测必然相同，至少错一个。
- D. 一个头太少：换成两个头就能学会。"""

_WHY = {
    "A": "不是步数的问题：笔记本里没有位置的模型训练了同样多步，留出集名词的准确率没有超过 50%；而且这个模型训练多久都不可能超过 50%（想想为什么）。",
    "B": "不是学习率的问题：换任何学习率，“猫吃鱼”和“鱼吃猫”里的“猫”算出来的输出都一模一样（笔记本第 5 节检查过：两者只差浮点舍入误差）。",
    "D": "头多了也没用：每个头都只看到同一组词，不知道谁在前、谁在后；多个头的输出拼在一起仍然对两句相同。",
}


def check_why_positions(answer, hint: int = 0) -> CheckResult:
    """Exercise 08-4: multiple choice (A–D), see WHY_POSITIONS; each wrong option has its own diagnosis."""
    if answer is None:
        return CheckResult(False, "还没写：把 answer 改成 \"A\"、\"B\"、\"C\" 或 \"D\"。")
    letter = str(answer).strip().upper()
    if letter == "C":
        return CheckResult(True, "对：没有位置，自注意力只看到一组词（对词的顺序是“置换等变”的）；"
                                 "“猫吃鱼”和“鱼吃猫”里的“猫”输出相同，两句里必有一句错。位置编码让同一个词在不同位置有不同的向量。")
    if letter not in _WHY:
        return CheckResult(False, f"请填一个字母 A、B、C 或 D，收到 {answer!r}。")
    hints = ("回到笔记本第 5 节：没有位置的模型对“猫吃鱼”和“鱼吃猫”里的“猫”输出了什么？",
             "自注意力对一组词求加权和，和词的排列顺序无关；想想哪个选项说的是这件事。")
    return CheckResult(False, _tiers(f"{letter} 不对。{_WHY[letter]}", hints, hint, "check_why_positions", "answer"))

# 第 08 课练习的参考答案 (reference solutions). 先自己试，再看答案！
import numpy as np


def softmax_grad(weights, grad_weights):
    """∂L/∂s_i = w_i (∂L/∂w_i − Σ_j w_j ∂L/∂w_j)，沿最后一维。"""
    inner = np.sum(weights * grad_weights, axis=-1, keepdims=True)   # (..., 1)
    return weights * (grad_weights - inner)


def grad_W_Q(X, W_K, dS):
    """S = (X W_Q)(X W_K)ᵀ/√d_k：先到 Q，再到 W_Q。"""
    K = X @ W_K                                  # (n, d) @ (d, d_k) -> (n, d_k)
    dQ = dS @ K / np.sqrt(W_K.shape[1])          # (n, n) @ (n, d_k) -> (n, d_k)
    return X.T @ dQ                              # (d, n) @ (n, d_k) -> (d, d_k)


def sgd(params, grads, lr):
    """θ ← θ − lr·∂L/∂θ，返回新字典，不改动传入的数组。"""
    return {name: params[name] - lr * grads[name] for name in params}


# 练习 4：没有位置时“猫吃鱼”和“鱼吃猫”里的“猫”看到同一组词，输出相同。
answer = "C"

"""Training the role model step by step, and reading out what it learned.

Introduced in notebook 08. :class:`Trainer` keeps the parameters, Adam's state and the history
of one run, so the notebook and the training widget can take one step at a time; ``train`` runs
a whole training at once. ``attention_by_class`` and ``class_scores`` read the learned pattern
(which kind of word a noun attends to) and put it beside lesson 02's hand-built matrices.

Shape legend:
    B  sentences, n  words per sentence, d  embedding size, d_k  query/key size, C  word classes
"""

from __future__ import annotations

import math

import numpy as np

from .roles import AGENT, PATIENT, ROLES, RoleCorpus, encode, word_classes
from .training import (
    ModelConfig,
    adam_init,
    adam_step,
    backward,
    cross_entropy,
    forward,
    init_params,
    keep_freed_heap,
    predict,
    sinusoidal_positions,
)

__all__ = ["Trainer", "train", "check_learning_rate", "attention_by_class", "hand_built_attention_by_class", "class_scores",
           "hand_built_class_scores", "score_parts", "CLASSES", "VOICES", "SCORE_PARTS"]

CLASSES = ("名词", "动词", "被", "了", "时间词")
VOICES = ("主动句", "被字句")            # sentences without / with 被
SCORE_PARTS = ("词·词", "词·位置", "位置·词", "位置·位置")  # (query part)·(key part)
MAX_LEARNING_RATE = 1.0


def check_learning_rate(lr) -> float:
    """The learning rate as a float, or a ValueError that says what to type instead."""
    try:
        value = float(lr)
    except (TypeError, ValueError):
        raise ValueError(f"学习率 (learning rate) 应是一个数，收到 {lr!r}。试试 0.05。") from None
    if not math.isfinite(value) or value <= 0:
        what = "0：参数一步也不会动" if value == 0 else f"{value}：学习率必须是正数"
        raise ValueError(f"学习率 (learning rate) 是 {what}。请输入 0 到 {MAX_LEARNING_RATE} 之间的数，例如 0.05。")
    if value > MAX_LEARNING_RATE:
        raise ValueError(f"学习率 (learning rate) {value:g} 太大（应不超过 {MAX_LEARNING_RATE}）："
                         "步子太大，损失会来回跳甚至发散。试试 0.05。")
    return value


class Trainer:
    """One training run of the role model with full-batch Adam, one step at a time.

    Introduced in notebook 08.

    Attributes
    ----------
    params : dict of ndarray      the current parameters
    history : dict of list        per step, measured after it: "loss" (training), "train_acc", "heldout_acc",
                                  "heldout_noun_acc"
    diverged : bool               True when the last step produced NaN/inf (the step was undone)
    """

    def __init__(self, corpus: RoleCorpus, config: ModelConfig | None = None, *, seed: int = 1, lr: float = 0.05):
        self.corpus = corpus
        self.config = config or ModelConfig(n_words=len(corpus.words))
        self.seed = seed
        self.lr = check_learning_rate(lr)
        self.train_batch = corpus.batch("train")
        self.heldout_batch = corpus.batch("heldout")
        keep_freed_heap()  # full-batch steps reuse their freed memory (glibc only): about half the time a step
        self.reset()

    def reset(self) -> None:
        """Back to the random starting parameters of `seed` (step 0)."""
        self.params = init_params(self.config, np.random.default_rng(self.seed))
        self.state = adam_init(self.params)
        self.history = {"loss": [], "train_acc": [], "heldout_acc": [], "heldout_noun_acc": []}
        self.diverged = False
        self._forward = None  # (logits, cache, ∂L/∂logits) of the training set at the current params, for the next step

    @property
    def steps(self) -> int:
        """How many steps this run has taken."""
        return len(self.history["loss"])

    def step(self, k: int = 1) -> bool:
        """Take `k` Adam steps on the whole training set; False (and nothing changed) if one diverged.

        After every step, the loss and all accuracies are measured on the new parameters.
        """
        train = self.train_batch
        for _ in range(k):
            with np.errstate(all="ignore"):  # a blow-up shows as NaN/inf below, not as a warning
                if self._forward is None:
                    logits, cache = forward(self.params, train, self.config)
                    self._forward = logits, cache, cross_entropy(logits, train)[1]
                _, cache, grad_logits = self._forward
                grads = backward(self.params, cache, grad_logits, train, self.config)
                new, state = adam_step(self.params, grads, self.state, self.lr)
                logits, cache = forward(new, train, self.config)       # the new params, on the training set
                loss, grad_logits = cross_entropy(logits, train)       # its loss, and the next step's ∂L/∂logits
            if not (math.isfinite(loss) and all(np.all(np.isfinite(v)) for v in new.values())):
                self.diverged = True
                return False
            self.params, self.state, self._forward = new, state, (logits, cache, grad_logits)
            self.history["loss"].append(loss)
            self.history["train_acc"].append(float((logits.argmax(-1) == train.labels)[train.valid].mean()))
            held = self.heldout_batch
            right = predict(self.params, held, self.config) == held.labels        # (B, n)
            self.history["heldout_acc"].append(float(right[held.valid].mean()))
            self.history["heldout_noun_acc"].append(float(right[held.valid & np.isin(held.labels, (AGENT, PATIENT))].mean()))
        return True

    def attention(self, sentence) -> tuple[list[str], np.ndarray]:
        """(words, weights (n, n)) of one sentence (a string from the corpus or a list of words)."""
        words = list(self.corpus.sentences[self.corpus.find(sentence)]) if isinstance(sentence, str) else list(sentence)
        if not self.config.attention:
            raise ValueError("这个模型没有注意力层 (attention=False)，没有注意力权重可看。")
        _, cache = forward(self.params, encode([words], self.corpus.words), self.config)
        return words, cache["A"][0]

    def roles(self, sentence) -> list[str]:
        """The predicted role of every word of one sentence."""
        words = list(self.corpus.sentences[self.corpus.find(sentence)]) if isinstance(sentence, str) else list(sentence)
        logits, _ = forward(self.params, encode([words], self.corpus.words), self.config)
        return [ROLES[r] for r in logits[0].argmax(-1)]


def train(corpus: RoleCorpus, config: ModelConfig, steps: int, *, seed: int = 1, lr: float = 0.05) -> Trainer:
    """Train for `steps` full-batch Adam steps and return the :class:`Trainer` (params + history)."""
    trainer = Trainer(corpus, config, seed=seed, lr=lr)
    if not trainer.step(steps):
        raise ValueError(f"训练在第 {trainer.steps + 1} 步发散了（损失变成 NaN 或 inf）；请把学习率调小。")
    return trainer


def attention_by_class(trainer: Trainer, split: str = "heldout", voice: str | None = None) -> dict[str, dict[str, float]]:
    """How much attention a noun gives, on average, to itself and to each class of word.

    Returns {role: {"自己": w, "名词": w, "动词": w, "被": w, "了": w, "时间词": w}} for the roles
    施事 and 受事, averaged over every noun of `split`; each inner dict sums to 1. With `voice`
    "主动句" or "被字句", only the sentences without / with 被 count.
    """
    _, cache = forward(trainer.params, trainer.corpus.batch(split), trainer.config)
    return _by_class(trainer.corpus, split, cache["A"], voice)


def hand_built_attention_by_class(corpus: RoleCorpus, split: str = "heldout",
                                  voice: str | None = None) -> dict[str, dict[str, float]]:
    """The same table as ``attention_by_class`` for lesson 02's hand-built W_Q, W_K on the named features."""
    from .attention import scaled_dot_product_attention
    from .text import embed
    from .toy import projection_matrices

    W_Q, W_K, W_V = projection_matrices()                       # (9, 3) each
    A = []
    for k in corpus.indices(split):
        X, _ = embed(list(corpus.sentences[k]))                 # (n, 9)
        _, w = scaled_dot_product_attention(X @ W_Q, X @ W_K, X @ W_V)  # (n, n)
        A.append(np.pad(w, ((0, 8 - len(w)), (0, 8 - len(w)))))
    return _by_class(corpus, split, np.array(A), voice)


def _by_class(corpus: RoleCorpus, split: str, A: np.ndarray, voice: str | None = None) -> dict[str, dict[str, float]]:
    """Average the nouns' rows of A (B, n, n) over the word classes of the keys."""
    if voice not in (None, *VOICES):
        raise ValueError(f"voice 应是 None、'主动句' 或 '被字句'，收到 {voice!r}。")
    kinds = word_classes(corpus)
    idx = corpus.indices(split)
    sums = {role: dict.fromkeys(("自己",) + CLASSES, 0.0) for role in ("施事", "受事")}
    counts = dict.fromkeys(sums, 0)
    for b, k in enumerate(idx):
        words, roles = corpus.sentences[k], corpus.roles[k]
        if voice is not None and ("被" in words) != (voice == "被字句"):
            continue
        for i, role in enumerate(roles):
            if role not in sums:
                continue
            counts[role] += 1
            for j, w in enumerate(words):
                sums[role]["自己" if i == j else kinds[w]] += float(A[b, i, j])
    return {role: {c: v / counts[role] for c, v in row.items()} for role, row in sums.items()}


def _class_means(S: np.ndarray, labels: list[str]) -> np.ndarray:
    """Average an (N, N) score table over the word classes: (C, C), rows = query class."""
    out = np.zeros((len(CLASSES), len(CLASSES)))
    for a, ca in enumerate(CLASSES):
        for b, cb in enumerate(CLASSES):
            rows = [i for i, c in enumerate(labels) if c == ca]
            cols = [j for j, c in enumerate(labels) if c == cb]
            out[a, b] = S[np.ix_(rows, cols)].mean()
    return out


def class_scores(trainer: Trainer) -> dict[str, np.ndarray]:
    """The learned query–key pattern, split into a word part and a position part.

    Returns
    -------
    dict with
        "words" : (C, C)  mean score (E_a W_Q)·(E_b W_K) / √d_k between word classes (rows = query)
        "positions" : (n, n)  score (P_i W_Q)·(P_j W_K) / √d_k between positions i and j
    """
    p, cfg = trainer.params, trainer.config
    kinds = word_classes(trainer.corpus)
    E = p["E"]                                                   # (N, d)
    S = (E @ p["W_Q"]) @ (E @ p["W_K"]).T / np.sqrt(cfg.d_k)     # (N, d_k) @ (d_k, N) -> (N, N)
    n = max(len(s) for s in trainer.corpus.sentences)
    P = sinusoidal_positions(cfg.n_max, cfg.d)[:n]               # (n, d)
    return {"words": _class_means(S, [kinds[w] for w in trainer.corpus.words]),
            "positions": (P @ p["W_Q"]) @ (P @ p["W_K"]).T / np.sqrt(cfg.d_k)}


def score_parts(trainer: Trainer, sentence) -> dict[str, np.ndarray]:
    """The attention scores of one sentence split into four parts that add up to Q Kᵀ / √d_k.

    With X = E (words) + P (positions), the query is E W_Q + P W_Q and the key E W_K + P W_K, so
    the score of query i and key j is the sum of (word_i·word_j), (word_i·position_j),
    (position_i·word_j) and (position_i·position_j). Introduced in notebook 08.

    Returns
    -------
    dict {"词·词", "词·位置", "位置·词", "位置·位置"} -> ndarray, shape (n, n); rows = query, before softmax
    """
    p, cfg = trainer.params, trainer.config
    if not (cfg.attention and cfg.positions):
        raise ValueError("score_parts 需要有注意力、有位置编码的模型 (attention=True, positions=True)。")
    words = list(trainer.corpus.sentences[trainer.corpus.find(sentence)]) if isinstance(sentence, str) else list(sentence)
    E = p["E"][encode([words], trainer.corpus.words).ids[0]]     # (n, d)
    P = sinusoidal_positions(cfg.n_max, cfg.d)[:len(words)]      # (n, d)
    parts = {}
    for name, (a, b) in zip(SCORE_PARTS, [(E, E), (E, P), (P, E), (P, P)]):
        parts[name] = (a @ p["W_Q"]) @ (b @ p["W_K"]).T / np.sqrt(cfg.d_k)  # (n, d_k) @ (d_k, n) -> (n, n)
    return parts


def hand_built_class_scores(corpus: RoleCorpus) -> np.ndarray:
    """Lesson 02's hand-built W_Q, W_K on the toy vocabulary's features, averaged like ``class_scores``.

    Returns
    -------
    ndarray, shape (C, C)   mean Q·K / √3 between word classes (rows = query class)
    """
    from .text import embed
    from .toy import projection_matrices

    W_Q, W_K, _ = projection_matrices()                          # (9, 3) each
    X, _ = embed(list(corpus.words))                             # (N, 9): the named features
    S = (X @ W_Q) @ (X @ W_K).T / np.sqrt(W_Q.shape[1])          # (N, N)
    kinds = word_classes(corpus)
    return _class_means(S, [kinds[w] for w in corpus.words])

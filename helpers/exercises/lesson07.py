"""Exercises of notebook 07: the strongest head, the previous-token head of MiniLM, breaking the toy model."""

from __future__ import annotations

import numpy as np

from ..coref import decide
from ._core import Case, CheckResult, Exercise, Mistake, _Reject, check_value, compare_arrays, fmt, rng, run_check


def _top(w, t, q, k):
    i, j = t.index(q), t.index(k)
    per = w[:, :, i, j]  # (L, h)
    return tuple(int(x) for x in np.unravel_index(np.argmax(per), per.shape))


def _top_at(w, i, j):
    per = w[:, :, i, j]  # (L, h)
    return tuple(int(x) for x in np.unravel_index(np.argmax(per), per.shape))


def _random_attention(r, L, h, n):
    e = np.exp(r.normal(size=(L, h, n, n)))
    return e / e.sum(-1, keepdims=True)


def _top_cases():
    r = rng(9)
    cases = []
    # (L, h, n, strongest head, query position, key position, hidden)
    for L, h, n, (l0, h0), i, j, hidden in ((2, 3, 4, (1, 2), 3, 0, False), (6, 12, 5, (3, 1), 1, 3, True),
                                            (1, 1, 3, (0, 0), 0, 2, True), (3, 4, 6, (2, 0), 4, 1, True),
                                            (2, 2, 4, (0, 1), 2, 2, True)):
        w = _random_attention(r, L, h, n)
        w[l0, h0, i] = 0.0
        w[l0, h0, i, j] = 1.0  # this head sends token i entirely to token j
        tokens = [f"t{k}" for k in range(n)]
        cases.append(Case(f"{L} 层 × {h} 个头、{n} 个词元：t{i} → t{j}", (w, tokens, tokens[i], tokens[j]), hidden))
    w = _random_attention(r, 2, 2, 4) * 0.2
    w[0, 1, 2, 0] = 0.8  # the head asked for: t2 -> t0
    w[1, 0, 2, 3] = 1.0  # another head sends t2 entirely to t3: the largest weight of t2, but not to the key
    tokens = ["t0", "t1", "t2", "t3"]
    cases.append(Case("另一个头把 t2 的权重全给了 t3：t2 → t0", (w, tokens, "t2", "t0"), hidden=True))
    tokens = ["the", "cat", "saw", "the", "dog"]  # "the" twice: the first occurrence counts
    w = _random_attention(r, 2, 3, 5) * 0.5
    w[1, 0, 4, 0] = 0.97  # dog -> the first "the"
    w[0, 2, 4, 3] = 0.99  # dog -> the second "the": not the one asked for
    cases.append(Case("the 出现两次：dog → 第一个 the", (w, tokens, "dog", "the"), hidden=True))
    return cases


def _pair_compare(got, want, case):
    if isinstance(got, (int, np.integer)):
        raise _Reject(f"你返回了一个数 {fmt(got)}（像是拉平后的下标）；要返回 (层, 头) 两个整数。")
    try:
        got = tuple(int(x) for x in got)
    except (TypeError, ValueError):
        raise _Reject(f"应返回 (层, 头) 两个整数，收到 {got!r}。") from None
    return None if got == tuple(want) else f"应是 (层, 头) = {fmt(tuple(want))}，你的是 {fmt(got)}。"


TOP_HEAD = Exercise(
    "07-1", _top_cases, _top,
    where="query 给 key 的权重在每个头里是 weights[l, h, i, j]（i 是 query 的行，j 是 key 的列）；在所有 (l, h) 里找最大。",
    how="per_head = weights[:, :, i, j]（形状 (L, h)），再 np.unravel_index(np.argmax(per_head), per_head.shape)。",
    compare=_pair_compare,
    mistakes=[Mistake("你取的是 key 给 query 的权重（行和列反了）：query 是行，key 是列。", "weights[:, :, i, j] 的 i、j。",
                      lambda w, t, q, k: _top(w, t, k, q)),
              Mistake("你没有用 query 和 key 的位置：每个例子问的是不同的一对词元。", "tokens.index(query) 和 tokens.index(key)。",
                      lambda w, t, q, k: _top_at(w, -1, 0)),
              Mistake("你没有用 key：你找的是 query 在所有词元上的最大权重，不是它给 key 的权重。", "key 参数用在哪里了？",
                      lambda w, t, q, k: tuple(int(x) for x in np.unravel_index(
                          np.argmax(w[:, :, t.index(q), :].max(-1)), w.shape[:2]))),
              Mistake("词元出现不止一次时，你用了最后一次出现的位置；约定用第一次（tokens.index）。", "重复的词元。",
                      lambda w, t, q, k: _top_at(w, len(t) - 1 - t[::-1].index(q), len(t) - 1 - t[::-1].index(k))
                      if t.count(q) + t.count(k) > 2 else None),
              Mistake("你只在第 0 层里找了；要在所有层、所有头里找。", "第一个轴也要搜索。",
                      lambda w, t, q, k: (0, int(np.argmax(w[0, :, t.index(q), t.index(k)])))),
              Mistake("层和头的顺序反了：返回 (层, 头)。", "unravel_index 的结果顺序。",
                      lambda w, t, q, k: _top(w, t, q, k)[::-1]),
              Mistake("层和头都从 1 数起了：课程里层和头都从 0 数（第 0 层、第 0 个头），np.argmax 给的下标就是。"
                      "不要再加 1。", "返回之前的 + 1。", lambda w, t, q, k: tuple(x + 1 for x in _top(w, t, q, k)))])


def check_top_head(fn, hint=None):
    """Exercise 07-1: fn(weights, tokens, query, key) -> (layer, head) where query attends most to key."""
    return run_check(TOP_HEAD, fn, hint)


def _prev(w):
    n = w.shape[-1]
    i = np.arange(1, n)
    return w[..., i, i - 1].mean(axis=-1)  # (L, h)


def _prev_cases():
    r = rng(70)
    cases = []
    for L, h, n, hidden in ((2, 3, 4, False), (6, 12, 9, True), (1, 1, 2, True)):
        w = _random_attention(r, L, h, n)
        w[L - 1, 0] = np.eye(n, k=-1) + np.eye(n, k=0) * (np.arange(n) == 0)[:, None]  # a clean previous-token head
        cases.append(Case(f"{L} 层 × {h} 个头、{n} 个词元", (w,), hidden))
    return cases


PREVIOUS = Exercise(
    "07-2", _prev_cases, _prev,
    where="“看前一个词元”的头：第 i 行把权重放在第 i − 1 列，就是主对角线下面那一条。第 0 个词元没有前一个。",
    how="i = np.arange(1, n)；weights[:, :, i, i - 1] 的形状是 (L, h, n − 1)，对最后一维求平均。",
    compare=lambda g, w, c: compare_arrays(g, w, c, name="每个头的得分"),
    mistakes=[Mistake("你量的是“下一个词元”（第 i + 1 列）：对角线上面那一条。", "i − 1 还是 i + 1。",
                      lambda w: w[..., np.arange(w.shape[-1] - 1), np.arange(1, w.shape[-1])].mean(-1)),
              Mistake("你量的是对角线（看自己）。", "列号要比行号小 1。",
                      lambda w: np.diagonal(w, axis1=-2, axis2=-1).mean(-1)),
              Mistake("第 0 个词元没有前一个：你把 weights[:, :, 0, -1]（最后一列）也算进去了。", "i 从 1 开始。",
                      lambda w: w[..., np.arange(w.shape[-1]), np.arange(w.shape[-1]) - 1].mean(-1)),
              Mistake("你求的是和，不是平均：句子越长得分越大。", "sum 和 mean。",
                      lambda w: _prev(w) * (w.shape[-1] - 1)),
              Mistake("你除以的是 n，可“前一个词元”只有 n − 1 个（第 0 个词元没有）：平均要除以 n − 1。", "平均的分母。",
                      lambda w: _prev(w) * (w.shape[-1] - 1) / w.shape[-1])])


def check_previous_token_head(fn, hint=None):
    """Exercise 07-2: fn(weights (L, h, n, n)) -> (L, h) mean weight on the previous token; then MiniLM's best head."""
    result = run_check(PREVIOUS, fn, hint)
    if not result.passed:
        return result
    from ..pretrained import CURATED_SENTENCES, load_model_or_precomputed

    model, is_live = load_model_or_precomputed()
    tokens, att = model.attentions(CURATED_SENTENCES[0])
    score = np.asarray(fn(np.asarray(att, dtype=float)), dtype=float)  # (L, h)
    l, h = (int(x) for x in np.unravel_index(np.argmax(score), score.shape))
    result.message += (f"\n在 all-MiniLM-L6-v2 上（句子 “{CURATED_SENTENCES[0]}”，{'实时' if is_live else '离线'}模式）："
                       f"第 {l} 层第 {h} 个头最像“看前一个词元”的头，平均把 {score[l, h]:.2f} 的权重给前一个词元"
                       f"（72 个头的中位数是 {np.median(score):.2f}）。")
    return result


MARGIN = 0.1  # the lesson's rule (helpers.coref.decide): an answer only when the top weight leads by ≥ 0.1



def _decide(weights, labels, margin=MARGIN):
    """(answer or None, reason) by the lesson's own rule, helpers.coref.decide."""
    return decide(weights, labels, margin=margin)


WHY_BROKEN = """**玩具模型为什么把 “it” 指错了？**（选一个字母）

- A. 第 1 层的 “it” 在找带“动物”特征的名词（它从第 0 层的形容词拿到了“动物”）；it 真正指的那个词在词表里的“动物”特征比句子里另一个名词弱。
- B. 第 1 层的 “it” 在找带“地点”特征的名词（它从第 0 层的形容词拿到了“地点”）；it 真正指的那个词在词表里的“地点”特征比句子里另一个名词弱。
- C. 模型不认识句子里的某个词，只好乱猜。
- D. 模型总是选离 “it” 最近的名词。"""

_FEATURE_OPTION = {"动物": "A", "地点": "B"}


def _letter(answer):
    """A letter answer as one upper-case letter ("a", " A ", "A.", "(A)" -> "A"), or None; same rule as the quiz."""
    if not isinstance(answer, str):
        return None
    return answer.strip().strip(".。、 ()（）").upper()


def _why_wrong(letter: str, wanted: str) -> str:
    """What is wrong with the reason `letter`, when "it" looked for the feature `wanted`."""
    if letter in _FEATURE_OPTION.values():
        told = "动物" if letter == "A" else "地点"
        return (f"{letter} 不对：{letter} 说第 1 层的 “it” 在找带“{told}”特征的名词。你句子里的形容词交给 “it” 的，"
                f"是这个特征吗？")
    if letter == "C":
        return ("C 不对：句子里的词模型都认识（不认识的词，检查会先指出来）。它认识每个词，只是每个词的特征是词表"
                "写死的，和这句话的意思无关。")
    return ("D 不对：这个玩具模型没有位置信息，根本不知道谁离 “it” 近；把两个名词对调位置，权重也只是跟着对调。"
            "它只按特征找词。")


def _human_reading(tokens, X0, features, target: str, got: str, wanted: str) -> str:
    """"" when a reader would take "it" as `target` for all the checker can tell, else why not (a message).

    The adjective's feature (``wanted``) is carried by `target` and by the model's pick `got` (that is how the model
    goes wrong), so it cannot single out the referent by itself; the sentence must. Two cases where it does not:
    the two nouns are joined by "and" before the verb (they do the same thing: ambiguous), or the part before
    "because"/"so" has a single action verb and `target` comes after it while `got` comes before it (a reader takes
    "it" as the one who does the action). Sentences with more structure are left to the reader.
    """
    end = next((k for k, t in enumerate(tokens) if t in ("because", "so")), len(tokens))
    main = tokens[:end]
    if target not in main or got not in main:
        return ""
    act = features.index("动作")
    verbs = [k for k, t in enumerate(main) if X0[k, act] > 0]  # "didn't eat" is one action, "… and the dog did" two
    actions = [k for n, k in enumerate(verbs) if n == 0 or not (k - verbs[n - 1] == 1
                                                                or (k - verbs[n - 1] == 2 and main[k - 1] == "not"))]
    i, j = main.index(target), main.index(got)
    first_verb = verbs[0] if verbs else len(main)
    between = main[min(i, j) + 1:max(i, j)]
    if i < first_verb and j < first_verb and set(between) <= {"the", "a", "an", "and"} and "and" in between:
        return (f"人读这句也分不出 “it” 指谁：{target} 和 {got} 由 and 连在一起，做的是同一件事，"
                f"形容词要的“{wanted}”特征它们都有。")
    if len(actions) == 1 and j < first_verb < i:
        return (f"人读这句时 “it” 指的是 {got}，不是 {target}：形容词要的“{wanted}”特征两个名词都有，单靠它分不出；"
                f"这句只有一个动作（{' '.join(main[first_verb:verbs[-1] + 1])}），人会把 “it” 读成做这个动作的 {got}。"
                f"要让 {target} 成为 “it” 指的词，句子本身得让人读出是它。")
    return ""


def check_broken_coref(sentence, intended, why, hint=None):
    """Exercise 07-3 (design): a sentence on which the toy two-layer model clearly resolves "it" wrongly, and why.

    Clearly: in layer 1 (0-based) the top weight of "it" goes to a word other than `intended` and leads the runner-up by
    at least MARGIN (the lesson's `decide` rule); a tie or a flat row is no answer. `why` is a letter of WHY_BROKEN:
    the right one names the feature (“动物” or “地点”) that layer 1 looked for in this sentence; every wrong letter
    gets its own reason.
    """
    from ..coref import resolve
    from ..text import load_vocabulary

    key = "07-3"
    where = ("第 1 层（层从 0 数起）里“it”找的是带着“动物”或“地点”特征的名词；它从第 0 层的形容词那里拿到这个特征。"
             "在 CorefExplorer 里看看每个名词的特征有多强。")
    how = ("找一句人一看就知道 it 指谁的句子，但 it 指的那个名词在词表里的“动物”特征比句子里另一个名词弱（看看每个名词的特征）。"
           "两个名词特征一样强时模型分不出（平局）；big、tasty 这样的形容词不带“动物”或“地点”，权重会平均分开。")
    if sentence is None or intended is None:
        return check_value(key, False, "还没写（not written yet）：把 sentence 和 intended 换成你的句子和“it”真正指的词。",
                           where, how, hint, diagnosis="not written")
    try:
        r = resolve(str(sentence))
    except ValueError as exc:
        return check_value(key, False, f"句子不能分析：{exc}", where, how, hint)
    if any(r.unknown):
        unknown = [t for t, u in zip(r.tokens, r.unknown) if u]
        words = " ".join(w for w in load_vocabulary().words if w.isascii())
        return check_value(key, False, f"词表里没有 {fmt(unknown)}；请只用这些英文词：{words}", where, how, hint,
                           diagnosis="unknown")
    target = str(intended).strip().lower()
    if "it" not in r.tokens or target not in r.tokens:
        return check_value(key, False, f"句子里要有 “it” 和你说的 “{intended}”；分词结果是 {fmt(r.tokens)}。",
                           where, how, hint, diagnosis="missing")
    w = r.row(2)
    row = "、".join(f"{t} {x:.2f}" for t, x in zip(r.tokens, w) if x >= 0.05)
    got, reason = _decide(w, r.tokens)
    reason = reason.rstrip("。")
    if got is None:
        return check_value(key, False, f"模型没有明确选哪个词（{reason}）。这既不算答对，也不算答错："
                           f"找一个它把“it”明确指向错词的句子（权重最大的词比第二名至少高 {MARGIN:g}）。",
                           where, how, hint, diagnosis="no answer")
    if got == target:
        return check_value(key, False, f"模型答对了：第 1 层 “it” → {got}（{row}）。再找一个它会答错的句子。",
                           where, how, hint, diagnosis="model right")
    it = len(r.tokens) - 1 - r.tokens[::-1].index("it")
    features = load_vocabulary().features
    wanted = max(_FEATURE_OPTION, key=lambda f: r.X1[it, features.index(f)])  # what "it" took from layer 0 (X1 = after it)
    # `intended` must be a word "it" could mean here: not "it", and carrying some of the feature it looks for
    # (a model "wrong" against a referent that lacks the feature is the reader's claim failing, not the model)
    carries = float(r.X0[r.tokens.index(target), features.index(wanted)])
    noun = all(r.X0[r.tokens.index(target), features.index(f)] == 0 for f in ("性质", "动作", "指代", "虚词"))
    if target == "it" or carries <= 0 or not noun:
        return check_value(key, False, f"“{target}” 不可能是 “it” 在这句里指的词：这句的形容词让 “it” 找带“{wanted}”特征的名词，"
                           f"而 “{target}” " + (f"的“{wanted}”特征是 {fmt(carries)}" if noun else "不是名词")
                           + "。intended 应是人读这句时 “it” 真正指的名词。",
                           where, how, hint, diagnosis="intended")
    unclear = _human_reading(r.tokens, r.X0, features, target, got, wanted)
    if unclear:
        return check_value(key, False, unclear + "intended 应是人读这句时 “it” 真正指的名词。", where, how, hint,
                           diagnosis="reading")
    letter = _letter(why)
    if letter is None or letter == "":
        return check_value(key, False, f"模型确实答错了（“it” → {got}，你说应是 {target}；{reason}）。"
                           "还差一步：在 WHY_BROKEN 的选项里选出它为什么会错，把字母填进 why。", where, how, hint,
                           diagnosis="no why")
    if letter not in ("A", "B", "C", "D"):
        return CheckResult(False, f"why 应是一个字母 \"A\"、\"B\"、\"C\" 或 \"D\"（WHY_BROKEN 的选项），收到 {why!r}。"
                                  "（Expected one letter A–D.）", "format")
    if letter != _FEATURE_OPTION[wanted]:
        return check_value(key, False, f"模型确实答错了（“it” → {got}），但原因选错了。{_why_wrong(letter, wanted)}",
                           where, how, hint, diagnosis=f"why {letter}")
    return check_value(key, True, "", "", "", hint,
                       passed=f"你让模型出错了：第 1 层 “it” → {got}（{row}），而它指的是 {target}。"
                              f"“it” 从第 0 层拿到的是“{wanted}”特征：{got} 的“{wanted}”是 "
                              f"{fmt(float(r.X0[r.tokens.index(got), features.index(wanted)]))}，{target} 的是 "
                              f"{fmt(float(r.X0[r.tokens.index(target), features.index(wanted)]))}。")

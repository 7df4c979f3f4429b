"""Write data/role_corpus.tsv: short Chinese sentences whose every word is labelled with its role.

The words come from the toy vocabulary (data/toy_vocab.tsv, read with helpers.text.load_vocabulary):
20 nouns and 12 verbs, the time words 今天 / 昨天 and the function words 了 and 被.
Every sentence is one of 12 templates, active or passive (被), with an optional time word and 了:

    猫 吃 鱼                施事 动作 受事
    鱼 被 猫 吃 了          受事 其他 施事 动作 其他
    昨天 鱼 被 猫 吃        其他 受事 其他 施事 动作

so neither a word's identity (every noun is a doer and a done-to equally often) nor its position
(a noun in first place is the doer in 猫吃鱼 and the done-to in 鱼被猫吃) gives its role.

A *combination* is an unordered noun pair with a verb ({猫, 鱼} + 吃). The combinations are split
once: held-out sentences use only combinations that never occur in training, in both directions
(猫吃鱼 and 鱼吃猫, same template), so a model must generalise to new word combinations.
The combination {猫, 鱼} + 吃 is always held out: notebook 08 shows 猫吃鱼 / 鱼吃猫 / 鱼被猫吃 to a
model that never saw these three words together.

Run:  python scripts/make_role_corpus.py      (byte-identical output on every run; tests check it)
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

from helpers.text import load_vocabulary

ROOT = Path(__file__).resolve().parent.parent

OUT = ROOT / "data" / "role_corpus.tsv"
SEED = 8

NOUNS = ("猫", "小猫", "狗", "鱼", "老鼠", "鸟", "人", "学生", "老师", "妈妈", "孩子",
         "水", "饭", "米饭", "苹果", "骨头", "肉", "牛奶", "书", "球")
VERBS = ("吃", "喝", "追", "看", "爱", "喜欢", "抓", "买", "读", "写", "学习", "做")
TIME_WORDS = ("今天", "昨天")

# Slots: A = agent (施事), P = patient (受事), V = verb (动作), T = time word, 了 and 被 (其他).
TEMPLATES = (
    "A V P", "A V 了 P", "T A V P", "T A V 了 P", "A T V P", "A T V 了 P",          # active
    "P 被 A V", "P 被 A V 了", "T P 被 A V", "T P 被 A V 了", "P T 被 A V", "P T 被 A V 了",  # passive
)
ROLE_OF_SLOT = {"A": "施事", "V": "动作", "P": "受事", "T": "其他", "了": "其他", "被": "其他"}
ALWAYS_HELD_OUT = (("猫", "鱼"), "吃")
HELD_OUT_COMBINATIONS = 120     # besides {猫, 鱼} + 吃
HELD_OUT_TEMPLATES = 2          # templates per held-out combination, each in both directions
SHOWCASE = ("A V P", "P 被 A V")  # 猫吃鱼, 鱼吃猫, 鱼被猫吃, 猫被鱼吃


def sentence(template: str, agent: str, verb: str, patient: str, time_word: str) -> tuple[list[str], list[str]]:
    """Fill a template: (words, roles)."""
    fill = {"A": agent, "V": verb, "P": patient, "T": time_word, "了": "了", "被": "被"}
    slots = template.split()
    return [fill[s] for s in slots], [ROLE_OF_SLOT[s] for s in slots]


def check_words(vocab) -> None:
    """Every word must be in the toy vocabulary; nouns carry no 动作 feature, verbs do."""
    action = vocab.features.index("动作")
    for word in NOUNS + VERBS + TIME_WORDS + ("了", "被"):
        if word not in vocab:
            raise SystemExit(f"{word!r} is not in data/toy_vocab.tsv; run scripts/make_toy_vocab.py")
    assert all(vocab.vector(w)[action] == 0 for w in NOUNS), "a noun with the 动作 feature"
    assert all(vocab.vector(w)[action] > 0 for w in VERBS), "a verb without the 动作 feature"


def build(rng: np.random.Generator) -> list[tuple[str, list[str], list[str]]]:
    """All sentences as (split, words, roles), training first, then held-out."""
    combos = [(pair, verb) for pair in itertools.combinations(NOUNS, 2) for verb in VERBS]  # unordered pairs
    forced = combos.index(ALWAYS_HELD_OUT)
    others = [k for k in range(len(combos)) if k != forced]
    held = {forced, *rng.choice(others, size=HELD_OUT_COMBINATIONS, replace=False).tolist()}
    rows = []
    for k, ((a, b), verb) in enumerate(combos):
        if k in held:
            continue
        agent, patient = (a, b) if rng.random() < 0.5 else (b, a)  # one direction per training combination
        template = TEMPLATES[rng.integers(len(TEMPLATES))]
        rows.append(("train", *sentence(template, agent, verb, patient, TIME_WORDS[rng.integers(2)])))
    for k in sorted(held):
        (a, b), verb = combos[k]
        templates = SHOWCASE if k == forced else [TEMPLATES[t] for t in
                                                 rng.choice(len(TEMPLATES), HELD_OUT_TEMPLATES, replace=False)]
        for template in templates:
            time_word = TIME_WORDS[rng.integers(2)]
            for agent, patient in ((a, b), (b, a)):  # both directions: 猫吃鱼 and 鱼吃猫
                rows.append(("heldout", *sentence(template, agent, verb, patient, time_word)))
    return rows


def main() -> None:
    vocab = load_vocabulary()
    check_words(vocab)
    rows = build(np.random.default_rng(SEED))
    with OUT.open("w", encoding="utf-8", newline="\n") as f:
        f.write("# 角色语料 role corpus: scripts/make_role_corpus.py writes it; columns split, sentence, "
                "words (space-separated), roles (space-separated: 施事 动作 受事 其他)\n")
        f.write("split\tsentence\twords\troles\n")
        for split, words, roles in rows:
            f.write(f"{split}\t{''.join(words)}\t{' '.join(words)}\t{' '.join(roles)}\n")
    n_train = sum(r[0] == "train" for r in rows)
    print(f"wrote {OUT} — {len(rows)} sentences ({n_train} train, {len(rows) - n_train} held-out), "
          f"{len(NOUNS)} nouns, {len(VERBS)} verbs, {len(TEMPLATES)} templates")


if __name__ == "__main__":
    main()

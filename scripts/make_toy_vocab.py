"""Write data/toy_vocab.tsv: the course's toy vocabulary of interpretable embeddings.

Every dimension has a name a reader understands (动物, 食物, 动作 …), so that a matrix such
as W_Q can be read row by row: "施事 asks for 动作". The vectors below are designed by hand,
not learned; this script is their single source and writes them in a stable order.

Run:  python scripts/make_toy_vocab.py
"""

from __future__ import annotations

import csv
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "toy_vocab.tsv"

# (Chinese name, English name, what a high value means)
FEATURES = [
    ("动物", "animal", "有生命、会动、会累的东西"),
    ("食物", "food", "可以吃或喝的东西"),
    ("动作", "action", "动词：一个动作或事件"),
    ("施事", "agent", "常做动作的发出者（主语）"),
    ("受事", "patient", "常是动作的承受者（宾语）"),
    ("地点", "place", "地方、道路：有宽窄、可以穿过"),
    ("性质", "property", "形容词：描述别的词"),
    ("指代", "pronoun", "代词：指向句中别的词"),
    ("虚词", "function", "功能词：的、了、the、was …"),
]
NAMES = [f[0] for f in FEATURES]


def v(gloss: str, **feats: float) -> tuple[str, dict[str, float]]:
    """A vector given by its non-zero named features."""
    unknown = set(feats) - set(NAMES)
    if unknown:
        raise ValueError(f"unknown feature names {sorted(unknown)}")
    return gloss, feats


ANIMATE_AGENT = dict(动物=1.0, 施事=0.8)
PERSON = dict(动物=1.0, 施事=0.9)
FOOD = dict(食物=1.0, 受事=0.7)
ACTION = dict(动作=1.0)
PLACE = dict(地点=1.0, 受事=0.3)
FUNC = dict(虚词=1.0)

ZH = {
    # 猫吃鱼 and friends
    "猫": v("cat", **ANIMATE_AGENT),
    "小猫": v("kitten", **ANIMATE_AGENT),
    "狗": v("dog", **ANIMATE_AGENT),
    "鱼": v("fish (here: food)", 动物=0.5, 食物=0.9, 受事=0.8),
    "老鼠": v("mouse", 动物=1.0, 施事=0.4, 受事=0.5),
    "鸟": v("bird", 动物=1.0, 施事=0.6),
    "动物": v("animal", 动物=1.0, 施事=0.6),
    "人": v("person", **PERSON),
    "学生": v("student", **PERSON),
    "老师": v("teacher", **PERSON),
    "妈妈": v("mum", **PERSON),
    "孩子": v("child", **PERSON),
    "我": v("I", **PERSON, 指代=0.6),
    "你": v("you", **PERSON, 指代=0.6),
    "他": v("he", **PERSON, 指代=0.8),
    "她": v("she", **PERSON, 指代=0.8),
    "它": v("it", 指代=1.0),
    "我们": v("we", **PERSON, 指代=0.6),
    "他们": v("they", **PERSON, 指代=0.8),
    # actions
    "吃": v("eat", **ACTION),
    "喝": v("drink", **ACTION),
    "追": v("chase", **ACTION),
    "看": v("look, read", **ACTION),
    "爱": v("love", 动作=0.8),
    "喜欢": v("like", 动作=0.8),
    "跑": v("run", **ACTION),
    "走": v("walk", **ACTION),
    "睡觉": v("sleep", **ACTION),
    "穿过": v("cross", **ACTION),
    "过": v("cross; (aspect particle)", 动作=0.6, 虚词=0.4),
    "学习": v("study", **ACTION),
    "读": v("read", **ACTION),
    "写": v("write", **ACTION),
    "买": v("buy", **ACTION),
    "抓": v("catch", **ACTION),
    "做": v("do, make", **ACTION),
    "有": v("have", 动作=0.6),
    # food and things
    "水": v("water", 食物=0.7, 受事=0.7),
    "饭": v("meal", **FOOD),
    "米饭": v("rice", **FOOD),
    "苹果": v("apple", **FOOD),
    "骨头": v("bone", 食物=0.8, 受事=0.7),
    "肉": v("meat", **FOOD),
    "牛奶": v("milk", **FOOD),
    "书": v("book", 受事=0.8),
    "球": v("ball", 受事=0.8),
    # places
    "街道": v("street", **PLACE),
    "马路": v("road", **PLACE),
    "河": v("river", **PLACE),
    "家": v("home", **PLACE),
    "学校": v("school", **PLACE),
    "公园": v("park", **PLACE),
    "北京": v("Beijing", **PLACE),
    # properties
    "累": v("tired (said of the living)", 性质=1.0, 动物=0.9),
    "饿": v("hungry (said of the living)", 性质=1.0, 动物=0.9),
    "宽": v("wide (said of places)", 性质=1.0, 地点=0.9),
    "大": v("big", 性质=1.0),
    "小": v("small", 性质=1.0),
    "好": v("good", 性质=1.0),
    "快": v("fast", 性质=1.0),
    "好吃": v("tasty (said of food)", 性质=1.0, 食物=0.9),
    # function words
    "的": v("(possessive)", **FUNC),
    "了": v("(completed)", **FUNC),
    "是": v("is", **FUNC),
    "在": v("at, in; (progressive)", 虚词=0.8, 地点=0.2),
    "很": v("very", **FUNC),
    "太": v("too", **FUNC),
    "因为": v("because", **FUNC),
    "所以": v("so", **FUNC),
    "没有": v("did not", 虚词=0.8, 动作=0.2),
    "不": v("not", **FUNC),
    "和": v("and", **FUNC),
    "也": v("also", **FUNC),
    "都": v("all", **FUNC),
    "今天": v("today", 虚词=0.6),
    "昨天": v("yesterday", 虚词=0.6),
    "被": v("(passive marker)", **FUNC),  # notebook 08
}

EN = {
    "the": v("这、那", **FUNC),
    "a": v("一个", **FUNC),
    "an": v("一个", **FUNC),
    "animal": v("动物", 动物=1.0, 施事=0.6),
    "cat": v("猫", **ANIMATE_AGENT),
    "dog": v("狗", **ANIMATE_AGENT),
    "fish": v("鱼", 动物=0.5, 食物=0.9, 受事=0.8),
    "mouse": v("老鼠", 动物=1.0, 施事=0.4, 受事=0.5),
    "bird": v("鸟", 动物=1.0, 施事=0.6),
    "man": v("男人", **PERSON),
    "woman": v("女人", **PERSON),
    "boy": v("男孩", **PERSON),
    "girl": v("女孩", **PERSON),
    "i": v("我", **PERSON, 指代=0.6),
    "you": v("你", **PERSON, 指代=0.6),
    "he": v("他", **PERSON, 指代=0.8),
    "she": v("她", **PERSON, 指代=0.8),
    "they": v("他们", **PERSON, 指代=0.8),
    "it": v("它", 指代=1.0),
    "didn't": v("没有", 虚词=0.8, 动作=0.2),
    "did": v("（助动词）", 虚词=0.8, 动作=0.2),
    "not": v("不", **FUNC),
    "cross": v("穿过", **ACTION),
    "crossed": v("穿过了", **ACTION),
    "eat": v("吃", **ACTION),
    "ate": v("吃了", **ACTION),
    "eats": v("吃", **ACTION),
    "drink": v("喝", **ACTION),
    "chased": v("追了", **ACTION),
    "saw": v("看见了", **ACTION),
    "ran": v("跑了", **ACTION),
    "run": v("跑", **ACTION),
    "sleep": v("睡觉", **ACTION),
    "likes": v("喜欢", 动作=0.8),
    "loves": v("爱", 动作=0.8),
    "food": v("食物", **FOOD),
    "water": v("水", 食物=0.7, 受事=0.7),
    "bone": v("骨头", 食物=0.8, 受事=0.7),
    "milk": v("牛奶", **FOOD),
    "apple": v("苹果", **FOOD),
    "book": v("书", 受事=0.8),
    "ball": v("球", 受事=0.8),
    "street": v("街道", **PLACE),
    "road": v("马路", **PLACE),
    "river": v("河", **PLACE),
    "park": v("公园", **PLACE),
    "house": v("房子", **PLACE),
    "school": v("学校", **PLACE),
    "tired": v("累（说有生命的）", 性质=1.0, 动物=0.9),
    "hungry": v("饿（说有生命的）", 性质=1.0, 动物=0.9),
    "wide": v("宽（说地方）", 性质=1.0, 地点=0.9),
    "narrow": v("窄（说地方）", 性质=1.0, 地点=0.9),
    "big": v("大", 性质=1.0),
    "small": v("小", 性质=1.0),
    "tasty": v("好吃（说食物）", 性质=1.0, 食物=0.9),
    "because": v("因为", **FUNC),
    "so": v("所以", **FUNC),
    "and": v("和", **FUNC),
    "was": v("是（过去）", **FUNC),
    "is": v("是", **FUNC),
    "too": v("太", **FUNC),
    "very": v("很", **FUNC),
    "in": v("在……里", 虚词=0.8, 地点=0.2),
    "on": v("在……上", 虚词=0.8, 地点=0.2),
}


def rows():
    """Yield the TSV rows in a stable order: Chinese words, then English words."""
    for lang, table in (("zh", ZH), ("en", EN)):
        for word, (gloss, feats) in table.items():
            yield [word, lang, gloss] + [f"{feats.get(n, 0.0):.2f}" for n in NAMES]


def main() -> None:
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["# feature"] + [f"{zh}:{en}:{meaning}" for zh, en, meaning in FEATURES])
        w.writerow(["word", "lang", "gloss"] + NAMES)
        w.writerows(rows())
    n = len(ZH) + len(EN)
    print(f"wrote {OUT} — {n} words ({len(ZH)} zh, {len(EN)} en) × {len(NAMES)} features")


if __name__ == "__main__":
    main()

"""The role corpus of notebook 08: reproducible, and built so that neither word nor position alone gives the role."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from helpers.roles import PAD, ROLES, encode, load_role_corpus, word_classes
from helpers.text import load_vocabulary

ROOT = Path(__file__).resolve().parent.parent


def script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def corpus():
    return load_role_corpus()


def combination(words, roles):
    return frozenset(w for w, r in zip(words, roles) if r in ("施事", "受事")), words[roles.index("动作")]


def test_corpus_file_is_what_the_script_writes_byte_for_byte(tmp_path):
    mod = script("make_role_corpus")
    for k in range(2):  # twice: the same bytes on every run
        mod.OUT = tmp_path / f"run{k}.tsv"
        mod.main()
    committed = (ROOT / "data" / "role_corpus.tsv").read_bytes()
    assert (tmp_path / "run0.tsv").read_bytes() == (tmp_path / "run1.tsv").read_bytes() == committed


def test_words_come_from_the_toy_vocabulary(corpus):
    mod = script("make_role_corpus")
    vocab = load_vocabulary()
    assert len(mod.NOUNS) >= 20 and len(mod.VERBS) >= 10
    assert all(w in vocab for w in corpus.words)
    kinds = word_classes(corpus)
    assert sorted(w for w, k in kinds.items() if k == "名词") == sorted(mod.NOUNS)
    assert sorted(w for w, k in kinds.items() if k == "动词") == sorted(mod.VERBS)
    assert {kinds["被"], kinds["了"], kinds["今天"], kinds["昨天"]} == {"被", "了", "时间词"}


def test_every_sentence_is_well_formed(corpus):
    for words, roles in zip(corpus.sentences, corpus.roles):
        assert roles.count("施事") == roles.count("受事") == roles.count("动作") == 1
        if "被" in words:  # 被 comes right after the patient… and right before the agent
            b = words.index("被")
            assert roles[b + 1] == "施事" and "受事" in roles[:b]
        else:
            assert roles.index("施事") < roles.index("动作") < roles.index("受事")
    assert len(corpus.sentences) == len(corpus.split) and set(corpus.split) == {"train", "heldout"}


def test_heldout_combinations_never_occur_in_training_and_come_in_both_directions(corpus):
    train = {combination(corpus.sentences[k], corpus.roles[k]) for k in corpus.indices("train")}
    held = [corpus.indices("heldout")]
    held_combos = {combination(corpus.sentences[k], corpus.roles[k]) for k in held[0]}
    assert held_combos and not train & held_combos
    assert (frozenset({"猫", "鱼"}), "吃") in held_combos
    for s in ("猫吃鱼", "鱼吃猫", "鱼被猫吃", "猫被鱼吃"):
        assert corpus.split[corpus.find(s)] == "heldout"
    sentences = {corpus.sentences[k] for k in held[0]}
    for k in held[0]:  # the mirror: same words in the same slots, agent and patient swapped
        words, roles = corpus.sentences[k], corpus.roles[k]
        a, p = words[roles.index("施事")], words[roles.index("受事")]
        mirror = tuple(p if w == a else a if w == p else w for w in words)
        assert mirror in sentences


def test_neither_word_identity_nor_position_gives_a_nouns_role(corpus):
    by_word, by_position = {}, {}
    for k in corpus.indices("train"):
        for pos, (w, r) in enumerate(zip(corpus.sentences[k], corpus.roles[k])):
            if r in ("施事", "受事"):
                by_word.setdefault(w, set()).add(r)
                by_position.setdefault(pos, []).append(r)
    assert all(rs == {"施事", "受事"} for rs in by_word.values())
    for pos in (0, 1, 2, 3):  # a noun at each of these positions is sometimes the doer, sometimes the done-to
        assert 0.25 < by_position[pos].count("施事") / len(by_position[pos]) < 0.75
    assert any("被" in s for s in corpus.sentences) and any("了" in s for s in corpus.sentences)
    assert any(s[0] in ("今天", "昨天") for s in corpus.sentences)


def test_encode_pads_and_labels():
    corpus = load_role_corpus()
    batch = encode([["猫", "吃", "鱼"], ["鱼", "被", "猫", "吃", "了"]], corpus.words,
                   [["施事", "动作", "受事"], ["受事", "其他", "施事", "动作", "其他"]])
    assert batch.ids.shape == batch.valid.shape == batch.labels.shape == (2, 5) and len(batch) == 2
    assert batch.valid.sum(axis=1).tolist() == [3, 5]
    assert batch.labels[0].tolist() == [0, 1, 2, PAD, PAD]
    assert [corpus.words[i] for i in batch.ids[1]] == ["鱼", "被", "猫", "吃", "了"]
    assert [ROLES[r] for r in batch.labels[1]] == ["受事", "其他", "施事", "动作", "其他"]
    unlabelled = encode([["猫"]], corpus.words)
    assert unlabelled.labels.tolist() == [[PAD]]


def test_bad_input_gets_a_clear_message(tmp_path):
    corpus = load_role_corpus()
    with pytest.raises(ValueError, match="不在语料的词表里"):
        encode([["猫", "飞"]], corpus.words)
    with pytest.raises(ValueError, match="非空"):
        encode([], corpus.words)
    with pytest.raises(ValueError, match="split"):
        corpus.indices("test")
    with pytest.raises(ValueError, match="没有句子"):
        corpus.find("猫飞鱼")
    with pytest.raises(FileNotFoundError, match="make_role_corpus"):
        load_role_corpus(tmp_path / "missing.tsv")
    bad = tmp_path / "bad.tsv"
    bad.write_text("#\nsplit\tsentence\twords\troles\ntrain\t猫吃鱼\t猫 吃 鱼\t施事 动作\n", encoding="utf-8")
    with pytest.raises(ValueError, match="第 3 行"):
        load_role_corpus(bad)


def test_batches_of_each_split(corpus):
    train, held = corpus.batch("train"), corpus.batch("heldout")
    assert len(train) == len(corpus.indices("train")) and len(held) == len(corpus.indices("heldout"))
    assert train.valid.sum() == sum(len(corpus.sentences[k]) for k in corpus.indices("train"))
    assert np.all((train.labels == PAD) == ~train.valid)

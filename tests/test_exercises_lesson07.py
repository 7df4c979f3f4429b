"""Exercises of notebook 07: the reference passes, other correct forms pass, plausible mistakes are named."""

import numpy as np
import pytest
from exercise_harness import assert_fails, assert_passes, load

from helpers import exercises as ex

s = load("07_it_animal")


def top_head_loop(w, t, q, k):
    best, where = -1.0, None
    for l in range(w.shape[0]):
        for h in range(w.shape[1]):
            if w[l, h, t.index(q), t.index(k)] > best:
                best, where = w[l, h, t.index(q), t.index(k)], [l, h]
    return where


@pytest.mark.parametrize("answer", [s.top_head, top_head_loop,
                                    lambda w, t, q, k: np.unravel_index(np.argmax(w[..., t.index(q), t.index(k)]),
                                                                        w.shape[:2])])
def test_top_head_correct_forms(answer):
    assert_passes(ex.check_top_head, answer)


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda w, t, q, k: s.top_head(w, t, k, q), "行和列反了"),
    (lambda w, t, q, k: (0, int(np.argmax(w[0, :, t.index(q), t.index(k)]))), "只在第 0 层"),
    (lambda w, t, q, k: s.top_head(w, t, q, k)[::-1], "层和头的顺序反了"),
    (lambda w, t, q, k: tuple(x + 1 for x in s.top_head(w, t, q, k)), "从 1 数起"),
    (lambda w, t, q, k: int(np.argmax(w[..., t.index(q), t.index(k)])), "拉平后的下标"),
    (lambda w, t, q, k: tuple(int(x) for x in np.unravel_index(np.argmax(w[:, :, -1, 0]), w.shape[:2])), "没有用 query 和 key"),
    (lambda w, t, q, k: tuple(int(x) for x in np.unravel_index(np.argmax(w[:, :, len(t) - 1 - t[::-1].index(q), len(t) - 1 - t[::-1].index(k)]),
                                            w.shape[:2])), "最后一次出现"),
])
def test_top_head_mistakes(answer, diagnosis):
    assert_fails(ex.check_top_head, answer, diagnosis)


def previous_loop(w):
    L, h, n, _ = w.shape
    return np.array([[np.mean([w[l, j, i, i - 1] for i in range(1, n)]) for j in range(h)] for l in range(L)])


@pytest.mark.parametrize("answer", [s.previous_token_scores, previous_loop,
                                    lambda w: np.diagonal(w, offset=-1, axis1=-2, axis2=-1).mean(-1)])
def test_previous_token_correct_forms(answer):
    result = assert_passes(ex.check_previous_token_head, answer)
    assert "all-MiniLM-L6-v2" in result.message and "最像“看前一个词元”的头" in result.message


def test_previous_token_head_works_offline(monkeypatch):
    """Without the weights the check uses the precomputed attention and names the same head."""
    import helpers.pretrained as P

    live = ex.check_previous_token_head(s.previous_token_scores).message
    import helpers.pretrained.precomputed as PC

    monkeypatch.setattr(PC, "load_model", lambda *a, **k: (_ for _ in ()).throw(P.ModelNotAvailable("no weights")))
    offline = ex.check_previous_token_head(s.previous_token_scores).message
    assert "离线模式" in offline
    head = lambda text: text.split("）：")[-1].split("最像")[0]
    assert head(offline) == head(live)


@pytest.mark.parametrize("answer, diagnosis", [
    (lambda w: np.diagonal(w, offset=1, axis1=-2, axis2=-1).mean(-1), "下一个词元"),
    (lambda w: np.diagonal(w, axis1=-2, axis2=-1).mean(-1), "对角线（看自己）"),
    (lambda w: w[..., np.arange(w.shape[-1]), np.arange(w.shape[-1]) - 1].mean(-1), "最后一列"),
    (lambda w: np.diagonal(w, offset=-1, axis1=-2, axis2=-1).sum(-1), "求的是和"),
])
def test_previous_token_mistakes(answer, diagnosis):
    assert_fails(ex.check_previous_token_head, answer, diagnosis)


def check(args):
    return ex.check_broken_coref(*args)


check.__name__ = "check_broken_coref"


def test_broken_coref_design():
    assert s.why == "A"
    assert_passes(check, (s.sentence, s.intended, s.why))
    assert_passes(check, (s.sentence, s.intended.upper(), " a. "))  # intended and the letter: any case, punctuation
    assert_passes(check, ("The fish didn't eat the mouse because it was hungry.", "fish", "A"))
    # every place has 地点 1.0, so a 地点 break needs a referent without it: rejected as impossible, not accepted
    assert_fails(check, ("The dog didn't cross the road because it was narrow.", "dog", "B"), "不可能是")
    assert "还没写" in ex.check_broken_coref(None, None, "").message
    assert_fails(check, ("The cat didn't eat the fish because it was tired.", "cat", "A"), "模型答对了")
    assert_fails(check, ("The zebra ate the fish because it was tired.", "zebra", "A"), "词表里没有")
    assert_fails(check, ("The cat ate the fish.", "cat", "A"), "要有 “it”")


@pytest.mark.parametrize("why", ["", None])
def test_broken_coref_asks_for_a_reason(why):
    result = assert_fails(check, (s.sentence, s.intended, why), "为什么会错")
    assert "WHY_BROKEN" in result.message and result.diagnosis == "no why"


@pytest.mark.parametrize("why", ["xxxxxxxx", "它在找动物，而不是地点", "E"])
def test_broken_coref_why_is_a_letter(why):
    result = assert_fails(check, (s.sentence, s.intended, why), "应是一个字母")
    assert result.diagnosis == "format"


@pytest.mark.parametrize("sentence, intended, why, diagnosis", [
    (s.sentence, s.intended, "B", "B 不对：B 说第 1 层的 “it” 在找带“地点”特征的名词。你句子里的形容词交给 “it” 的，是这个特征吗？"),
    ("The fish didn't eat the mouse because it was hungry.", "fish", "B", "B 说第 1 层的 “it” 在找带“地点”特征的名词"),
    (s.sentence, s.intended, "C", "模型都认识"),
    (s.sentence, s.intended, "D", "没有位置信息"),
])
def test_each_wrong_reason_is_told_why_it_is_wrong(sentence, intended, why, diagnosis):
    result = assert_fails(check, (sentence, intended, why), diagnosis)
    assert "还差一步" not in result.message and result.diagnosis == f"why {why}"
    assert "原因选错了" in result.message
    assert "拿到的是“动物”" not in result.message  # the first tier does not name the right feature (that is option A)


def test_reason_d_is_false_for_the_toy_model_swapping_the_nouns_swaps_the_weights():
    from helpers.coref import resolve

    a = resolve("The fish didn't eat the cat because it was tired.")
    b = resolve("The cat didn't eat the fish because it was tired.")
    i_fish, i_cat = a.tokens.index("fish"), a.tokens.index("cat")
    assert np.isclose(a.row(2)[i_fish], b.row(2)[b.tokens.index("fish")])
    assert np.isclose(a.row(2)[i_cat], b.row(2)[b.tokens.index("cat")])
    assert "WHY_BROKEN" in ex.__all__ and "D." in ex.WHY_BROKEN


@pytest.mark.parametrize("sentence, intended", [
    ("The dog chased the cat because it was hungry.", "cat"),       # the text's example: a tie, no answer
    ("The man chased the dog because it was tired.", "dog"),        # two animals: a tie
    ("The animal didn't cross the street because it was big.", "street"),  # big: uniform weights
    ("The cat didn't eat the apple because it was tasty.", "apple"),  # tasty: uniform weights
])
def test_ties_and_flat_rows_are_no_answer_and_never_called_right(sentence, intended):
    result = assert_fails(check, (sentence, intended, "A"), "模型没有明确选哪个词")
    assert "答对了" not in result.message and result.diagnosis == "no answer"


def test_the_decision_rule_is_the_lessons_margin():
    from helpers.exercises.lesson07 import MARGIN, _decide

    assert MARGIN == 0.1
    assert _decide([0.29, 0.17, 0.54], ["cat", "fish", "x"])[0] == "x"
    assert _decide([0.45, 0.40, 0.15], ["cat", "fish", "x"])[0] is None
    assert _decide([0.34, 0.33, 0.33], ["cat", "fish", "x"])[0] is None
    assert _decide([0.6, 0.3, 0.1], ["cat", "fish", "x"])[0] == "cat"


@pytest.mark.parametrize("sentence,intended,why", [
    ("The animal didn't cross the street because it was too tired.", "street", "A"),   # the model is right
    ("The animal didn't cross the street because it was too tired.", "the", "A"),      # not a noun
    ("The animal didn't cross the street because it was too tired.", "it", "A"),       # "it" itself
    ("The animal didn't cross the street because it was too wide.", "animal", "B"),    # the model is right
    ("The fish saw the dog because it was hungry.", "hungry", "A"),                     # an adjective, not a noun
])
def test_broken_coref_rejects_an_intended_word_that_lacks_the_feature(sentence, intended, why):
    from helpers.exercises import check_broken_coref, reset_hints

    reset_hints()
    r = check_broken_coref(sentence, intended, why)
    assert not r.passed and "不可能是 “it” 在这句里指的词" in r.message


def test_ignoring_the_key_is_named():
    def row_max(w, t, q, k):  # the student's code: the largest weight of the query, to whatever token
        m = np.asarray(w)[:, :, t.index(q), :].max(-1)
        l, h = np.unravel_index(np.argmax(m), m.shape)
        return int(l), int(h)

    result = assert_fails(ex.check_top_head, row_max, "你没有用 key：你找的是 query 在所有词元上的最大权重")
    assert "最后一次出现" not in result.message


@pytest.mark.parametrize("sentence, said", [
    ("The dog ate the fish because it was hungry.", "人读这句时 “it” 指的是 dog，不是 fish：形容词要的“动物”特征两个名词都有，单靠它分不出"),
    ("The dog saw the fish in the river because it was very tired.", "这句只有一个动作（saw），人会把 “it” 读成做这个动作的 dog"),
    ("The dog didn't eat the fish because it was tired.", "这句只有一个动作（didn't eat）"),
    ("The dog and the fish ate the food because it was hungry.", "人读这句也分不出 “it” 指谁：fish 和 dog 由 and 连在一起"),
])
def test_a_sentence_where_the_feature_cannot_single_out_the_intended_noun_is_rejected(sentence, said):
    result = assert_fails(check, (sentence, "fish", "A"), said)
    assert result.diagnosis == "reading" and "intended 应是人读这句时 “it” 真正指的名词" in result.message


@pytest.mark.parametrize("sentence", [
    "The fish ate the food and the dog did not because it was hungry.",
    "The cat didn't eat the food and the fish did because it was hungry.",
    "The fish saw the man because it was too tired.",
    "The fish chased the cat because it was hungry.",
    "The fish ate the food because it was hungry and the dog did not.",
])
def test_designs_the_exercise_allows_are_still_accepted(sentence):
    assert_passes(check, (sentence, "fish", "A"))


@pytest.mark.parametrize("why", ["A", "a", " A ", "A.", "(A)", "（A）"])
def test_letters_are_read_as_the_quiz_reads_them(why):
    from helpers.quiz import QUIZ, check_answer, reset_quiz

    assert_passes(check, (s.sentence, s.intended, why))
    k = next(k for k, q in enumerate(QUIZ, start=1) if q.kind == "choice" and q.answer == "A")
    reset_quiz()
    assert check_answer(k, why).passed


def test_dividing_by_n_instead_of_n_minus_1_is_named():
    def by_n(w):
        n = w.shape[-1]
        i = np.arange(1, n)
        return w[..., i, i - 1].sum(-1) / n

    assert_fails(ex.check_previous_token_head, by_n, "你除以的是 n，可“前一个词元”只有 n − 1 个")

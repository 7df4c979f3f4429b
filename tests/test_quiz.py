"""The final quiz (helpers.quiz): answers computed by the course, one question per lesson, the unanswered state."""

import numpy as np
import pytest
from exercise_harness import load

from helpers.quiz import QUIZ, UNANSWERED, QuizWidget, check_answer, questions_per_lesson, reset_quiz, score

s08 = load("09_summary_quiz")


def test_every_lesson_01_to_08_has_a_question_and_the_count_is_computed():
    per_lesson = questions_per_lesson()
    assert set(per_lesson) == {f"{n:02d}" for n in range(1, 9)} and min(per_lesson.values()) >= 1
    assert sum(per_lesson.values()) == len(QUIZ)
    assert all(q.where and q.where.startswith("第 ") for q in QUIZ)


def test_the_gradient_check_question_matches_lesson_08():
    """What the gradient check compares: backward against central finite differences (tiny relative errors)."""
    from helpers.roles import encode, load_role_corpus
    from helpers.training import ModelConfig, gradient_check, init_params

    corpus = load_role_corpus()
    cfg = ModelConfig(len(corpus.words), d=4, d_k=2)
    batch = encode(corpus.sentences[:2], corpus.words, corpus.roles[:2])
    errors = gradient_check(init_params(cfg, np.random.default_rng(0)), batch, cfg)
    assert max(errors.values()) < 1e-5
    q = next(q for q in QUIZ if "梯度检查" in q.text)
    assert "有限差分" in q.options[ord(q.answer) - 65]


def test_without_positions_the_two_cats_get_the_same_output():
    from helpers.attention import scaled_dot_product_attention
    from helpers.toy import toy_qkv

    a, b = toy_qkv("猫吃鱼"), toy_qkv("鱼吃猫")
    out_a, _ = scaled_dot_product_attention(a.Q, a.K, a.V)
    out_b, _ = scaled_dot_product_attention(b.Q, b.K, b.V)
    assert np.allclose(out_a[a.tokens.index("猫")], out_b[b.tokens.index("猫")])


def test_reference_answers_score_full_marks_and_each_wrong_answer_fails():
    assert score(s08.quiz_answers).passed
    for k, q in enumerate(QUIZ, start=1):
        assert check_answer(k, s08.quiz_answers[k]).passed, k
        wrong = ("A" if q.answer != "A" else "D") if q.kind == "choice" else float(q.answer) + 1
        assert not check_answer(k, wrong).passed, k
        assert "还没有作答" in check_answer(k, None).message


@pytest.mark.parametrize("k", range(1, len(QUIZ) + 1))
def test_a_first_wrong_answer_says_where_to_look_not_the_explanation(k):
    reset_quiz()
    q = QUIZ[k - 1]
    wrong = ("A" if q.answer != "A" else "D") if q.kind == "choice" else float(q.answer) + 1
    first = check_answer(k, wrong).message
    assert "往哪里看" in first and q.where in first and q.explanation.split("。")[0] not in first, first
    second = check_answer(k, wrong).message
    assert q.explanation in second
    reset_quiz()
    assert q.explanation in check_answer(k, wrong, reveal=True).message
    assert q.explanation in check_answer(k, s08.quiz_answers[k]).message
    reset_quiz()


def test_only_one_letter_and_only_real_numbers_are_read():
    reset_quiz()
    choice = next(k for k, q in enumerate(QUIZ, start=1) if q.kind == "choice")
    right = QUIZ[choice - 1].answer
    assert check_answer(choice, f"  {right.lower()} ").passed
    for odd in ("ABCD", "all", f"{right}: O(n)", f"{right}{right}", 1, True, ["A"]):
        r = check_answer(choice, odd)
        assert not r.passed and r.diagnosis == "format" and "只填一个字母" in r.message, odd
    ones = next(k for k, q in enumerate(QUIZ, start=1) if q.kind == "number" and float(q.answer) == 1.0)
    assert check_answer(ones, 1).passed and check_answer(ones, "1.0").passed and check_answer(ones, np.float32(1)).passed
    for odd in (True, np.bool_(True), "8,2", "one", float("nan"), [1]):
        r = check_answer(ones, odd)
        assert not r.passed and r.diagnosis == "format" and "一个数" in r.message, odd
    assert "英文句点" in check_answer(ones, "8,2").message
    assert "题号" in check_answer(0, "A").message and "题号" in check_answer(True, "A").message


def test_answers_agree_with_what_the_lessons_compute():
    from helpers.attention import causal_mask, softmax
    from helpers.compare import expected, measure_layer

    by_text = {q.text: q for q in QUIZ}
    q_rounds = next(q for q in QUIZ if "n = 256" in q.text)
    assert q_rounds.answer == expected("attention", 256, d=64)["steps"] == 4  # 06's table: 4 rounds for every n
    assert check_answer(QUIZ.index(q_rounds) + 1, 4).passed  # the lesson's count is accepted
    assert measure_layer("attention", 16, d=8, rng=np.random.default_rng(1)).steps == 4
    q_mask = next(q for q in QUIZ if "因果掩码" in q.text)
    assert q_mask.answer == causal_mask(5)[2].sum() == 3
    q_w = next(q for q in QUIZ if "8.2 和 0.5" in q.text)
    assert abs(q_w.answer - softmax(np.array([8.2, 0.5]) / 8)[0]) < 1e-12
    assert check_answer(QUIZ.index(q_w) + 1, 0.72).passed
    assert all("遮挡" not in q.text + q.explanation for q in by_text.values())


def test_lesson_01_question_matches_the_lesson():
    """In 01 every word of 猫吃鱼 attends most to itself when word vectors are compared directly."""
    from helpers.attention import softmax
    from helpers.text import embed, tokenize

    X, _ = embed(tokenize("猫吃鱼"))
    w = softmax(X @ X.T)
    assert list(np.argmax(w, axis=1)) == [0, 1, 2]
    assert QUIZ[0].answer == "A" and QUIZ[0].options[0] == "它自己"


def test_messages_and_score():
    assert "字母" in check_answer(1, "Z").message
    assert "一个数" in check_answer(3, "eight").message
    reset_quiz()
    half = {**s08.quiz_answers, 1: "D", 13: "A"}
    r = score(half)
    assert not r.passed and f"{len(QUIZ) - 2} / {len(QUIZ)}" in r.message and "1、13" in r.message
    r = score({})
    assert not r.passed and "还没作答的题" in r.message and "没答对" not in r.message


def test_widget_starts_unanswered_and_does_not_count_untouched_questions():
    w = QuizWidget()
    assert w.choice.value is None
    r = w.check()
    assert not r.passed and r.message == UNANSWERED == "请先选择/填写答案。" and w.results == {}
    assert "None" not in w.feedback.value
    w.choice.value = "A"
    assert w.check().passed and w.results == {1: True}
    w.next_button.click()
    w.next_button.click()
    assert w.index == 2 and w.answer_box.children == (w.number,) and w.number.value == ""
    assert w.check().message == UNANSWERED and w.results == {1: True}
    w.number.value = "8.2"
    assert w.check().passed
    w.next_button.click()
    w.number.value = "0.5"
    assert not w.check().passed and "答对 2 题" in w.progress.value and "已检查 3 题" in w.progress.value
    w.number.value = "abc"
    assert "一个数" in w.check().message
    w.show(99)
    assert w.index == len(QUIZ) - 1


def test_widget_does_not_count_a_malformed_number_and_keeps_answers_per_question():
    reset_quiz()
    w = QuizWidget()
    w.choice.value = "B"
    w.show(2)
    w.number.value = "8,2"
    r = w.check()
    assert not r.passed and "不是一个数" in r.message and w.results == {} and "已检查 0 题" in w.progress.value
    w.show(0)
    assert w.choice.value == "B"  # kept
    w.show(2)
    assert w.number.value == "8,2"  # kept
    w.number.value = "8.2"
    w.show(3)
    assert w.number.value == ""  # a question not yet answered starts empty
    w.show(2)
    assert w.number.value == "8.2" and w.check().passed and w.results == {3: True}


@pytest.mark.parametrize("k", range(1, len(QUIZ) + 1))
def test_question_renders_as_markdown(k):
    md = QUIZ[k - 1].markdown(k)
    assert md.startswith(f"**第 {k} 题**") and QUIZ[k - 1].lesson in md


def _headings(lesson: str) -> dict[int, str]:
    """{section number: heading text} of notebook `lesson`, from its "## k. …" lines."""
    import json
    import re
    from pathlib import Path

    path = next((Path(__file__).resolve().parent.parent / "notebooks").glob(f"{lesson}_*.ipynb"))
    found = {}
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).split("\n"):
                m = re.match(r"## (\d+)\. (.*)", line)
                if m:
                    found[int(m.group(1))] = m.group(2)
    return found


def _plain(text: str) -> str:
    return text.replace("$\\sqrt{d_k}$", "√d_k").replace("$", "").replace("^2", "²")


def test_every_where_names_an_existing_section_by_its_heading():
    import re

    for k, q in enumerate(QUIZ, start=1):
        refs = re.findall(r"第 (\d\d) 课第 (\d+) 节", q.where)
        titled = re.findall(r"第 (\d\d) 课第 (\d+) 节（([^）（]*)", q.where)
        assert refs and len(refs) == len(titled), (k, q.where)
        for lesson, section, title in titled:
            heading = _headings(lesson).get(int(section))
            assert heading is not None, (k, q.where)
            assert title.strip() and title in _plain(heading), (k, title, heading)
    assert "诚实的代价" not in "".join(q.where for q in QUIZ)


def test_the_lesson_08_questions_differ_from_exercise_08_4_and_match_the_notebook():
    import json
    from pathlib import Path

    from helpers.exercises import WHY_POSITIONS

    lesson08 = [q for q in QUIZ if q.lesson == "08"]
    assert len(lesson08) == 2
    assert not any("位置编码" in q.text or "置换" in q.explanation for q in lesson08)
    assert "位置编码" in WHY_POSITIONS
    q = next(q for q in lesson08 if "被" in q.text)
    assert "有没有“被”" in q.options[ord(q.answer) - 65]
    path = Path(__file__).resolve().parent.parent / "notebooks" / "08_attention_learns.ipynb"
    code = "".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"])
    # the notebook asserts what the answer says: over its seeds both divisions of labour appear
    assert 'assert set(who.values()) == {"施事", "受事"}' in code


def test_widget_keeps_the_feedback_of_an_answered_question_until_the_answer_changes():
    reset_quiz()
    w = QuizWidget()
    w.choice.value = "A"
    w.check()
    said = w.feedback.value
    assert "#009E73" in said
    w.next_button.click()
    assert w.feedback.value == ""
    w.prev_button.click()
    assert w.feedback.value == said and w.choice.value == "A"
    w.choice.value = "B"
    assert w.feedback.value == said  # shown until checked again or left
    w.next_button.click()
    w.prev_button.click()
    assert w.feedback.value == ""  # the answer changed since: the old feedback no longer applies


def test_no_where_gives_the_answer_away():
    """The pointer names the section (by a heading that exists, see above) without the words of the right option."""
    from difflib import SequenceMatcher

    for k, q in enumerate(QUIZ, start=1):
        if q.kind == "number":
            continue
        right = q.options[ord(q.answer) - 65]
        common = SequenceMatcher(None, right, q.where).find_longest_match(0, len(right), 0, len(q.where))
        assert common.size < 5, (k, right[common.a:common.a + common.size], q.where)
    by_text = {q.text: q.where for q in QUIZ}
    said = "".join(by_text.values())
    assert "n²" not in said and "方差" not in said and "不能说明" not in said  # the three the student pass found

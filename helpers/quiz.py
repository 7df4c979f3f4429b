"""The final quiz of notebook 09 (one question or more per lesson 01–08): questions over the whole course, checked automatically.

Introduced in notebook 09. Multiple-choice questions take a letter ("B"); computation
questions take a number, and their answer is computed here by the course's own functions,
never typed in. ``QuizWidget`` (in ``helpers.widgets.quiz``, re-exported here) asks the same
questions with buttons.

A wrong answer first says only that it is wrong and where in the course to look; the explanation
comes after a right answer, after a second wrong try, or on request (``reveal=True``). The count of
wrong tries per question is the only state kept here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .attention import causal_mask, softmax
from .exercises import CheckResult


@dataclass(frozen=True)
class Question:
    """One quiz question.

    Attributes
    ----------
    text : str
        The question, Markdown allowed.
    lesson : str
        The notebook that teaches it ("03").
    options : tuple of str
        For multiple choice; empty for a computation.
    answer : str or float
        The correct letter, or the computed number.
    explanation : str
        Shown after a correct answer, after a second wrong try, or on request.
    where : str
        Where in the course to look: shown after the first wrong try (never the answer).
    tolerance : float
        For numbers: accepted absolute error.
    """

    text: str
    lesson: str
    answer: object
    explanation: str
    options: tuple = field(default_factory=tuple)
    tolerance: float = 0.0
    where: str = ""

    @property
    def kind(self) -> str:
        return "choice" if self.options else "number"

    def markdown(self, number: int) -> str:
        """The question as Markdown, options as a list A. … D. …"""
        lines = [f"**第 {number} 题**（第 {self.lesson} 课）{self.text}"]
        lines += [f"- {chr(65 + i)}. {opt}" for i, opt in enumerate(self.options)]
        if not self.options:
            lines.append("\n（填一个数）")
        return "\n".join(lines)

    def grade(self, answer) -> tuple[str, object]:
        """("unanswered" | "format" | "right" | "wrong", the answer read or a message); no state, no hints."""
        if answer is None or (isinstance(answer, str) and not answer.strip()):
            return "unanswered", "还没有作答：把 None 换成你的答案。"
        if self.kind == "choice":
            valid = [chr(65 + i) for i in range(len(self.options))]
            letter = answer.strip().strip(".。、 ()（）").upper() if isinstance(answer, str) else None  # "A." and "(A)" too
            if letter not in valid:
                return "format", (f"请只填一个字母：{'、'.join(valid)} 中的一个（大小写都行），收到 {answer!r}。"
                                  f"（Answer with exactly one letter.）")
            return ("right" if letter == self.answer else "wrong"), letter
        if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (str, int, float, np.integer, np.floating)):
            return "format", f"这道题要填一个数，收到 {answer!r}（{type(answer).__name__}）。（Answer with a number.）"
        try:
            x = float(answer.strip().replace("，", ",")) if isinstance(answer, str) else float(answer)
        except ValueError:
            hint = "（小数点请用英文句点，例如 8.2）" if isinstance(answer, str) and "," in answer else ""
            return "format", f"这道题要填一个数，{answer!r} 不是一个数{hint}。（Answer with a number.）"
        if not np.isfinite(x):
            return "format", f"这道题要填一个数（有限的，不是 NaN 或 inf），收到 {answer!r}。"
        return ("right" if abs(x - float(self.answer)) <= self.tolerance else "wrong"), x

    def check(self, answer, reveal: bool = False) -> CheckResult:
        """Grade the answer: a wrong one says where to look; the explanation after a right answer or a second try."""
        status, value = self.grade(answer)
        if status in ("unanswered", "format"):
            return CheckResult(False, value, status)
        if status == "right":
            _WRONG.pop(self.text, None)
            shown = f"答案是 {float(self.answer):g}。" if self.kind == "number" else ""
            return CheckResult(True, f"正确！{shown}{self.explanation}")
        tries = _WRONG[self.text] = _WRONG.get(self.text, 0) + 1
        said = value if self.kind == "choice" else f"{value:g}"
        if reveal or tries >= 2:
            return CheckResult(False, f"{said} 不对。解释：{self.explanation}", "wrong")
        return CheckResult(False, f"{said} 不对，再想想。往哪里看：{self.where}"
                                  "（再答错一次，或用 reveal=True，会显示解释。）", "wrong")


_WRONG: dict[str, int] = {}


def reset_quiz() -> None:
    """Forget the wrong tries (the next wrong answer shows only where to look again)."""
    _WRONG.clear()


def _article_weight() -> float:
    return float(softmax(np.array([8.2, 0.5]) / np.sqrt(64))[0])


def _dot() -> float:
    return float(np.array([2.0, 1.0, 0.0]) @ np.array([3.0, 2.2, 0.0]))


def _new_cat_first() -> float:
    weights = np.array([0.7, 0.3])
    V = np.array([[0.0, 1.0], [1.0, 0.0]])  # V(吃), V(鱼)
    return float((weights @ V)[0])


def _visible_positions() -> float:
    return float(causal_mask(5)[2].sum())  # word 2 (0-based) of 5


def _attention_rounds(n: int) -> float:
    from .compare import measure_layer

    return float(measure_layer("attention", n, d=8, rng=np.random.default_rng(0)).steps)


def _head_width() -> float:
    from .multihead import init_multi_head

    return float(init_multi_head(512, 8, 512 // 8, rng=np.random.default_rng(0))["W_Q"].shape[1] // 8)


QUIZ: tuple[Question, ...] = (
    Question("在第 01 课的“猫吃鱼”里，直接拿词向量互相做点积、再 softmax，每个词最关注的是谁？", "01",
             options=("它自己", "后面一个词", "句子里的动词“吃”", "三个词一样多"), answer="A",
             where="第 01 课第 5 节（发现问题）：每个词的那一行，最大的权重在哪一列？",
             explanation="词和自己的点积是长度的平方，通常最大；所以第 02 课要把“找什么”（查询）和“是什么”（键）分开。"),
    Question("在自注意力里，拿来和其他词的键 K 做点积的是词自己的哪个向量？", "02",
             options=("值 V（Value，可以理解为“信息”）", "查询 Q（Query，可以理解为“提问”）",
                      "键 K（Key，可以理解为“标签”）", "词向量 X 本身"), answer="B",
             where="第 02 课第 4 节（Q 和 K 配对）。",
             explanation="查询 Q 是“我在找什么”，键 K 是“我是什么”，注意力分数 = Q·K。"),
    Question("Q(猫) = [2, 1, 0]，K(吃) = [3, 2.2, 0]。未缩放的注意力分数 Q(猫)·K(吃) 是多少？", "02",
             answer=_dot(), tolerance=1e-6,
             where="第 00 课练习 1 的点积，和第 02 课第 4 节（Q 和 K 配对）里的分数怎么算。",
             explanation="点积是对应分量相乘再相加：2×3 + 1×2.2 + 0×0。这正是文章里的 8.2。"),
    Question("分数 8.2 和 0.5，d_k = 64。按公式 softmax(s/√d_k)，第一个注意力权重是多少？（保留两位小数即可）", "03",
             answer=_article_weight(), tolerance=0.006,
             where="第 03 课第 4 节（核对文章的数字）。",
             explanation="先除以 √64 = 8，再做 softmax。不缩放会得到约 0.9995。"),
    Question("为什么要除以 √d_k？", "03",
             options=("让计算更快", "q·k 的方差随 d_k 增长，softmax 会饱和、梯度消失",
                      "让权重之和等于 1", "因为 V 的维度是 d_k"), answer="B",
             where="第 03 课第 5 节（为什么除以 √d_k：测量）：那一节量的是什么，量出了什么？",
             explanation="假设 q、k 的分量相互独立、均值 0、方差 1（Vaswani 等人 2017 的假设），q·k 的方差是 d_k；"
                         "除以 √d_k 把方差拉回 1，softmax 不再饱和。"),
    Question("注意力权重矩阵的每一行加起来等于多少？", "03",
             answer=1.0, tolerance=1e-9,
             where="第 03 课第 3 节（Softmax，一步一步）。",
             explanation="softmax 按行归一化：每个查询把 100% 的注意力分给所有键。"),
    Question("权重 [0.7, 0.3]，V(吃) = [0, 1]，V(鱼) = [1, 0]。新“猫” = 0.7·V(吃) + 0.3·V(鱼) 的第 0 个分量是多少？", "04",
             answer=_new_cat_first(), tolerance=1e-6,
             where="第 04 课第 2 节（文章的新“猫”）。",
             explanation="第 0 个分量：0.7×0 + 0.3×1。"),
    Question("5 个词的句子用因果掩码（causal mask），第 2 个词（从 0 数起）可以关注几个位置（包括它自己）？", "04",
             answer=_visible_positions(), tolerance=0,
             where="第 04 课第 4 节（掩码）里因果掩码的例子：第 i 个词能看见哪些位置？",
             explanation="因果掩码下，第 i 个词只能看第 0 到第 i 个词，一共 i + 1 个。"),
    Question("模型维度 d = 512，分成 h = 8 个头，每个头的 d_k 是多少？", "05",
             answer=_head_width(), tolerance=0,
             where="第 05 课第 2 节（公式）里每个头的宽度。",
             explanation="每个头用 d / h 维：8 个头拼接回来正好是 512 维。"),
    Question("多头注意力相比单头的主要好处是？", "05",
             options=("参数更少", "不同的头可以同时关注不同的关系（比如谁做的、做给谁）",
                      "不再需要 softmax", "可以处理更长的句子"), answer="B",
             where="第 05 课第 1 节（为什么一个头不够）。",
             explanation="每个头有自己的 W_Q、W_K、W_V，各自学一种“谁找谁”的模式，最后拼接。"),
    Question(f"第 06 课数出：一层自注意力在 n = 4 时有 {_attention_rounds(4):g} 轮必须一轮接一轮的计算。"
             "n = 256 时有几轮？", "06",
             answer=_attention_rounds(256), tolerance=0,
             where="第 06 课第 4 节（测量：n 从 4 到 256）：表里注意力那一行的轮数。",
             explanation="轮数不随 n 变（O(1)，常数）：算 Q/K/V、算分数、softmax、加权求和，每一轮里所有位置同时算。"
                         "RNN 的轮数却等于 n。"),
    Question("自注意力每层的计算量随句子长度 n 怎样增长？", "06",
             options=("O(n)", "O(n·log n)", "O(n²)", "O(1)"), answer="C",
             where="第 06 课第 7 节（注意力的代价）：n 个词的句子一共要算多少个分数？",
             explanation="每一对词都要算一个分数：n×n 个，这也是长文本时它的代价。"),
    Question("在真实模型里发现某个头让 “it” 把大部分注意力给了 “animal”，这说明？", "07",
             options=("模型一定是靠这个头理解指代的", "这是一条证据，需要更多实验才能下结论",
                      "其他头都没有用", "注意力权重就是模型的解释"), answer="B",
             where="第 07 课第 3 节（第二部分：真实的预训练模型）和本课的小结。",
             explanation="注意力权重是证据，不是解释：输出还经过 V、多个头、残差和前馈层。"),
    Question("第 08 课训练前做了梯度检查（gradient check）。它比较的是哪两样东西？", "08",
             options=("训练集和留出集上的准确率", "手推的反向传播算出的梯度，和有限差分（把参数挪一点点、看损失变多少）算出的梯度",
                      "训练前和训练后的损失", "SGD 和 Adam 走的步长"), answer="B",
             where="第 08 课第 4 节（反向传播：一步步推出每个梯度）里“梯度检查”那一段。",
             explanation="梯度检查把每个参数挪 ±ε，用 (L(θ+ε) − L(θ−ε)) / 2ε 估计梯度，再和反向传播的结果比：相对误差很小，"
                         "说明一步步推出的梯度没写错。"),
    Question("第 08 课用 5 个随机种子各训练一次：有的种子让受事名词去看“被”，有的让施事名词去看“被”，两种都能解题。"
             "为什么两种分工都行？", "08",
             options=("因为两个名词的词向量一样", "因为只要知道句子里有没有“被”、名词自己在第几个位置，角色就定了",
                      "因为位置编码是随机的", "因为训练步数不够，模型还没学完"), answer="B",
             where="第 08 课第 6 节（读出学到的模式）：不同种子学出的分工那一段。",
             explanation="决定名词角色的只有两件事：句子里有没有“被”，名词在第几个位置。哪个名词去“取回”“被”这个信息是任意的，"
                         "所以不同的种子会学出镜像的分工；第 08 课的 5 个种子里两种分工都有，留出集上名词角色的准确率都在 95% 以上。"),
)

UNANSWERED = "请先选择/填写答案。"


def check_answer(number: int, answer, reveal: bool = False) -> CheckResult:
    """Check the answer to question `number` (1-based); `reveal=True` shows the explanation even when wrong."""
    if isinstance(number, bool) or not isinstance(number, (int, np.integer)) or not 1 <= number <= len(QUIZ):
        return CheckResult(False, f"题号应是 1 到 {len(QUIZ)} 之间的整数，收到 {number!r}。")
    return QUIZ[number - 1].check(answer, reveal=reveal)


def score(answers: dict) -> CheckResult:
    """Total score for a dict {question number: answer} (no hints, no tries counted)."""
    status = {k: QUIZ[k - 1].grade(answers.get(k))[0] for k in range(1, len(QUIZ) + 1)}
    right = [k for k, st in status.items() if st == "right"]
    empty = [k for k, st in status.items() if st == "unanswered"]
    wrong = [k for k, st in status.items() if st in ("wrong", "format")]
    message = f"得分：{len(right)} / {len(QUIZ)}。"
    if empty:
        message += f" 还没作答的题：{'、'.join(map(str, empty))}。"
    if wrong:
        lessons = sorted({QUIZ[k - 1].lesson for k in wrong})
        message += f" 没答对的题：{'、'.join(map(str, wrong))}；可以回顾第 {'、'.join(lessons)} 课。"
    return CheckResult(not wrong and not empty, message)


def questions_per_lesson() -> dict[str, int]:
    """{lesson: number of quiz questions}, for the text of notebook 09."""
    counts: dict[str, int] = {}
    for q in QUIZ:
        counts[q.lesson] = counts.get(q.lesson, 0) + 1
    return dict(sorted(counts.items()))


def __getattr__(name: str):
    """``from helpers.quiz import QuizWidget`` keeps working: the widget lives in ``helpers.widgets.quiz``.

    Imported on first use, not at module level: the widget module imports this one (QUIZ), and the
    questions need no ipywidgets.
    """
    if name == "QuizWidget":
        from .widgets.quiz import QuizWidget

        return QuizWidget
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""The course map: one source for notebook 00's table, the README and the static site's index.

Introduced in notebook 00. tests/test_readme.py checks that README.md's syllabus table and
the files in notebooks/ agree with this list.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"


@dataclass(frozen=True)
class Lesson:
    """One notebook of the course."""

    file: str          # ASCII file name in notebooks/
    title: str         # Chinese title with the English term
    article: str       # which section of the source article it follows
    minutes: int       # estimated time for a first reading with the widgets
    objectives: tuple[str, ...]

    @property
    def number(self) -> str:
        return self.file[:2]

    @property
    def available(self) -> bool:
        return (NOTEBOOKS_DIR / self.file).exists()


SYLLABUS: tuple[Lesson, ...] = (
    Lesson("00_course_intro.ipynb", "课程导读 Course guide", "—", 10,
           ("知道这门课讲什么、按什么顺序学", "会运行单元格、使用控件", "确认控件和图中的中文在你的环境里正常")),
    Lesson("01_core_idea.ipynb", "核心思想：动态权重分配 Dynamic weights", "§1、§2①", 20,
           ("用 jieba 把句子切成词", "读懂可解释的词向量 (embedding)", "理解“每一对词都有一个权重”")),
    Lesson("02_qkv.ipynb", "查询、键、值 Query, Key, Value", "§2②", 30,
           ("用 W_Q、W_K、W_V 从词向量算出查询 Q、键 K、值 V", "读懂每个矩阵“谁在找谁”", "亲手改 Q/K/V，看权重怎么变")),
    Lesson("03_scores_softmax.ipynb", "注意力分数与 Softmax Scores and softmax", "§2③④、§6", 30,
           ("用点积算分数", "一步步做 softmax", "用测量说明为什么除以 √d_k", "核对文章里的数字")),
    Lesson("04_weighted_sum.ipynb", "加权求和与完整公式 Weighted sum and the formula", "§2⑤、§6", 30,
           ("算出新“猫” = Σ 权重·V", "写出矩阵形式 softmax(QKᵀ/√d_k)V", "理解因果掩码和填充掩码", "从零实现注意力")),
    Lesson("05_multi_head.ipynb", "多头注意力 Multi-head attention", "§3", 30,
           ("手工搭两个关注不同关系的头", "拆分与合并多头 (split/merge heads)", "比较多头与单头")),
    Lesson("06_vs_rnn_cnn.ipynb", "为什么比 RNN / CNN 强 Attention vs RNN and CNN", "§4", 30,
           ("测量顺序步数、最长路径和计算量", "对照 Vaswani 等人 2017 的表 1", "看清注意力的 n² 代价")),
    Lesson("07_it_animal.ipynb", "“it”指代谁：从手搭模型到真实 Transformer", "§5", 40,
           ("搭一个两层模型解决 it → animal", "在 numpy 里运行真实的 all-MiniLM-L6-v2", "把注意力权重当证据，而不是解释")),
    Lesson("08_attention_learns.ipynb", "注意力怎样学会 Attention learns", "§2②（参数在训练中学习）", 40,
           ("用位置编码和一层注意力从数据里学会施事/受事", "亲手推导反向传播并用有限差分检查",
            "看着模型边训练边学会，把学到的模式和第 02 课的手搭矩阵对照")),
    Lesson("09_summary_quiz.ipynb", "总结与测验 Summary and quiz", "一句话总结", 20,
           ("把整门课串起来", "用测验检查自己", "知道下一步学什么")),
)


def syllabus_markdown(*, links: str | None = None, status: bool = False) -> str:
    """The syllabus as a Markdown table.

    Parameters
    ----------
    links : str, optional
        Prefix for links to the notebooks ("" inside notebooks/, "notebooks/" in the README);
        no links when None. Lessons not written yet are never linked.
    status : bool
        Add a column saying whether the notebook is already in the course.
    """
    head = "| 编号 | 笔记本 | 对应文章 | 时间 | 学习目标 |" + (" 状态 |" if status else "")
    lines = [head, "|---" * (6 if status else 5) + "|"]
    for lesson in SYLLABUS:
        title = lesson.title
        if links is not None and lesson.available:
            title = f"[{title}]({links}{lesson.file})"
        row = (f"| {lesson.number} | {title} | {lesson.article} | {lesson.minutes} 分钟 | "
               f"{'；'.join(lesson.objectives)} |")
        if status:
            row += " 已上线 |" if lesson.available else " 编写中 |"
        lines.append(row)
    return "\n".join(lines)

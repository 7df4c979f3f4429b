"""SentenceExplorer (notebook 01): a sentence, its words, their embeddings and a first heatmap."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import views
from ..attention import scaled_dot_product_attention
from ..text import embed, load_vocabulary, tokenize
from ._base import _Widget

__all__ = ["SentenceExplorer", "check_tokens"]

UNKNOWN_NOTE = "不在玩具词表里的词：用由词本身决定的随机小向量代替（每次都一样），它的特征没有含义。"


def check_tokens(text: str, max_tokens: int, max_chars: int = 300) -> list[str]:
    """The words of `text`, or a ValueError in Chinese when there are none or too many."""
    text = str(text).strip()
    if not text:
        raise ValueError("请输入一句话（输入框是空的）。")
    if len(text) > max_chars:
        raise ValueError(f"句子太长：{len(text)} 个字符，最多 {max_chars} 个。请输入一个短句。")
    tokens = tokenize(text)
    if not tokens:
        raise ValueError("没有找到可以分析的词（只有标点、空格或表情符号？）。请输入汉字或英文单词。")
    if len(tokens) > max_tokens:
        raise ValueError(f"词太多：{len(tokens)} 个，最多 {max_tokens} 个，热力图才看得清。")
    return tokens


class SentenceExplorer(_Widget):
    """Type a sentence, see its words, their embeddings and a first attention heatmap.

    Introduced in notebook 01. The attention here uses the embeddings themselves as
    Q, K and V (no learned matrices yet): words with similar features attend to each other.

    Attributes
    ----------
    tokens : list of str
    unknown : list of bool
        True for words outside the toy vocabulary (they get a stand-in vector).
    X : ndarray, shape (n, d)
    weights : ndarray, shape (n, n)
    """

    MAX_CHARS = 80
    MAX_TOKENS = 16

    def __init__(self, text: str = "猫吃鱼"):
        self.vocab = load_vocabulary()
        self.text = W.Text(value=text, description="句子", placeholder="输入一句中文或英文，回车",
                           continuous_update=False, layout=W.Layout(width="420px"))
        self.view = W.HTML()
        self.tokens: list[str] = []
        self.unknown: list[bool] = []
        self.X = np.zeros((0, self.vocab.d))
        self.weights = np.zeros((0, 0))
        self.text.observe(lambda change: self._guard(self.update, change["new"]), "value")
        self.update(text)
        self.widget = W.VBox([self.text, self.view])

    def update(self, text: str) -> None:
        """Segment `text`, embed it and recompute the heatmap (raises ValueError on bad input)."""
        tokens = check_tokens(text, self.MAX_TOKENS, self.MAX_CHARS)
        X, unknown = embed(tokens, self.vocab)  # (n, d)
        _, weights = scaled_dot_product_attention(X, X, X)  # Q = K = V = X: (n, n)
        self.tokens, self.unknown, self.X, self.weights = tokens, unknown, X, weights
        flagged = [i for i, u in enumerate(unknown) if u]
        body = (views.tokens_html(tokens, flagged)
                + '<div style="display:flex;flex-wrap:wrap">'
                + views.table_html(X, tokens, self.vocab.features, flagged_rows=flagged, flag_note=UNKNOWN_NOTE)
                + views.heatmap_html(weights, tokens, tokens, caption="softmax(X Xᵀ / √d)：这里查询 = 键 = X；每一行是这个词在看谁，和为 1")
                + "</div>")
        message = f"有 {len(flagged)} 个词不在词表里（橙色）：{'、'.join(tokens[i] for i in flagged)}。" if flagged else ""
        self._show(body, message)

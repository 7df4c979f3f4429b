"""SoftmaxExplorer (notebook 03): the same scores under different d_k scaling and temperature."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import palette, views
from ..attention import softmax
from ._base import _Widget

__all__ = ["SoftmaxExplorer"]


class SoftmaxExplorer(_Widget):
    """The same scores under different d_k scaling and temperature.

    Introduced in notebook 03. weights = softmax(scores / √d_k / T).

    Parameters
    ----------
    scores : array_like, shape (n_k,)
        Raw dot products Q·K.
    labels : sequence of str, length n_k
    """

    D_K_CHOICES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)

    def __init__(self, scores, labels, *, d_k: int = 1, temperature: float = 1.0):
        self.scores = np.array(scores, dtype=float)
        self.labels = [str(x) for x in labels]
        if self.scores.ndim != 1 or len(self.labels) != len(self.scores):
            raise ValueError(f"scores 应是一维数组，与 labels 一样长；收到形状 {self.scores.shape} 和 {len(self.labels)} 个标签。")
        self.d_k = W.SelectionSlider(options=self.D_K_CHOICES, value=d_k, description="d_k")
        self.temperature = W.FloatLogSlider(value=temperature, base=10, min=-1, max=1, step=0.05,
                                            description="温度 T", readout_format=".2f")
        self.view = W.HTML()
        self.weights = None
        for c in (self.d_k, self.temperature):
            c.observe(lambda change: self._guard(self.recompute), "value")
        self.recompute()
        self.widget = W.VBox([W.HBox([self.d_k, self.temperature]), self.view])

    def recompute(self) -> None:
        """weights = softmax(scores / √d_k / T)."""
        d_k, t = self.d_k.value, self.temperature.value
        self.weights = softmax(self.scores / np.sqrt(d_k), temperature=t)
        scaled = self.scores / np.sqrt(d_k) / t
        self._show(
            views.bars_html(scaled, self.labels, vmax=None, fmt="{:+.3f}", color=palette.SCORE_COLOR,
                            title=f"送进 softmax 的数：分数 / √{d_k} / {t:.2f}")
            + views.bars_html(self.weights, self.labels, fmt="{:.4f}", title="softmax 之后的权重（和为 1）")
        )

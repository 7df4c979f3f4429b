"""MaskExplorer (notebook 04): attention with no mask, a causal mask or a padding mask."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import views
from ..attention import causal_mask, padding_mask, scaled_dot_product_attention
from ._base import _Widget

__all__ = ["MaskExplorer"]

PAD = "<pad>"


class MaskExplorer(_Widget):
    """Attention with no mask, a causal mask or a padding mask.

    Introduced in notebook 04.

    Parameters
    ----------
    tokens : list of str, length n
    Q, K : array_like, shape (n, d_k)
    V : array_like, shape (n, d_v)

    Attributes
    ----------
    mask : ndarray of bool, broadcastable to (n, n)
        True = may attend.
    labels : list of str, length n
        The tokens as shown; under the padding mask the positions beyond the real length read ``<pad>``.
    weights : ndarray, shape (n, n)
    output : ndarray, shape (n, d_v)
    """

    def __init__(self, tokens, Q, K, V):
        self.tokens = [str(t) for t in tokens]
        self.Q, self.K, self.V = (np.array(a, dtype=float) for a in (Q, K, V))
        n = len(self.tokens)
        self.kind = W.ToggleButtons(options=[("不加掩码 none", "none"), ("因果掩码 causal", "causal"),
                                             ("填充掩码 padding", "padding")],
                                    value="none", description="掩码")
        self.real_length = W.IntSlider(value=n, min=1, max=n, description="真实长度")
        self.view = W.HTML()
        self.mask = self.weights = self.output = None
        self.labels = list(self.tokens)
        for c in (self.kind, self.real_length):
            c.observe(lambda change: self._guard(self.recompute), "value")
        self.recompute()
        self.widget = W.VBox([self.kind, self.real_length, self.view])

    def recompute(self) -> None:
        """Build the chosen mask and recompute the weights."""
        n = len(self.tokens)
        padding = self.kind.value == "padding"
        self.real_length.disabled = not padding  # the real length only matters for the padding mask
        self.labels = (self.tokens[:self.real_length.value] + [PAD] * (n - self.real_length.value)
                       if padding else list(self.tokens))
        if self.kind.value == "causal":
            mask = causal_mask(n)  # (n, n)
        elif self.kind.value == "padding":
            mask = padding_mask([self.real_length.value], n)[0]  # (1, n): keys beyond the length are padding
        else:
            mask = np.ones((n, n), dtype=bool)
        self.mask = mask
        self.output, self.weights = scaled_dot_product_attention(self.Q, self.K, self.V, mask=mask)
        caption = "被掩码的位置权重恰好为 0"
        if padding and self.real_length.value < n:
            caption += f"；第 {self.real_length.value} 个位置起是填充位 {PAD}"
        self._show(views.heatmap_html(self.weights, self.labels, self.labels, caption=caption))

"""Widgets of notebook 03: why divide by √d_k (ScalingExplorer) and the temperature knob (TemperatureExplorer).

Introduced in notebook 03. The d_k slider does not rescale two fixed numbers: it draws
random q and k of dimension d_k, so the reader sees the raw scores q·k spread like √d_k,
the scaled scores q·k/√d_k keep the same spread, and the unscaled softmax saturate
(largest weight → 1, gradient → 0).

Shape legend:
    T  trials (random queries), n_k  keys per query, d_k  vector length
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import views
from ..attention import softmax
from ._base import _Widget

__all__ = ["score_spread", "ScalingExplorer", "TemperatureExplorer"]

_UNSCALED = "#CC79A7"  # unscaled weights and statistics; scaled ones are blue; score bars green (orange = negative)


def _softmax_gradient_norm(p: np.ndarray) -> np.ndarray:
    """Frobenius norm of the softmax Jacobian p_i(δ_ij − p_j), one per row of p (T, n_k) -> (T,)."""
    n_k = p.shape[-1]
    jac = p[..., :, None] * (np.eye(n_k) - p[..., None, :])  # (T, n_k, n_k)
    return np.linalg.norm(jac, axis=(-2, -1))


def score_spread(d_k: int, *, rng: np.random.Generator, n_keys: int = 8, trials: int = 300) -> dict:
    """Draw random q, k of dimension d_k and measure the scores with and without the √d_k scaling.

    Introduced in notebook 03. Every component of q and k is independent N(0, 1).

    Parameters
    ----------
    d_k : int
        Vector length, ≥ 1.
    rng : numpy.random.Generator
        The only source of randomness (the same generator state gives the same numbers).
    n_keys : int
        Keys per query (n_k ≥ 2).
    trials : int
        Random queries (T ≥ 2).

    Returns
    -------
    dict with
        raw_std, scaled_std : float
            Standard deviation of q·k and of q·k/√d_k over all T × n_k scores.
        raw_max_weight, scaled_max_weight : float
            Mean over queries of the largest softmax weight, unscaled / scaled.
        raw_gradient, scaled_gradient : float
            Mean Frobenius norm of the softmax Jacobian, unscaled / scaled.
        example_raw, example_scaled : ndarray, shape (n_k,)
            The first query's scores, unscaled / scaled.
        example_raw_weights, example_scaled_weights : ndarray, shape (n_k,)
    """
    for name, value, low in (("d_k", d_k, 1), ("n_keys", n_keys, 2), ("trials", trials, 2)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} 应是 ≥ {low} 的整数，收到 {value!r}。 ({name} must be an integer ≥ {low}.)")
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng 应是 numpy.random.Generator（例如 np.random.default_rng(0)），收到 {type(rng).__name__}。 "
                         "(rng must be a numpy Generator.)")
    q = rng.standard_normal((trials, 1, d_k))  # (T, 1, d_k)
    k = rng.standard_normal((trials, n_keys, d_k))  # (T, n_k, d_k)
    raw = (q @ k.transpose(0, 2, 1))[:, 0, :]  # (T, 1, d_k) @ (T, d_k, n_k) -> (T, 1, n_k) -> (T, n_k): every q·k
    scaled = raw / np.sqrt(d_k)  # (T, n_k)
    p_raw, p_scaled = softmax(raw), softmax(scaled)  # (T, n_k) each
    return {
        "raw_std": float(raw.std()),
        "scaled_std": float(scaled.std()),
        "raw_max_weight": float(p_raw.max(axis=1).mean()),
        "scaled_max_weight": float(p_scaled.max(axis=1).mean()),
        "raw_gradient": float(_softmax_gradient_norm(p_raw).mean()),
        "scaled_gradient": float(_softmax_gradient_norm(p_scaled).mean()),
        "example_raw": raw[0],
        "example_scaled": scaled[0],
        "example_raw_weights": p_raw[0],
        "example_scaled_weights": p_scaled[0],
    }


def _stats_html(d_k: int, stats: dict) -> str:
    """The measured spread, saturation and gradient, unscaled beside scaled."""
    rows = [("softmax 输入的标准差（散开多少）", "raw_std", "scaled_std", "{:.2f}"),
            ("平均最大权重（越接近 1 越饱和）", "raw_max_weight", "scaled_max_weight", "{:.3f}"),
            ("权重对 softmax 输入的梯度 ‖∂p/∂s‖", "raw_gradient", "scaled_gradient", "{:.4f}")]
    cell = "padding:3px 10px;text-align:right;font-family:monospace"
    head = "padding:3px 10px;text-align:left;font-weight:600"
    parts = ['<table style="border-collapse:collapse;margin:6px 0;font-size:13px">',
             f'<tr><th style="{head}">d_k = {d_k}，√d_k = {np.sqrt(d_k):.1f}</th>'
             f'<th style="{head}">不缩放 q·k</th><th style="{head}">缩放 q·k/√d_k</th></tr>']
    for label, a, b, fmt in rows:
        parts.append(f'<tr><td style="{head};font-weight:400">{label}</td>'
                     f'<td style="{cell};color:{_UNSCALED}">{fmt.format(stats[a])}</td>'
                     f'<td style="{cell};color:#0072B2">{fmt.format(stats[b])}</td></tr>')
    parts.append("</table>")
    return "".join(parts)


class ScalingExplorer(_Widget):
    """Drag d_k: random q and k of that dimension, their scores with and without dividing by √d_k.

    Introduced in notebook 03. Each update draws new vectors from
    ``np.random.default_rng(seed)``: the same (d_k, seed) always shows the same numbers. So each
    (d_k, seed) is drawn once and kept (at most 6 × 21 small results): the first visit of d_k = 1024
    draws 300 × 9 × 1024 normal numbers (~25 ms), a return to it is instant.

    Attributes
    ----------
    stats : dict
        The result of `score_spread` for the current d_k and seed.
    """

    D_K_CHOICES = (1, 4, 16, 64, 256, 1024)
    N_KEYS = 8

    def __init__(self, d_k: int = 64, seed: int = 0):
        if d_k not in self.D_K_CHOICES:
            raise ValueError(f"d_k 应是 {self.D_K_CHOICES} 之一，收到 {d_k!r}。 (d_k must be one of the choices.)")
        self.d_k = W.SelectionSlider(options=self.D_K_CHOICES, value=d_k, description="d_k")
        self.seed = W.IntSlider(value=seed, min=0, max=20, description="随机种子 seed")
        self.view = W.HTML()
        self.stats: dict = {}
        self._drawn: dict[tuple[int, int], dict] = {}  # (d_k, seed) -> score_spread's result
        for c in (self.d_k, self.seed):
            c.observe(lambda change: self._guard(self.recompute), "value")
        self.recompute()
        self.widget = W.VBox([W.HBox([self.d_k, self.seed]), self.view])

    def recompute(self) -> None:
        """Draw q and k for the current d_k and seed, measure and redraw."""
        d_k, seed = self.d_k.value, self.seed.value
        if (d_k, seed) not in self._drawn:
            self._drawn[d_k, seed] = score_spread(d_k, rng=np.random.default_rng(seed), n_keys=self.N_KEYS)
        # a copy: changing e.stats never changes what a later return to (d_k, seed) shows
        stats = {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in self._drawn[d_k, seed].items()}
        self.stats = stats
        keys = [f"k{j}" for j in range(self.N_KEYS)]
        self._show(_stats_html(d_k, stats) +
            '<div style="display:flex;flex-wrap:wrap;gap:18px">'
            + "<div>" + views.bars_html(stats["example_raw"], keys, vmax=None, fmt="{:+.2f}", color="#009E73",
                                        title="一个查询的分数 q·k（不缩放；橙色 = 负数）")
            + views.bars_html(stats["example_raw_weights"], keys, fmt="{:.3f}", color=_UNSCALED,
                              title="softmax(q·k)") + "</div>"
            + "<div>" + views.bars_html(stats["example_scaled"], keys, vmax=None, fmt="{:+.2f}", color="#009E73",
                                        title="同一个查询 q·k / √d_k（缩放）")
            + views.bars_html(stats["example_scaled_weights"], keys, fmt="{:.3f}", color="#0072B2",
                              title="softmax(q·k / √d_k)") + "</div></div>")


class TemperatureExplorer(_Widget):
    """softmax(s / T) for fixed scores s: the temperature knob on its own.

    Introduced in notebook 03. Standard Transformer attention has no separate temperature
    parameter: dividing by √d_k is itself a fixed temperature T = √d_k (some models learn a
    temperature inside attention). Text generation uses the same formula on the output logits.

    Parameters
    ----------
    scores : array_like, shape (n_k,)
    labels : sequence of str, length n_k
    """

    def __init__(self, scores, labels, *, temperature: float = 1.0):
        self.scores = np.array(scores, dtype=float)
        self.labels = [str(x) for x in labels]
        if self.scores.ndim != 1 or len(self.labels) != len(self.scores) or not np.all(np.isfinite(self.scores)):
            raise ValueError(f"scores 应是一维有限数数组，与 labels 一样长；收到形状 {self.scores.shape} 和 "
                             f"{len(self.labels)} 个标签。 (scores must be finite, shape (n_k,), one label each.)")
        self.temperature = W.FloatLogSlider(value=temperature, base=10, min=-1, max=1, step=0.05,
                                            description="温度 T", readout_format=".2f")
        self.view = W.HTML()
        self.weights = None
        self.temperature.observe(lambda change: self._guard(self.recompute), "value")
        self.recompute()
        self.widget = W.VBox([self.temperature, self.view])

    def recompute(self) -> None:
        """weights = softmax(scores / T)."""
        t = self.temperature.value
        self.weights = softmax(self.scores, temperature=t)
        self._show(
            views.bars_html(self.scores / t, self.labels, vmax=None, fmt="{:+.3f}", color="#009E73",
                            title=f"送进 softmax 的数：s / {t:.2f}")
            + views.bars_html(self.weights, self.labels, fmt="{:.4f}", title="softmax 之后的权重（和为 1）"))

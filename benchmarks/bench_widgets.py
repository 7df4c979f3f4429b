"""Kernel-side cost of one Q/K/V editor update, beside a full matplotlib redraw of the same heatmap."""

from __future__ import annotations

import statistics
import time

import numpy as np

BUDGET_MS = 5.0


def _median_ms(fn, repeats: int) -> float:
    times = []
    for k in range(repeats):
        t = time.perf_counter()
        fn(k)
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def run() -> list[dict]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers.plots import attention_heatmap
    from helpers.widgets import QKVEditor

    rng = np.random.default_rng(0)
    rows = []
    for n in (3, 12):
        tokens = [f"词{i}" for i in range(n)]
        editor = QKVEditor(tokens, rng.normal(size=(n, 3)), rng.normal(size=(n, 3)), rng.normal(size=(n, 3)))
        slider = editor.sliders["Q"][0]
        values = np.round(np.linspace(-3, 3, 61), 1)

        def step(k, slider=slider, values=values):
            slider.value = float(values[k % len(values)])

        for k in range(20):
            step(k)  # warm-up
        update = _median_ms(step, 300)

        fig, ax = plt.subplots()

        def redraw(k, fig=fig, ax=ax, editor=editor, tokens=tokens):
            ax.clear()
            attention_heatmap(editor.weights, tokens, tokens, ax=ax, colorbar=False)
            fig.canvas.draw()

        full = _median_ms(redraw, 15)
        plt.close(fig)
        rows.append(dict(name=f"Q/K/V editor update, n={n} (median)", value=update, unit="ms", budget=BUDGET_MS,
                         baseline=full, baseline_name="matplotlib full redraw"))
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)

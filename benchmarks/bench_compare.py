"""Notebooks 05 and 06: widget updates (kernel side) and restart-and-run-all time of each notebook."""

from __future__ import annotations

import statistics
import time

import numpy as np

WIDGET_BUDGET_MS = 5.0
NOTEBOOK_BUDGET_S = 10.0


def _median_ms(fn, repeats: int = 30) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def run() -> list[dict]:
    from helpers.compare import KINDS
    from helpers.multihead import init_multi_head
    from helpers.widgets import MultiHeadExplorer, ReachExplorer

    rows = []
    reach = ReachExplorer(n=ReachExplorer.MAX_N)
    for kind in KINDS:
        ms = _median_ms(lambda kind=kind: reach.update(ReachExplorer.MAX_N, kind, 0))
        rows.append(dict(name=f"ReachExplorer update, n={ReachExplorer.MAX_N}, {kind}", value=ms, unit="ms",
                         budget=WIDGET_BUDGET_MS))
    P = init_multi_head(9, 8, 4, rng=np.random.default_rng(0), std=1.0)
    explorer = MultiHeadExplorer(P["W_Q"], P["W_K"], P["W_V"], P["W_O"], text="小猫昨天吃了鱼", h=8)
    for head, label in ((0, "one head"), (-1, "all 8 heads")):
        ms = _median_ms(lambda head=head: explorer.update("小猫昨天吃了鱼", 8, head))
        rows.append(dict(name=f"MultiHeadExplorer update, h=8, {label}", value=ms, unit="ms", budget=WIDGET_BUDGET_MS))

    from tools.notebook_runner import NOTEBOOK_DIR, execute, problems

    for name in ("05_multi_head.ipynb", "06_vs_rnn_cnn.ipynb"):
        nb, seconds = execute(NOTEBOOK_DIR / name)
        found = problems(nb)
        rows.append(dict(name=f"restart and run all: {name}", value=seconds, unit="s", budget=NOTEBOOK_BUDGET_S,
                         note="; ".join(found) if found else None))
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)

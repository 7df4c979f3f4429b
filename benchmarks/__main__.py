"""Run every benchmarks/bench_*.py and print each figure beside its budget.

Usage:  python -m benchmarks [NAME ...]     (NAME: e.g. widgets, pretrained; default all)
Exit status 1 when a figure misses its budget.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def _fmt(x) -> str:
    if x is None:
        return "—"
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent
    names = argv or sorted(p.stem[len("bench_"):] for p in here.glob("bench_*.py"))
    rows, missed = [], 0
    for name in names:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        print(f"== {name} ==", flush=True)
        for r in module.run():
            budget = r.get("budget")
            ok = budget is None or r["value"] <= budget
            missed += not ok
            verdict = "" if budget is None else ("OK" if ok else "MISSED")
            line = f"  {r['name']:<48} {_fmt(r['value']):>10} {r['unit']:<6} budget {_fmt(budget):>8} {verdict}"
            if r.get("baseline") is not None:
                ratio = r["value"] / r["baseline"] if r["baseline"] else float("nan")
                line += (f" | {r.get('baseline_name', 'baseline')}: {_fmt(r['baseline'])} {r['unit']}"
                         f" (ratio {ratio:.3f}×)")
            if r.get("note"):
                line += f" | {r['note']}"
            print(line, flush=True)
            rows.append(r)
    print(f"{len(rows)} figures, {missed} over budget")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

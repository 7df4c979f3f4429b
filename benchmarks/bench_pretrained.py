"""The real model of notebook 07: load time, forward time beside PyTorch eager, peak memory.

The PyTorch figure is not measured here (PyTorch is not a dependency): scripts/make_reference.py
measured it on one thread and wrote it to tests/fixtures/minilm_reference.json.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "tests" / "fixtures" / "minilm_reference.json"
TIRED = "The animal didn't cross the street because it was too tired."
LOAD_BUDGET_S = 0.3

# A fresh process: its peak memory is the model's alone (plus Python, numpy, tokenizers),
# and OpenBLAS there runs on one thread, like the PyTorch baseline.
_FRESH_PROCESS = """
import json, resource, statistics, sys, time
from helpers.pretrained import load_model
m = load_model()
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
try:
    now_mb = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) / 1024
except (OSError, IndexError, ValueError):
    now_mb = float("nan")
for _ in range(20): m.run(sys.argv[1])
t = []
for _ in range(200):
    t0 = time.perf_counter(); m.run(sys.argv[1]); t.append(time.perf_counter() - t0)
print(json.dumps({"peak_mb": peak_mb, "now_mb": now_mb, "forward_ms": statistics.median(t) * 1e3}))
"""


def _median(fn, repeats: int, warmup: int = 0) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run() -> list[dict]:
    from helpers.pretrained import MiniLM, load_model
    from helpers.pretrained.weights import find_weights, sha256_of

    folder = find_weights()
    sha = _median(lambda: sha256_of(folder / "model.safetensors"), repeats=5, warmup=1)  # file in the OS cache
    load = _median(lambda: MiniLM(folder), repeats=7, warmup=1)  # bypasses load_model's cache

    model = load_model()
    times = [_median(lambda: model.run(TIRED), repeats=40, warmup=4) * 1e3 for _ in range(5)]
    forward_ms = statistics.median(times)  # median of 5 block medians of 40 runs each

    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    fresh = subprocess.run([sys.executable, "-c", _FRESH_PROCESS, TIRED], env=env, cwd=ROOT,
                           capture_output=True, text=True, check=True)
    fresh = json.loads(fresh.stdout)

    torch = json.loads(REFERENCE.read_text(encoding="utf-8"))["torch_eager_forward_ms"]
    torch_name = f"PyTorch eager, {torch['threads']} thread (scripts/make_reference.py)"
    n = len(model.tokenize(TIRED)[0])
    return [
        dict(name="加载模型 load_model (sha256 included, median of 7)", value=load, unit="s", budget=LOAD_BUDGET_S,
             baseline=None, baseline_name=None,
             note="file in the OS page cache; hashed on every load, once per kernel"),
        dict(name="sha256 of model.safetensors (median of 5)", value=sha, unit="s", budget=None,
             baseline=None, baseline_name=None, note="part of every load_model; file in the OS page cache"),
        dict(name=f"前向传播 forward, {n} tokens (numpy, default threads)", value=forward_ms, unit="ms",
             budget=torch["median"], baseline=torch["median"], baseline_name=torch_name,
             note=f"{os.cpu_count()} CPUs; block medians {min(times):.1f}–{max(times):.1f} ms"),
        dict(name=f"前向传播 forward, {n} tokens (numpy, 1 thread)", value=fresh["forward_ms"], unit="ms",
             budget=None, baseline=torch["median"], baseline_name=torch_name,
             note="OPENBLAS_NUM_THREADS=1, separate process"),
        dict(name="峰值内存 peak RSS after loading (fresh process)", value=fresh["peak_mb"], unit="MB",
             budget=None, baseline=None, baseline_name=None,
             note=f"ru_maxrss (the file's mapping and the float32 copies coexist while loading); "
             f"resident afterwards {fresh['now_mb']:.0f} MB"),
    ]


if __name__ == "__main__":
    for row in run():
        print(row)

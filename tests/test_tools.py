"""tools/: the shared notebook run of a session, fresh runs, and the stress command's parts."""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest

from tools import stress
from tools.notebook_runner import CACHE_ENV, execute, problems, text_outputs

RANDOM_CELL = "import os\nprint(os.urandom(8).hex())"


def _notebook(path, source: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _printed(nb) -> str:
    return "".join(text for _, _, text in text_outputs(nb))


def test_a_session_runs_a_notebook_once_and_fresh_runs_are_new(tmp_path, monkeypatch):
    path = _notebook(tmp_path / "random.ipynb", RANDOM_CELL)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    first, _ = execute(path)
    again, _ = execute(path, store_widget_state=True)
    fresh, _ = execute(path, cache=False)
    own_env, _ = execute(path, env=dict(os.environ))
    assert problems(first) == [] and len(_printed(first).strip()) == 16
    assert _printed(again) == _printed(first), "the second caller reads the session's run"
    assert _printed(fresh) != _printed(first), "cache=False runs a new kernel"
    assert _printed(own_env) != _printed(first), "a run with its own environment is never shared"
    monkeypatch.delenv(CACHE_ENV)
    assert _printed(execute(path)[0]) != _printed(first), "without the variable nothing is shared"


def test_a_changed_notebook_is_run_again(tmp_path, monkeypatch):
    path = _notebook(tmp_path / "n.ipynb", "print('one')")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    assert _printed(execute(path)[0]) == "one\n"
    _notebook(path, "print('two')")
    assert _printed(execute(path)[0]) == "two\n"


def test_stress_finds_a_notebook_whose_content_changes(tmp_path):
    steady = _notebook(tmp_path / "steady.ipynb", "print(sum(range(10)))")
    random = _notebook(tmp_path / "random.ipynb", RANDOM_CELL)
    lines = []
    report = stress.stress([steady, random], runs=2, log=lines.append)
    assert report["steady.ipynb"] == []
    assert len(report["random.ipynb"]) == 1 and "run 2 differs from run 1: cell 0" in report["random.ipynb"][0]
    assert any("identical" in line for line in lines) and any("PROBLEMS" in line for line in lines)


def test_first_difference_names_the_cell():
    a = [(0, "stdout", "x\n"), (3, "stdout", "猫 0.5\n")]
    b = [(0, "stdout", "x\n"), (3, "stdout", "猫 0.6\n")]
    assert stress.first_difference(a, b).startswith("cell 3 (stdout / stdout)")
    assert "-猫 0.5" in stress.first_difference(a, b) and "+猫 0.6" in stress.first_difference(a, b)
    assert stress.first_difference(a, a[:1]) == "2 outputs in the first run, 1 in this one"


def test_load_processes_stop_with_the_block(tmp_path):
    with stress.Load(cpu=1, disk_mib=1, max_seconds=600) as load:
        assert load.running() == 2
        procs = list(load.procs)
    assert not any(p.is_alive() for p in procs)


def test_load_processes_stop_at_their_deadline(tmp_path):
    past = time.time() - 1
    stress.cpu_load(os.getppid(), past)  # returns at once
    stress.disk_load(os.getppid(), past, str(tmp_path), 1)
    assert list(tmp_path.iterdir()) == []
    future = time.time() + 600
    stress.cpu_load(os.getpid(), future)  # the "parent" given is not this process's parent: returns at once


def test_stress_command_refuses_a_single_run():
    with pytest.raises(SystemExit):
        stress.main(["--runs", "1"])


@pytest.mark.skipif(os.name == "nt", reason="Windows kernels have TCP only")
def test_kernels_use_ipc_with_their_own_connection_file(tmp_path, monkeypatch):
    """No TCP (and no "Kernel is running over TCP without encryption"); parallel kernels never share sockets."""
    from tools.notebook_runner import IPCKernelManager, ipc_settings

    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    a, b = ipc_settings(), ipc_settings()
    assert a["transport"] == b["transport"] == "ipc"
    assert a["connection_file"] != b["connection_file"]
    assert Path(a["connection_file"]).parent == tmp_path
    km = IPCKernelManager(kernel_name="python3")
    assert km.transport == "ipc" and Path(km.connection_file).parent == tmp_path
    assert IPCKernelManager(kernel_name="python3", transport="tcp").transport == "tcp"  # an explicit choice wins

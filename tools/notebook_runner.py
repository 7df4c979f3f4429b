"""Execute a notebook in a fresh kernel, as "restart kernel and run all" does (tests, make site, make bench).

Within one test session every notebook is executed once and its result shared: when the environment
variable ``MAOCHIYU_NOTEBOOK_CACHE`` names a directory (tests/conftest.py sets it to a directory of the
session, shared by pytest-xdist's workers), ``execute(path)`` with the default environment returns the
notebook executed by the first caller of the session. ``execute(path, cache=False)`` always runs a new
kernel.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
import uuid
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.paths import jupyter_runtime_dir
from nbclient import NotebookClient

try:  # the shared cache's file lock; on Windows (no fcntl) tests run in one process and need none
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
CACHE_ENV = "MAOCHIYU_NOTEBOOK_CACHE"


def course_notebooks() -> list[Path]:
    """notebooks/NN_*.ipynb in course order."""
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def ipc_settings() -> dict:
    """Keyword arguments that make a jupyter_client kernel manager use local IPC sockets ({} on Windows).

    The course's JupyterLab uses IPC too (scripts/configure_lab.py): no TCP, and no "Kernel is running
    over TCP without encryption" warning at every start. IPC sockets are named after the connection
    file, a new one in Jupyter's runtime folder per kernel, so kernels started at once never share one.
    Windows has TCP only.
    """
    if os.name == "nt":
        return {}
    runtime = Path(jupyter_runtime_dir())
    runtime.mkdir(parents=True, exist_ok=True)
    return {"transport": "ipc", "connection_file": str(runtime / f"kernel-maochiyu-{uuid.uuid4()}.json")}


class IPCKernelManager(AsyncKernelManager):
    """nbclient's kernel manager over local IPC sockets (see `ipc_settings`)."""

    def __init__(self, **kwargs):
        super().__init__(**{**ipc_settings(), **kwargs})


def run_fresh(path: Path, timeout: int = 300, env: dict | None = None, store_widget_state: bool = False,
              nb=None):
    """Run every cell in a new kernel; return (notebook, seconds). Errors do not stop the run.

    With `store_widget_state` the widgets' final state is kept in nb.metadata (for make site). `nb`: run
    this notebook object (e.g. `path`'s notebook with a cell added) instead of reading `path`; `path`'s
    folder is the kernel's working directory either way.
    """
    nb = nbformat.read(path, as_version=4) if nb is None else nb
    # local IPC sockets, as the course's JupyterLab settings use (scripts/configure_lab.py): no TCP, and no
    # "Kernel is running over TCP without encryption" warning at every start; Windows has only TCP
    client = NotebookClient(nb, kernel_manager_class=IPCKernelManager, timeout=timeout, kernel_name="python3",
                            allow_errors=True,
                            store_widget_state=store_widget_state,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    if env is None:
        client.execute()
    else:
        client.execute(env=env)  # passed on to the kernel launcher
    return nb, time.perf_counter() - start


def execute(path: Path, timeout: int = 300, env: dict | None = None, store_widget_state: bool = False,
            cache: bool = True):
    """`run_fresh`, or the session's shared result when $MAOCHIYU_NOTEBOOK_CACHE is set.

    The shared run keeps the widget state (make site needs it); callers that did not ask for it get the
    notebook without it. A run with its own `env` is never shared.
    """
    directory = os.environ.get(CACHE_ENV)
    if not (cache and directory and env is None):
        return run_fresh(path, timeout=timeout, env=env, store_widget_state=store_widget_state)
    nb, seconds = _shared_run(Path(directory), Path(path), timeout)
    if not store_widget_state:
        nb.metadata.pop("widgets", None)
    return nb, seconds


def _shared_run(directory: Path, path: Path, timeout: int):
    """Run `path` once per cache directory (a lock file serialises the processes that ask at once)."""
    directory.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    stored = directory / f"{path.stem}-{key}.ipynb"
    timing = stored.with_suffix(".json")
    with open(directory / f"{path.stem}.lock", "w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not stored.exists():
                nb, seconds = run_fresh(path, timeout=timeout, store_widget_state=True)
                nbformat.write(nb, stored)
                timing.write_text(json.dumps({"seconds": seconds}))
        finally:
            with contextlib.suppress(OSError, AttributeError):
                fcntl.flock(lock, fcntl.LOCK_UN)
    return nbformat.read(stored, as_version=4), json.loads(timing.read_text())["seconds"]


def problems(nb) -> list[str]:
    """Error outputs and anything written on stderr, as readable lines."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                found.append(f"cell {i}: {out.ename}: {out.evalue}")
            elif out.output_type == "stream" and out.name == "stderr":
                found.append(f"cell {i} wrote on stderr: {out.text[:300]}")
            data = out.get("data", {})
            if "Error displaying widget" in str(data.get("text/plain", "")):
                found.append(f"cell {i}: Error displaying widget")
    return found


def text_outputs(nb) -> list[tuple[int, str, str]]:
    """What each cell printed or displayed, as content: (cell index, kind, text).

    How the kernel splits a cell's stdout into stream messages depends on timing (a busy machine
    sends one message, an idle one two), so all of a cell's stdout is joined into one text, and
    likewise its stderr; displayed outputs (plain text, HTML, Markdown) follow in their own order.
    Widget outputs are left out: their model ids are new in every run.
    """
    keep = ("text/plain", "text/html", "text/markdown")
    result = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        streams: dict[str, str] = {}
        shown = []
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                streams[out.name] = streams.get(out.name, "") + out.text
            data = out.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data:
                continue
            shown += [(i, key, data[key]) for key in keep if key in data]
        result += [(i, name, streams[name]) for name in sorted(streams)]
        result += shown
    return result

"""JupyterLab and a real browser, for tests/test_browser.py and benchmarks/bench_browser.py.

`Lab` starts JupyterLab from the project's venv (so it sees the venv's settings overrides,
e.g. ``windowingMode: defer`` written by scripts/configure_lab.py) on a free loopback port,
with a token and private config, data, runtime, settings and workspace directories, serving a
*copy* of the notebooks (JupyterLab autosaves: outputs must never reach notebooks/).
`browser()` launches Debian's Chromium through Playwright with ``executable_path`` (never
``playwright install``); every request to a host other than the loopback address is refused.

The page helpers live in ``tools.lab_page``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
ARTIFACTS = ROOT / "test-artifacts"

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
HOST = "127.0.0.1"
# Settings of the test user (the windowing mode is NOT set here: it must come from the venv's overrides).
USER_SETTINGS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}


def chromium_path() -> str | None:
    """Debian's Chromium (or $CHROMIUM), or None when it is not installed."""
    for candidate in (os.environ.get("CHROMIUM"), *CHROMIUM_CANDIDATES):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def copy_notebooks(dest: Path, names: list[str] | None = None) -> Path:
    """Copy notebooks/ (or only `names` plus the non-notebook files) to dest/notebooks; return it."""
    target = dest / "notebooks"

    def ignore(directory, entries):
        skip = {e for e in entries if e in (".ipynb_checkpoints", "__pycache__")}
        if names is not None and Path(directory) == NOTEBOOK_DIR:
            skip |= {e for e in entries if e.endswith(".ipynb") and e not in names}
        return skip

    shutil.copytree(NOTEBOOK_DIR, target, ignore=ignore)
    return target


class Lab:
    """A JupyterLab server serving `root` (a temporary directory) on a free loopback port.

    Use as a context manager; ``url(path)`` gives an address with the token.
    """

    def __init__(self, root: Path, python: str = sys.executable, startup_timeout: float = 90):
        self.root = Path(root)
        self.python = python
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.base = f"http://{HOST}:{self.port}"
        self.proc: subprocess.Popen | None = None
        self._private = Path(tempfile.mkdtemp(prefix="maochiyu-lab-"))
        self.log_path = self._private / "jupyterlab.log"

    # -- life cycle -------------------------------------------------------------------------
    def command(self) -> list[str]:
        cmd = [self.python, "-m", "jupyter", "lab",
               "--no-browser", "--ServerApp.open_browser=False",
               f"--ServerApp.ip={HOST}", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
               "--ServerApp.terminals_enabled=False",
               "--LabApp.expose_app_in_browser=True",
               "--LabApp.news_url=None",                      # no announcements fetched from the network
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--LabApp.extension_manager=readonly",        # no PyPI queries from the extension manager
               "--KernelSpecManager.ensure_native_kernel=True"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        return cmd

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        p = self._private
        env.update(JUPYTER_CONFIG_DIR=str(p / "config"), JUPYTER_DATA_DIR=str(p / "data"),
                   JUPYTER_RUNTIME_DIR=str(p / "runtime"), JUPYTERLAB_SETTINGS_DIR=str(p / "user-settings"),
                   JUPYTERLAB_WORKSPACES_DIR=str(p / "workspaces"), IPYTHONDIR=str(p / "ipython"),
                   JUPYTER_PREFER_ENV_PATH="1", PYTHONUNBUFFERED="1")
        env.pop("JUPYTER_PATH", None)
        # the venv's scripts first, as `make lab` would have them
        env["PATH"] = str(Path(self.python).parent) + os.pathsep + env.get("PATH", "")
        return env

    def write_user_settings(self) -> None:
        """Private user settings: never fetch news, never ask (a toast would cover the page)."""
        for plugin, values in USER_SETTINGS.items():
            package, name = plugin.split(":")
            path = self._private / "user-settings" / package / f"{name}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")

    def start(self) -> Lab:
        self.write_user_settings()
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.command(), cwd=self.root, env=self.environment(), stdout=log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status")
                return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within {self.startup_timeout} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Shut the server down (it stops its kernels), then make sure its process group is gone."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            with contextlib.suppress(Exception):
                self.api("POST", "/api/shutdown", timeout=5)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGTERM)
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait(timeout=10)
        # kernels started by the server live in its process group; none may outlive the test
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc = None
        shutil.rmtree(self._private, ignore_errors=True)

    def __enter__(self) -> Lab:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- REST -------------------------------------------------------------------------------
    def api(self, method: str, path: str, body=None, timeout: float = 10):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    def shutdown_kernels(self, keep: list[str] = ()) -> None:
        """Stop every running kernel but those of the notebooks in `keep` (between notebooks: 2 cores are shared)."""
        kept = set()
        for session in self.api("GET", "/api/sessions") or []:
            if session.get("path") in keep:
                kept.add((session.get("kernel") or {}).get("id"))
                continue
            with contextlib.suppress(Exception):
                self.api("DELETE", f"/api/sessions/{session['id']}")
        for kernel in self.api("GET", "/api/kernels") or []:
            if kernel["id"] not in kept:
                with contextlib.suppress(Exception):
                    self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def url(self, path: str, **params: str) -> str:
        query = "".join(f"&{k}={v}" if v else f"&{k}" for k, v in params.items())
        return f"{self.base}/{path.lstrip('/')}?token={self.token}{query}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def setting(self, plugin: str, key: str):
        """A JupyterLab setting as the page will see it: user settings over the defaults.

        The server folds ``overrides.json`` (scripts/configure_lab.py) into the schema defaults.
        """
        data = self.api("GET", f"/lab/api/settings/{plugin}")
        user = data.get("settings") or {}
        return user.get(key, data["schema"]["properties"][key].get("default"))


# -- the browser ---------------------------------------------------------------------------------
@contextlib.contextmanager
def browser(executable: str, viewport=(1400, 1000)):
    """A Playwright context on Debian's Chromium that reaches the loopback address only."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            context = b.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-CN")

            def only_loopback(route):
                host = urlparse(route.request.url).hostname or ""
                if host in (HOST, "localhost") or route.request.url.startswith(("data:", "blob:")):
                    route.continue_()
                else:
                    route.abort()

            context.route("**/*", only_loopback)
            yield context
            context.close()
        finally:
            b.close()

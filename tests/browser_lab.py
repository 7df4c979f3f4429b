"""JupyterLab in a real browser, for tests/test_browser.py and benchmarks/bench_browser.py.

`Lab` starts JupyterLab from the project's venv (so it sees the venv's settings overrides,
e.g. ``windowingMode: defer`` written by scripts/configure_lab.py) on a free loopback port,
with a token and private config, data, runtime, settings and workspace directories, serving a
*copy* of the notebooks (JupyterLab autosaves: outputs must never reach notebooks/).
`browser()` launches Debian's Chromium through Playwright with ``executable_path`` (never
``playwright install``); every request to a host other than the loopback address is refused.

The page helpers (`open_notebook`, `restart_and_run_all`, `page_report` …) use
``window.jupyterapp``, which JupyterLab exposes with ``--LabApp.expose_app_in_browser=True``.
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

    def start(self) -> "Lab":
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

    def __enter__(self) -> "Lab":
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

    def shutdown_kernels(self) -> None:
        """Stop every running kernel (between notebooks: 2 cores are shared)."""
        for session in self.api("GET", "/api/sessions") or []:
            with contextlib.suppress(Exception):
                self.api("DELETE", f"/api/sessions/{session['id']}")
        for kernel in self.api("GET", "/api/kernels") or []:
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


# -- page helpers ---------------------------------------------------------------------------------
_CURRENT = "window.jupyterapp && window.jupyterapp.shell.currentWidget"

_READY_JS = """async (timeout) => {
  const w = window.jupyterapp.shell.currentWidget;
  const late = new Promise((_, reject) => setTimeout(() => reject(new Error('no kernel in time')), timeout));
  await Promise.race([Promise.all([w.context.ready, w.sessionContext.ready]), late]);
  return !!(w.sessionContext.session && w.sessionContext.session.kernel);
}"""

_DONE_JS = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  const cells = w.content.model.cells;
  for (let i = 0; i < cells.length; i++) {
    const c = cells.get(i);
    if (c.type !== 'code' || !c.sharedModel.getSource().trim()) continue;
    if (c.executionCount === null || c.executionState === 'running') return false;
  }
  return ![...document.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'));
}"""

_REPORT_JS = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const WIDGET = 'application/vnd.jupyter.widget-view+json';
  const cells = w.content.model.cells;
  const errors = [], widgetCells = [], missingWidgets = [];
  for (let i = 0; i < cells.length; i++) {
    const c = cells.get(i);
    if (c.type !== 'code') continue;
    let views = 0;
    c.outputs.toJSON().forEach(o => {
      if (o.output_type === 'error') errors.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
      if (o.output_type === 'stream' && o.name === 'stderr') errors.push(`cell ${i} wrote on stderr: ${String(o.text).slice(0, 300)}`);
      if (o.data && o.data[WIDGET]) views += 1;
    });
    if (!views) continue;
    widgetCells.push(i);
    const node = w.content.widgets[i] && w.content.widgets[i].node;
    const rendered = node ? node.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets:not(.widget-error)').length : 0;
    if (rendered < views) missingWidgets.push(`cell ${i}: ${rendered} of ${views} widget views rendered`);
  }
  const root = w.content.node;
  return {
    errors, widgetCells, missingWidgets,
    domErrors: [...root.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
                 .map(e => e.textContent.slice(0, 300)),
    errorDisplayingWidget: root.textContent.includes('Error displaying widget'),
    widgetElements: root.querySelectorAll('.jp-OutputArea-output .jupyter-widgets').length,
    cells: cells.length,
  };
}"""


def open_notebook(page, lab: Lab, relpath: str, timeout_ms: int = 90_000) -> None:
    """Open notebooks/NAME in JupyterLab and wait until its kernel is ready."""
    # ?reset: a clean workspace, without the notebooks an earlier page had open (and their kernels)
    page.goto(lab.url(f"lab/tree/{relpath}", reset=""), wait_until="domcontentloaded", timeout=timeout_ms)
    page.wait_for_function(f"() => {_CURRENT} && window.jupyterapp.shell.currentWidget.sessionContext",
                           timeout=timeout_ms)
    name = Path(relpath).name
    page.wait_for_function(
        "(name) => { const w = window.jupyterapp.shell.currentWidget; return w && w.context && w.context.path.endsWith(name); }",
        arg=name, timeout=timeout_ms)
    assert page.evaluate(_READY_JS, timeout_ms), f"no kernel for {relpath}"
    # a restart sent while the kernel is still starting can leave it "Starting" for ever
    page.wait_for_function(
        "() => { const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;"
        " return k && k.status === 'idle' && k.connectionStatus === 'connected'; }", timeout=timeout_ms, polling=200)


def restart_and_run_all(page, timeout_ms: int = 240_000) -> float:
    """Run > Restart Kernel and Run All Cells…, accept the dialog, wait until every cell ran.

    Returns the seconds it took.
    """
    start = time.perf_counter()
    # not awaited: the command's promise waits for the dialog (and page.evaluate has no timeout)
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:restart-run-all'); }")
    accept = page.locator(".jp-Dialog .jp-mod-accept")
    accept.wait_for(state="visible", timeout=30_000)
    accept.click()
    page.locator(".jp-Dialog").wait_for(state="detached", timeout=30_000)
    wait_until_done(page, timeout_ms)
    return time.perf_counter() - start


def wait_until_done(page, timeout_ms: int = 240_000, settle_ms: int = 600) -> None:
    """Kernel idle, every non-empty code cell has run, no [*] prompt; stable for `settle_ms`."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        remaining = max(1, int((deadline - time.monotonic()) * 1000))
        page.wait_for_function(_DONE_JS, timeout=remaining, polling=200)
        page.wait_for_timeout(settle_ms)
        if page.evaluate(_DONE_JS):
            return
        if time.monotonic() > deadline:
            raise TimeoutError("the notebook did not finish running")


def wait_for_widgets(page, timeout_ms: int = 30_000) -> None:
    """Wait until every widget output in the model has a rendered view in the page (or time out quietly)."""
    with contextlib.suppress(Exception):
        page.wait_for_function(
            f"() => ({_REPORT_JS})().missingWidgets.length === 0", timeout=timeout_ms, polling=250)


def page_report(page) -> dict:
    """Errors in outputs (model and page), widget outputs and views, 'Error displaying widget'."""
    return page.evaluate(_REPORT_JS)


def screenshot(page, name: str, directory: Path = ARTIFACTS) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    page.screenshot(path=str(path))
    return path


# -- the Q/K/V editor ----------------------------------------------------------------------------
# The first slider whose label looks like Q[…] (QKVEditor's sliders), its handle, and the editor's
# weights view: the first HTML widget with a <table> in the same output.
FIND_EDITOR_JS = """({mark, label}) => {
  const scope = window.jupyterapp.shell.currentWidget.node;
  const labels = [...scope.querySelectorAll('.widget-slider .widget-label')]
      .filter(l => new RegExp(label).test(l.textContent.trim()));
  if (!labels.length) return null;
  const slider = labels[0].closest('.widget-slider');
  const output = slider.closest('.jp-OutputArea-output');
  const view = [...output.querySelectorAll('.widget-html')].find(h => h.querySelector('table'));
  const handle = slider.querySelector('.noUi-handle');
  if (!view || !handle) return null;
  slider.setAttribute('data-bench', mark + '-slider');
  view.setAttribute('data-bench', mark + '-view');
  output.setAttribute('data-bench', mark + '-output');
  return {label: labels[0].textContent.trim(), value: handle.getAttribute('aria-valuenow'),
          max: handle.getAttribute('aria-valuemax'), min: handle.getAttribute('aria-valuemin')};
}"""

# One key step, timed inside the page: the key event is dispatched on the slider's handle, and a
# MutationObserver on the whole output notes (performance.now(), ms after the dispatch) the first
# DOM change outside the slider and the change of the marked view. A view whose HTML did not change
# (same rounded numbers: the kernel then sends nothing for it) resolves `grace` ms after the first change.
STEP_JS = """async ({mark, key, timeout, grace}) => {
  const output = document.querySelector(`[data-bench="${mark}-output"]`);
  const slider = document.querySelector(`[data-bench="${mark}-slider"]`);
  const view = document.querySelector(`[data-bench="${mark}-view"]`);
  const handle = slider.querySelector('.noUi-handle');
  const before = view.innerHTML;
  return await new Promise((resolve) => {
    let t0 = 0, first = null, done = false, graceTimer = null;
    const finish = (result) => {
      if (done) return;
      done = true; obs.disconnect(); clearTimeout(timer); clearTimeout(graceTimer);
      resolve(Object.assign({first, value: handle.getAttribute('aria-valuenow')}, result));
    };
    const timer = setTimeout(() => finish({view: null, timedOut: true}), timeout);
    const obs = new MutationObserver((records) => {
      const now = performance.now();
      for (const r of records) {
        if (slider.contains(r.target)) continue;
        if (first === null) {
          first = now - t0;
          graceTimer = setTimeout(() => finish({view: null, timedOut: false}), grace);
        }
        if (view.contains(r.target) && view.innerHTML !== before) { finish({view: now - t0, timedOut: false}); return; }
      }
    });
    obs.observe(output, {subtree: true, childList: true, characterData: true, attributes: true});
    t0 = performance.now();
    handle.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true, cancelable: true}));
  });
}"""


def step(page, mark: str, key: str, timeout_ms: int = 5_000, grace_ms: int = 300) -> dict:
    """One slider step measured in the page: {first, view, value, timedOut} (ms, or None)."""
    return page.evaluate(STEP_JS, {"mark": mark, "key": key, "timeout": timeout_ms, "grace": grace_ms})


def find_editor(page, mark: str = "qkv", label: str = r"^Q\[.+\]$"):
    """Mark the first slider whose label matches `label` (a Q/K/V editor's Q[…] by default), its output
    and the first HTML widget with a <table> in that output; None when there is none."""
    return page.evaluate(FIND_EDITOR_JS, {"mark": mark, "label": label})


def view_html(page, mark: str = "qkv") -> str:
    return page.evaluate("(m) => document.querySelector(`[data-bench=\"${m}-view\"]`).innerHTML", mark)

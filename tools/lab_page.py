"""Pages of JupyterLab in Chromium: open a notebook, restart and run all, wait, report, find a slider.

These helpers use ``window.jupyterapp``, which ``tools.lab.Lab`` exposes with
``--LabApp.expose_app_in_browser=True``.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from tools.lab import ARTIFACTS, Lab

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
      if (o.output_type === 'stream' && o.name === 'stderr')
        errors.push(`cell ${i} wrote on stderr: ${String(o.text).slice(0, 300)}`);
      if (o.data && o.data[WIDGET]) views += 1;
    });
    if (!views) continue;
    widgetCells.push(i);
    const node = w.content.widgets[i] && w.content.widgets[i].node;
    const rendered = node
      ? node.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets:not(.widget-error)').length : 0;
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


_CLOSE_ALL_JS = """() => {
  for (const w of [...window.jupyterapp.shell.widgets('main')]) {
    if (w.context) w.context.model.dirty = false;  // a copy that was run: close without the save dialog
    w.close();
  }
}"""


def open_notebook(page, lab: Lab, relpath: str, timeout_ms: int = 90_000) -> None:
    """Open notebooks/NAME in JupyterLab and wait until its kernel is ready.

    A page that already shows this server's JupyterLab keeps it: the open documents are closed (their
    changes dropped) and NAME is opened in the same app, which saves loading JupyterLab again (about
    3 s of a 2-core machine per notebook). A new page loads JupyterLab on NAME.
    """
    name = Path(relpath).name
    loaded = page.url.startswith(f"{lab.base}/lab") and page.evaluate(
        "() => !!(window.jupyterapp && window.jupyterapp.shell)")
    if loaded:
        page.evaluate(_CLOSE_ALL_JS)
        page.evaluate("(p) => { window.jupyterapp.commands.execute('docmanager:open', {path: p}); }", relpath)
    else:
        # ?reset: a clean workspace, without the notebooks an earlier page had open (and their kernels)
        page.goto(lab.url(f"lab/tree/{relpath}", reset=""), wait_until="domcontentloaded", timeout=timeout_ms)
    page.wait_for_function(f"() => {_CURRENT} && window.jupyterapp.shell.currentWidget.sessionContext",
                           timeout=timeout_ms)
    page.wait_for_function(
        "(name) => { const w = window.jupyterapp.shell.currentWidget;"
        " return w && w.context && w.context.path.endsWith(name); }",
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


def wait_for_widgets(page, timeout_ms: int = 120_000) -> None:
    """Wait until every widget output in the model has a rendered view in the page (or time out quietly).

    It returns as soon as they are there; the long limit is for a busy machine, where a view can take
    seconds to render (page_report then says which are missing).
    """
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
# weights view: the first HTML widget with a heatmap (helpers.views) in the same output.
FIND_EDITOR_JS = """({mark, label}) => {
  const scope = window.jupyterapp.shell.currentWidget.node;
  const labels = [...scope.querySelectorAll('.widget-slider .widget-label')]
      .filter(l => new RegExp(label).test(l.textContent.trim()));
  if (!labels.length) return null;
  const slider = labels[0].closest('.widget-slider');
  const output = slider.closest('.jp-OutputArea-output');
  const view = [...output.querySelectorAll('.widget-html')].find(h => h.querySelector('.cv-hm'));
  const handle = slider.querySelector('.noUi-handle');
  if (!view || !handle) return null;
  slider.setAttribute('data-bench', mark + '-slider');
  view.setAttribute('data-bench', mark + '-view');
  output.setAttribute('data-bench', mark + '-output');
  return {label: labels[0].textContent.trim(), value: handle.getAttribute('aria-valuenow'),
          max: handle.getAttribute('aria-valuemax'), min: handle.getAttribute('aria-valuemin')};
}"""


def find_editor(page, mark: str = "qkv", label: str = r"^Q\[.+\]$"):
    """Mark the first slider whose label matches `label` (a Q/K/V editor's Q[…] by default), its output
    and the first HTML widget with a heatmap in that output; None when there is none."""
    return page.evaluate(FIND_EDITOR_JS, {"mark": mark, "label": label})


def view_html(page, mark: str = "qkv") -> str:
    return page.evaluate("(m) => document.querySelector(`[data-bench=\"${m}-view\"]`).innerHTML", mark)

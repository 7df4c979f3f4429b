"""The course in a real browser: JupyterLab + Debian's Chromium through Playwright.

For every notebook: open it, Run > Restart Kernel and Run All, wait until every cell ran, then
no error output, no "Error displaying widget", and a rendered view for every widget output.
In notebook 02's Q/K/V editor, one ArrowRight on the first slider must change the weights view.
One JupyterLab server and one browser serve every test of this module, which pytest-xdist keeps on one
worker (tests/conftest.py); notebook 02's page, run once, serves both its clean-run test and the slider test,
and one other page, where JupyterLab loads once, opens the other notebooks one after another.
A screenshot of a failing notebook goes to test-artifacts/ (set BROWSER_SCREENSHOTS=DIR to keep
screenshots of every notebook and widget).

No Chromium: skipped locally, a failure in CI (CI=true). .ci/run installs it from Debian.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

import pytest

from tools import lab as L
from tools import lab_page as P
from tools.notebook_runner import course_notebooks

NOTEBOOKS = course_notebooks()
IDS = [p.stem for p in NOTEBOOKS]
TRACKER = "@jupyterlab/notebook-extension:tracker"


def _missing(reason: str):
    if L.in_ci():
        pytest.fail(f"{reason} — CI=true: the browser test must run here (.ci/run installs chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> str:
    path = L.chromium_path()
    if path is None:
        _missing("Chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("the playwright package is not installed (make test installs requirements.lock)")
    return path


@pytest.fixture(scope="module")
def lab(chromium, tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    L.copy_notebooks(root)  # a copy: JupyterLab autosaves, and notebooks/ stays without outputs
    with L.Lab(root) as server:
        yield server


@pytest.fixture(scope="module")
def context(chromium, lab):
    with L.browser(chromium) as ctx:
        yield ctx


def _new_page(context):
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text[:300]))
    page.on("pageerror", lambda e: page.console_errors.append(f"uncaught: {e}"[:300]))
    return page


@pytest.fixture(scope="module")
def shared_page(context, lab):
    """One page for every notebook but 02: JupyterLab loads once, each test opens its notebook in it."""
    page = _new_page(context)
    yield page
    page.close()


@pytest.fixture
def page(shared_page, lab):
    shared_page.console_errors.clear()  # what the browser reports during this test only
    yield shared_page
    kept = [f"notebooks/{QKV.name}"] if QKV is not None else []
    lab.shutdown_kernels(keep=kept)  # 2 cores: one kernel running at a time (02's waits, idle)


@pytest.fixture(scope="module")
def qkv_page(context, lab):
    """Notebook 02 (or the first with a QKVEditor) opened and run once; its kernel stays until the end."""
    if QKV is None:
        pytest.skip("no notebook shows a QKVEditor yet (notebook 02 is being written)")
    page = _new_page(context)
    page.run_seconds = None
    with screenshot_on_failure(page, QKV.stem, lab):
        P.open_notebook(page, lab, f"notebooks/{QKV.name}")
        page.run_seconds = P.restart_and_run_all(page)
        P.wait_for_widgets(page)
    yield page
    page.close()
    lab.shutdown_kernels()


def _save_screenshots(page, name: str, directory: Path) -> list[Path]:
    """The top of the notebook and every widget output, scrolled into view."""
    paths = [P.screenshot(page, name, directory)]
    outputs = page.locator(".jp-OutputArea-output:has(> .jupyter-widgets)")
    for i in range(outputs.count()):
        with contextlib.suppress(Exception):
            el = outputs.nth(i)
            el.scroll_into_view_if_needed(timeout=5_000)
            page.wait_for_timeout(300)
            path = directory / f"{name}-widget{i}.png"
            el.screenshot(path=str(path), timeout=10_000)
            paths.append(path)
    return paths


@contextlib.contextmanager
def screenshot_on_failure(page, name: str, lab=None):
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            saved = _save_screenshots(page, name, L.ARTIFACTS)
            print("screenshots:", *saved)
        with contextlib.suppress(Exception):
            print("browser console errors:", *page.console_errors, sep="\n  ")
        if lab is not None:
            print("JupyterLab log:", lab.log_tail(30), sep="\n")
        raise
    else:
        keep = os.environ.get("BROWSER_SCREENSHOTS")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            _save_screenshots(page, name, Path(keep))


def test_lab_serves_the_venv_settings(lab):
    """The server runs from the project venv and sees its overrides (scripts/configure_lab.py)."""
    assert lab.setting(TRACKER, "windowingMode") == "defer", (
        "JupyterLab's windowingMode is not 'defer': run `python scripts/configure_lab.py` in the venv "
        "(make test and make lab do it)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs_clean_in_jupyterlab(request, lab, path):
    if path == QKV:
        page = request.getfixturevalue("qkv_page")  # shared with the slider test: 02 runs once
    else:
        page = request.getfixturevalue("page")
    with screenshot_on_failure(page, path.stem, lab):
        if path == QKV:
            seconds = page.run_seconds
        else:
            P.open_notebook(page, lab, f"notebooks/{path.name}")
            seconds = P.restart_and_run_all(page)
            P.wait_for_widgets(page)
        assert page.evaluate("() => window.jupyterapp.shell.currentWidget.content.notebookConfig.windowingMode") \
            == "defer"
        report = P.page_report(page)
        print(f"{path.name}: ran in {seconds:.1f} s, {len(report['widgetCells'])} cells with widgets, "
              f"{report['widgetElements']} widget elements")
        assert report["errors"] == [], "error outputs or stderr in the notebook"
        assert report["domErrors"] == [], "error output shown in the page"
        assert not report["errorDisplayingWidget"], "the page shows 'Error displaying widget'"
        assert report["missingWidgets"] == [], "widget outputs without a rendered view"
        source = path.read_text(encoding="utf-8")
        if re.search(r"ipywidgets|helpers\.widgets|Explorer\(|Editor\(|WidgetCheck\(", source):
            assert report["widgetCells"], "the notebook uses widgets but none was displayed"
            assert report["widgetElements"] > 0


def _qkv_notebook() -> Path | None:
    """Notebook 02 when it shows a QKVEditor, else the first notebook that does."""
    candidates = sorted(NOTEBOOKS, key=lambda p: (p.name != "02_qkv.ipynb", p.name))
    for p in candidates:
        if "QKVEditor(" in p.read_text(encoding="utf-8"):
            return p
    return None


QKV = _qkv_notebook()


def test_qkv_editor_slider_key_changes_the_weights_view(qkv_page, lab):
    page = qkv_page
    with screenshot_on_failure(page, f"{QKV.stem}-slider", lab):
        editor = P.find_editor(page)
        assert editor is not None, "no Q[…] slider with a weights heatmap found in the page"
        handle = page.locator('[data-bench="qkv-slider"] .noUi-handle')
        handle.scroll_into_view_if_needed()
        before_view = P.view_html(page)
        before_value = float(handle.get_attribute("aria-valuenow"))
        key = "ArrowLeft" if before_value >= float(editor["max"]) else "ArrowRight"
        handle.focus()
        page.keyboard.press(key)
        page.wait_for_function(
            "(before) => document.querySelector('[data-bench=\"qkv-view\"]').innerHTML !== before",
            arg=before_view, timeout=60_000)  # returns at the change; the limit is for a busy machine
        after_value = float(handle.get_attribute("aria-valuenow"))
        assert after_value == pytest.approx(before_value + (0.1 if key == "ArrowRight" else -0.1), abs=1e-6)
        assert P.view_html(page) != before_view
        assert not P.page_report(page)["errorDisplayingWidget"]

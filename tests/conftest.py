"""Session-wide settings of the suite.

- Executed notebooks are shared: every notebook runs once per session in a fresh kernel and the tests
  that inspect its outputs (tests/test_notebooks.py, tests/test_site.py …) read that one run
  (tools.notebook_runner's cache, in a temporary directory that pytest-xdist's workers inherit).
  The determinism check compares that run with the Binder rehearsal's run of the same notebook (a second
  fresh kernel, in the Binder venv); where the rehearsal cannot run, tests/test_notebooks.py runs it again.
- Under pytest-xdist (make test: ``-n auto --dist load --no-loadscope-reorder``) the long modules start
  first, each kept whole on one worker: the Binder rehearsal (one venv), the browser tests (one
  JupyterLab, one browser) and the static site (one build); every other test is its own unit of work
  and fills the gaps. (A scheduler of our own: xdist's ``xdist_group`` marks do not take effect with
  pytest 9, whose items no longer keep their node id in ``_nodeid``.)
- Hypothesis has no deadline: how long an example takes depends on the machine's load, not on the code.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest
from hypothesis import settings

from tools.notebook_runner import CACHE_ENV

settings.register_profile("course", deadline=None)
settings.load_profile("course")

_CREATED: list[str] = []
# modules that take longest, in the order they should start; each runs whole on one worker
LONG_FIRST = {"test_binder_rehearsal.py": "binder", "test_browser.py": "browser", "test_site.py": "site"}


def pytest_configure(config):
    if hasattr(config, "workerinput"):
        return  # an xdist worker: the controller's directory is in the environment it inherited
    directory = tempfile.mkdtemp(prefix="maochiyu-notebooks-")
    _CREATED.append(directory)
    os.environ[CACHE_ENV] = directory


def pytest_unconfigure(config):
    while _CREATED:
        directory = _CREATED.pop()
        if os.environ.get(CACHE_ENV) == directory:
            del os.environ[CACHE_ENV]
        shutil.rmtree(directory, ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(LONG_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keeps its order


def unit_of_work(nodeid: str) -> str:
    """The scheduling unit of a test: its module's group for LONG_FIRST's modules, else the test itself."""
    module = nodeid.split("::", 1)[0].rsplit("/", 1)[-1]
    return LONG_FIRST.get(module, nodeid)


def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class CourseScheduling(LoadScopeScheduling):
        """xdist's scope scheduling with our units of work (the order is the collection's)."""

        def _split_scope(self, nodeid: str) -> str:
            return unit_of_work(nodeid)

    return CourseScheduling(config, log)


@pytest.fixture(scope="session")
def model():
    """The live all-MiniLM-L6-v2 (tests of helpers.pretrained); skipped only when its weights are not installed."""
    import helpers.pretrained as pt

    try:
        pt.find_weights()
    except pt.ModelNotAvailable as exc:
        pytest.skip(f"模型权重未安装 (weights not installed; `make lab` installs them): {exc}")
    return pt.load_model()  # found, so it must load: a broken install is a failure, never a skip

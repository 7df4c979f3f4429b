"""Session-wide settings of the suite.

- Executed notebooks are shared: every notebook runs once per session in a fresh kernel and the tests
  that inspect its outputs (tests/test_notebooks.py, tests/test_site.py …) read that one run
  (tools.notebook_runner's cache, in a temporary directory that pytest-xdist's workers inherit).
  The determinism check runs each notebook a second time on its own.
- Hypothesis has no deadline: how long an example takes depends on the machine's load, not on the code.
"""

from __future__ import annotations

import os
import shutil
import tempfile

from hypothesis import settings

from tools.notebook_runner import CACHE_ENV

settings.register_profile("course", deadline=None)
settings.load_profile("course")

_CREATED: list[str] = []


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

"""Every notebook: restart-and-run-all is clean, deterministic, and committed without outputs."""

import json
import re

import nbformat
import pytest
from test_binder_rehearsal import binder_python

from tools.notebook_runner import course_notebooks, execute, problems, text_outputs

NOTEBOOKS = course_notebooks()
IDS = [p.stem for p in NOTEBOOKS]


def test_the_course_has_its_notebooks():
    from helpers.syllabus import SYLLABUS

    assert [p.name for p in NOTEBOOKS] == [lesson.file for lesson in SYLLABUS if lesson.available]
    assert NOTEBOOKS and NOTEBOOKS[0].name == "00_course_intro.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_without_outputs_or_widget_state(path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in raw.get("metadata", {})
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, cell["source"][:80]
    nbformat.validate(nbformat.reads(path.read_text(encoding="utf-8"), as_version=4))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_structure_objectives_summary_no_todo(path):
    nb = nbformat.read(path, as_version=4)
    md = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert md[0].startswith("# "), "first cell is the title"
    assert "学习目标" in md[0], "learning objectives at the top"
    assert any(re.search(r"^## 小结", s, flags=re.M) for s in md), "a summary section"
    assert any(re.search(r"^## 练习", s, flags=re.M) for s in md), "an exercises section"
    text = "\n".join(c.source for c in nb.cells)
    assert not re.search(r"\bTODO\b|FIXME|XXX", text), "nothing unfinished shown to readers"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_restart_and_run_all_is_clean(path):
    first, _ = execute(path)  # the session's shared run (tools.notebook_runner), also read by test_site
    assert problems(first) == []


@pytest.mark.skipif(binder_python() is not None,
                    reason="test_binder_rehearsal compares a second fresh run (in the Binder venv) with the shared one")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_deterministic_in_content(path):
    """Two fresh kernels print the same content. Where the Binder rehearsal runs, its run is the second one."""
    first, _ = execute(path)
    second, _ = execute(path, cache=False)  # always a new kernel
    assert text_outputs(first) == text_outputs(second), "two fresh runs print different things"


def test_notebook_07_runs_without_the_weights(tmp_path):
    """Offline mode: no weights installed → precomputed attention, one line on how to go live."""
    import os

    from helpers.pretrained import LIVE_MODE_HINT

    path = next(p for p in NOTEBOOKS if p.name.startswith("07_"))
    env = {**os.environ, "MAOCHIYU_MODEL_DIR": str(tmp_path / "no-model-here")}
    nb, _ = execute(path, env=env)
    assert problems(nb) == []
    printed = "".join(text for _, _, text in text_outputs(nb))
    assert LIVE_MODE_HINT in printed
    assert "实时模式" not in printed

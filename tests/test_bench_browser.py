"""benchmarks/bench_browser.py: which notebooks BENCH_NOTEBOOKS selects (no browser is started)."""

from pathlib import Path

import pytest

from benchmarks.bench_browser import selected

PATHS = [Path(f"notebooks/{n}") for n in ("01_core_idea.ipynb", "03_scores_softmax.ipynb", "07_it_animal.ipynb")]


def test_every_notebook_by_default(monkeypatch):
    monkeypatch.delenv("BENCH_NOTEBOOKS", raising=False)
    assert selected(PATHS) == PATHS
    assert selected(PATHS, " , ") == PATHS


def test_numbers_or_names_pick_notebooks_in_course_order(monkeypatch):
    monkeypatch.setenv("BENCH_NOTEBOOKS", "07, 03")
    assert [p.name for p in selected(PATHS)] == ["03_scores_softmax.ipynb", "07_it_animal.ipynb"]
    assert [p.name for p in selected(PATHS, "01_core_idea.ipynb")] == ["01_core_idea.ipynb"]


def test_a_selection_that_matches_nothing_is_an_error():
    with pytest.raises(RuntimeError, match="BENCH_NOTEBOOKS='42'"):
        selected(PATHS, "42")

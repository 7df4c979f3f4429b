"""benchmarks/bench_browser.py: which notebooks BENCH_NOTEBOOKS selects (no browser is started)."""

from pathlib import Path

import numpy as np
import pytest

from benchmarks.bench_browser import ratio_interval, selected, uncertain

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


def test_the_ratio_interval_holds_the_ratio_and_narrows_with_more_steps():
    rng = np.random.default_rng(3)
    floor = list(20 + rng.gamma(2.0, 3.0, 40))
    widget = [1.2 * x for x in floor]  # exactly 1.2 × the floor, step for step
    low, high = ratio_interval(widget, floor)
    assert low < 1.2 < high and high - low < 0.6
    wide = ratio_interval(widget[:10], floor[:10])
    narrow = ratio_interval(list(1.2 * (20 + rng.gamma(2.0, 3.0, 400))), list(20 + rng.gamma(2.0, 3.0, 400)))
    assert narrow[1] - narrow[0] < high - low < wide[1] - wide[0]
    assert ratio_interval(widget, floor) == (low, high), "seeded: the same figures every run"
    assert all(np.isnan(ratio_interval([], floor)))  # no step changed a view: no interval


def test_more_steps_only_where_the_interval_holds_the_budget():
    floor = [20.0, 22.0, 25.0, 21.0, 30.0, 19.0, 24.0, 23.0] * 5
    assert uncertain([x * 1.25 for x in floor], floor)
    assert not uncertain([x * 2.0 for x in floor], floor)    # clearly over: the verdict is sure
    assert not uncertain([x * 0.9 for x in floor], floor)    # clearly under

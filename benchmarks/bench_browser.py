"""End-to-end latency in the browser: one key press on a slider → the LAST view of its widget updated and laid out.

JupyterLab (project venv, loopback, token) and Debian's Chromium through Playwright, as in
tests/test_browser.py. Every course notebook that shows widgets is opened (a copy, with one extra cell)
and run; every widget output that holds a visible slider is measured on its first slider
(benchmarks/browser_steps.py: a real key press, timed in the page until the widget's last view changed and was laid out).

- in-page floor: the extra cell, a bare ipywidgets FloatSlider whose observer sets one HTML widget,
  placed right after the notebook's first widget cell: what a slider → HTML round trip costs in this
  very page (same DOM, same kernel, same server);
- empty-page floor (for the record): the same bare slider alone in an otherwise empty notebook.

Steps of a widget, its page's floor and the empty page alternate (the order rotates), so a busy moment of
the machine hits all three. Budget: each widget's median ≤ 1.25 × its page's in-page floor median.

The ratio of two medians of 40 steps moves by about ±0.1 from run to run on a 2-core machine. Each widget's
note gives a 90 % bootstrap interval of its ratio; when that interval holds the budget, the verdict is
uncertain and the widget and its floor take STEPS more steps once (EXTRA_STEPS), whichever side the first
40 were on, and the figure is the median of all of them.

Only some notebooks: ``BENCH_NOTEBOOKS=03,07 python -m benchmarks browser`` (comma-separated number
prefixes or file names); unset or empty, every course notebook that shows widgets is measured.
"""

from __future__ import annotations

import os
import re
import statistics
import tempfile
from pathlib import Path

import nbformat
import numpy as np

from benchmarks.browser_steps import FIND_SLIDER_WIDGETS_JS, SliderKeys, step
from tools import lab as L
from tools import lab_page as P
from tools.notebook_runner import course_notebooks

RATIO_BUDGET = 1.25
STEPS = 40          # per widget, after warm-up: medians of 20 moved by ±15 % from run to run
EXTRA_STEPS = 40    # once more, for a widget whose ratio's interval holds the budget
WARMUP = 3
EMPTY_SAMPLES = 40  # the empty-page floor stops alternating once it has this many
WIDGET_CALL = re.compile(r"\b([A-Z]\w*(?:Explorer|Editor|Check|Slider|Widget))\(")

FLOOR_SOURCE = '''import ipywidgets as W

floor_slider = W.FloatSlider(value=0.0, min=-3.0, max=3.0, step=0.1, readout_format=".1f",
                             description="floor", continuous_update=True)
floor_view = W.HTML("<table><tr><td>0.0</td></tr></table>")
floor_slider.observe(lambda change: setattr(floor_view, "value",
                                            f"<table><tr><td>{change['new']:.1f}</td></tr></table>"), "value")
W.VBox([floor_slider, floor_view])'''


def _uses_widgets(path: Path) -> bool:
    return bool(re.search(r"helpers\.widgets|ipywidgets", path.read_text(encoding="utf-8")))


def selected(paths: list[Path], spec: str | None = None) -> list[Path]:
    """The notebooks named by `spec` (default $BENCH_NOTEBOOKS: "03,07" or file names); all when empty."""
    spec = os.environ.get("BENCH_NOTEBOOKS", "") if spec is None else spec
    wanted = [w.strip() for w in spec.split(",") if w.strip()]
    if not wanted:
        return paths
    chosen = [p for p in paths if any(p.name == w or p.name.startswith(w) for w in wanted)]
    if not chosen:
        raise RuntimeError(f"BENCH_NOTEBOOKS={spec!r} matches no course notebook with widgets")
    return chosen


def _with_floor(directory: Path, name: str) -> tuple[str, list[str]]:
    """A copy of notebook `name` with the floor cell after its first widget cell; (file, cell sources)."""
    nb = nbformat.read(directory / name, as_version=4)
    at = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code" and WIDGET_CALL.search(c.source)),
              len(nb.cells) - 1)
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell(FLOOR_SOURCE))
    out = f"bench_{name}"
    nbformat.write(nb, directory / out)
    return out, [c.source for c in nb.cells]


def _empty_floor(directory: Path) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(FLOOR_SOURCE)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, directory / "bench_empty_floor.ipynb")
    return "bench_empty_floor.ipynb"


def _open(context, lab: L.Lab, name: str):
    """A page with notebook `name` run and its slider widgets marked; (page, [widget info])."""
    page = context.new_page()
    page.set_default_timeout(60_000)
    P.open_notebook(page, lab, f"notebooks/{name}")
    P.restart_and_run_all(page)
    P.wait_for_widgets(page)
    page.wait_for_timeout(500)
    return page, page.evaluate(FIND_SLIDER_WIDGETS_JS, "w")


def ratio_interval(widget: list[float], floor: list[float], level: float = 0.9, resamples: int = 2000,
                   seed: int = 0) -> tuple[float, float]:
    """A bootstrap interval of median(widget) / median(floor): each series resampled with replacement."""
    rng = np.random.default_rng(seed)
    w, f = np.asarray(widget, dtype=float), np.asarray(floor, dtype=float)
    if not len(w) or not len(f):
        return float("nan"), float("nan")
    ratios = (np.median(rng.choice(w, (resamples, len(w))), axis=1)
              / np.median(rng.choice(f, (resamples, len(f))), axis=1))
    low, high = np.quantile(ratios, [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)


def uncertain(widget: list[float], floor: list[float], budget: float = RATIO_BUDGET) -> bool:
    """True when the ratio's 90 % interval holds the budget: more steps would decide it better."""
    low, high = ratio_interval(widget, floor)
    return low <= budget <= high


def _name(info: dict, sources: list[str]) -> str:
    m = WIDGET_CALL.search(sources[info["cell"]]) if 0 <= info["cell"] < len(sources) else None
    return f"{m.group(1) if m else 'widget'} cell {info['cell']} [{info['label']}]"


class _Series:
    """One slider's key steps and their figures."""

    def __init__(self, page, info: dict):
        self.page, self.mark, self.keys = page, info["mark"], SliderKeys(info)
        self.last: list[float] = []
        self.batches: list[int] = []
        self.timeouts = 0
        self.state = ""

    def step(self, record: bool) -> dict:
        self.page.bring_to_front()  # the pages alternate: the one stepped is the visible one, never throttled
        r = step(self.page, self.mark, self.keys)
        if record:
            if r["last"] is None or r["timedOut"]:
                self.timeouts += 1
            if r["last"] is not None:
                self.last.append(r["last"])
                self.batches.append(r["batches"])
        self.page.wait_for_timeout(60)
        return r

    def make_it_act(self) -> str:
        """'' when a key step changes a view as the widget stands; else click the widget's toggle buttons one
        by one until it does (MaskExplorer's 真实长度 acts only with the padding mask) and name the button."""
        if self.step(record=False)["last"] is not None:
            return ""
        buttons = self.page.locator(f'[data-bench="{self.mark}-output"] .widget-toggle-button')
        for i in range(buttons.count()):
            button = buttons.nth(i)
            if "mod-active" in (button.get_attribute("class") or ""):
                continue
            button.click()
            self.page.wait_for_timeout(800)
            if self.step(record=False)["last"] is not None:
                return f"after choosing {button.inner_text().strip()!r}"
        return "no toggle button made the slider act"


def measure(steps: int = STEPS, warmup: int = WARMUP) -> dict:
    """{"empty": _Series, "widgets": [(notebook, name, widget _Series, in-page floor _Series)]}."""
    chromium = L.chromium_path()
    if chromium is None:
        raise RuntimeError("Chromium is not installed (apt-get install chromium)")
    notebooks = selected([p for p in course_notebooks() if _uses_widgets(p)])
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
        directory = L.copy_notebooks(Path(tmp), [p.name for p in notebooks])
        empty_name = _empty_floor(directory)
        with L.Lab(Path(tmp)) as lab, L.browser(chromium) as ctx:
            empty_page, found = _open(ctx, lab, empty_name)
            if not found:
                raise RuntimeError("the bare slider of the empty page was not found")
            empty = _Series(empty_page, found[0])
            rows = []
            for path in notebooks:
                name, sources = _with_floor(directory, path.name)
                page, found = _open(ctx, lab, name)
                floors = [f for f in found if f["label"] == "floor"]
                if not floors:
                    raise RuntimeError(f"the in-page floor slider was not found in {name}")
                for info in (f for f in found if f["label"] != "floor"):
                    widget, floor = _Series(page, info), _Series(page, floors[0])
                    page.locator(f'[data-bench="{info["mark"]}-slider"]').scroll_into_view_if_needed()
                    widget.state = widget.make_it_act()
                    total = warmup + steps
                    k = 0
                    while k < total:
                        series = [widget, floor] + ([empty] if len(empty.last) < EMPTY_SAMPLES else [])
                        for s in series[k % len(series):] + series[:k % len(series)]:
                            s.step(record=k >= warmup)
                        k += 1
                        if k == warmup + steps and widget.last and uncertain(widget.last, floor.last):
                            total += EXTRA_STEPS
                    rows.append((path.name, f"{_name(info, sources)} {widget.state}".strip(), widget, floor))
                page.close()
                lab.shutdown_kernels(keep=[f"notebooks/{empty_name}"])
            return {"empty": empty, "widgets": rows}


def _median(xs):
    return statistics.median(xs) if xs else float("nan")


def _spread(xs: list[float]) -> str:
    if not xs:
        return "no step changed a view"
    xs = sorted(xs)
    q = lambda f: xs[min(len(xs) - 1, int(round(f * (len(xs) - 1))))]
    return f"min {xs[0]:.1f} / p25 {q(0.25):.1f} / p75 {q(0.75):.1f} / p90 {q(0.9):.1f} ms"


def run() -> list[dict]:
    try:
        r = measure()
    except RuntimeError as exc:
        return [dict(name="browser slider latency", value=float("nan"), unit="ms", note=f"not measured: {exc}")]
    empty = _median(r["empty"].last)
    rows = [dict(name="browser: bare slider → HTML, empty page (median)", value=empty, unit="ms",
                 note=f"n={len(r['empty'].last)}, {_spread(r['empty'].last)}; for the record, no budget")]
    for notebook, name, widget, floor in r["widgets"]:
        if not widget.last and widget.state.startswith("no toggle"):
            # e.g. TrainingExplorer's 每帧步数: the slider sets how many steps the next frame takes and changes
            # no view by itself; that widget's frame cost is timed in the kernel (benchmarks/bench_training.py)
            rows.append(dict(name=f"browser: {notebook[:2]} {name.split(' no toggle')[0]}", value=float("nan"),
                             unit="ms", note="not applicable: this slider changes no view by itself"))
            continue
        f_med, w_med = _median(floor.last), _median(widget.last)
        low, high = ratio_interval(widget.last, floor.last)
        rows.append(dict(name=f"browser: {notebook[:2]} in-page floor (median)", value=f_med, unit="ms",
                         note=f"n={len(floor.last)}, {_spread(floor.last)}; empty page {empty:.1f} ms"))
        rows.append(dict(name=f"browser: {notebook[:2]} {name} → last view laid out (median)", value=w_med, unit="ms",
                         budget=RATIO_BUDGET * f_med, baseline=f_med, baseline_name="in-page floor",
                         note=f"90 % interval of the ratio {low:.2f}–{high:.2f}; n={len(widget.last)}, "
                              f"{_spread(widget.last)}, {widget.timeouts} steps without a "
                              f"settled change; updates per step (median) {_median(widget.batches):g} "
                              f"(floor {_median(floor.batches):g}); × empty page {w_med / empty:.2f}"))
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)

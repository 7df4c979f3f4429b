"""In-page JavaScript for benchmarks/bench_browser.py: find the course's slider widgets, time one key step.

A step is one real key press (Playwright's keyboard, on the focused slider handle: one ArrowRight is one
slider step, as for a reader). Inside the page, a capturing ``keydown`` listener on the handle notes
``performance.now()`` when the key arrives (t0); a MutationObserver on the widget's whole output notes
every DOM change outside the pressed slider (its own handle and readout do not count) and, right then,
forces the browser's style and layout of the output (getBoundingClientRect), so that a heavy view's layout
is counted, not only its DOM change. The step is over when the output has been quiet for ``quiet`` ms; its
figure ``last`` is the moment the LAST change is laid out, i.e. when the last view of the widget can show
the new values, and ``batches`` counts the observer
callbacks that changed something (about one per message the kernel sent for the action). Painting itself
waits for the screen's next frame, the same for every widget and the floor, and is not counted.
"""

from __future__ import annotations

# Every output area of the current notebook that holds a slider (ipywidgets' noUiSlider handle) and is
# visible: its output and its first slider are marked data-bench="<prefix><k>-output|-slider".
FIND_SLIDER_WIDGETS_JS = """(prefix) => {
  const w = window.jupyterapp.shell.currentWidget;
  const outputs = [...w.content.node.querySelectorAll('.jp-OutputArea-output')]
      .filter(o => !o.parentElement.closest('.jp-OutputArea-output'))  // a cell's own outputs, not nested ones
      .filter(o => o.querySelector('.widget-slider .noUi-handle'));
  const found = [];
  outputs.forEach((output, k) => {
    const slider = output.querySelector('.widget-slider');
    const handle = slider.querySelector('.noUi-handle');
    if (!handle || slider.offsetParent === null) return;
    const mark = prefix + k;
    output.setAttribute('data-bench', mark + '-output');
    slider.setAttribute('data-bench', mark + '-slider');
    const label = slider.querySelector('.widget-label');
    const cell = w.content.widgets.findIndex(c => c.node.contains(output));
    const views = output.querySelectorAll('.widget-html, .widget-htmlmath, .jp-RenderedImage, svg').length;
    found.push({mark, cell, label: label ? label.textContent.trim() : '', views,
                value: handle.getAttribute('aria-valuenow'), min: handle.getAttribute('aria-valuemin'),
                max: handle.getAttribute('aria-valuemax')});
  });
  return found;
}"""

# Arm the observer for the next key press on `mark`'s slider; the result is awaited by RESULT_JS.
ARM_JS = """({mark, quiet, timeout}) => {
  const output = document.querySelector(`[data-bench="${mark}-output"]`);
  const slider = document.querySelector(`[data-bench="${mark}-slider"]`);
  const handle = slider.querySelector('.noUi-handle');
  window.__benchStep = new Promise((resolve) => {
    let t0 = null, last = null, batches = 0, quietTimer = null, done = false;
    const onKey = () => { if (t0 === null) t0 = performance.now(); };
    const finish = (timedOut) => {
      if (done) return;
      done = true; obs.disconnect(); clearTimeout(hard); clearTimeout(quietTimer);
      handle.removeEventListener('keydown', onKey, true);
      resolve({last: (last === null || t0 === null) ? null : last - t0, batches, timedOut,
               keyed: t0 !== null, value: handle.getAttribute('aria-valuenow')});
    };
    const hard = setTimeout(() => finish(true), timeout);
    const obs = new MutationObserver((records) => {
      if (t0 === null || !records.some(r => !slider.contains(r.target))) return;
      output.getBoundingClientRect();  // style and layout of the new content, now: the view can be drawn
      last = performance.now(); batches += 1;
      clearTimeout(quietTimer);
      quietTimer = setTimeout(() => finish(false), quiet);
    });
    handle.addEventListener('keydown', onKey, true);  // capture: before noUiSlider's own handler
    obs.observe(output, {subtree: true, childList: true, characterData: true, attributes: true});
  });
  return true;
}"""

RESULT_JS = "async () => await window.__benchStep"


class SliderKeys:
    """Which arrow key keeps a slider inside its range (aria-valuenow/min/max of its handle)."""

    def __init__(self, info: dict):
        self.value, self.lo, self.hi = (float(info[k]) for k in ("value", "min", "max"))
        self.key = "ArrowLeft" if self.value >= self.hi - 1e-9 else "ArrowRight"

    def next_key(self) -> str:
        span = (self.hi - self.lo) * 0.02 or 1e-9
        if self.key == "ArrowRight" and self.value >= self.hi - span:
            self.key = "ArrowLeft"
        elif self.key == "ArrowLeft" and self.value <= self.lo + span:
            self.key = "ArrowRight"
        return self.key

    def update(self, value) -> None:
        if value is not None:
            self.value = float(value)


def step(page, mark: str, keys: SliderKeys, quiet_ms: int = 250, timeout_ms: int = 5_000) -> dict:
    """Focus `mark`'s handle, press the next key for real, return {last, batches, timedOut, keyed, value}."""
    handle = page.locator(f'[data-bench="{mark}-slider"] .noUi-handle')
    handle.focus()
    page.evaluate(ARM_JS, {"mark": mark, "quiet": quiet_ms, "timeout": timeout_ms})
    page.keyboard.press(keys.next_key())
    result = page.evaluate(RESULT_JS)
    keys.update(result.get("value"))
    return result

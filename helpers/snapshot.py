"""A static HTML picture of a live ipywidgets tree: what a page without a widget manager shows.

Introduced in notebook 00. Every course widget adds this as ``text/html`` beside its widget view
(`helpers.widgets._base`); JupyterLab shows the live widget, while nbconvert (``make site``), GitHub
and nbviewer fall back to this snapshot. Controls are drawn disabled with their label and value
(``Q[动作] = 2.4``); HTML views are copied as they are. The ``ws-*`` classes are styled by the site.
"""

from __future__ import annotations

import html

import ipywidgets as W

__all__ = ["SNAPSHOT_NOTE", "snapshot_html", "widget_html"]

SNAPSHOT_NOTE = ("控件快照：运行笔记本时它的初始状态。想拖动它，请在 JupyterLab 或 Binder 中打开本课。"
                 " (Static snapshot of the widget; open the notebook to use it.)")
_LAYOUT_CSS = ("width", "height", "min_width", "max_width", "flex_flow", "flex", "align_items", "margin", "padding")
esc = html.escape


def _attr(w: W.Widget) -> str:
    layout = getattr(w, "layout", None)
    css = [f"{k.replace('_', '-')}:{esc(str(getattr(layout, k)), quote=True)}" for k in _LAYOUT_CSS
           if layout is not None and getattr(layout, k, None) not in (None, "")]
    return f' style="{";".join(css)}"' if css else ""


def _label(w: W.Widget) -> str:
    text = getattr(w, "description", "") or ""
    return f"<label>{esc(text)}</label>" if text else ""


def _fmt(value, spec) -> str:
    try:
        return format(value, spec or "")
    except (TypeError, ValueError):
        return str(value)


def _control(w: W.Widget, inner: str) -> str:
    return f'<span class="ws-control"{_attr(w)}>{_label(w)}{inner}</span>'


def widget_html(w: W.Widget, depth: int = 0) -> str:
    """The static HTML of one widget and its children."""
    layout = getattr(w, "layout", None)
    if depth > 30 or (layout is not None and (layout.display == "none" or layout.visibility == "hidden")):
        return ""
    if isinstance(w, W.Box):
        kind = "ws-hbox" if isinstance(w, W.HBox) else "ws-vbox"
        inner = "".join(widget_html(c, depth + 1) for c in w.children)
        return f'<div class="ws-box {kind}"{_attr(w)}>{inner}</div>'
    if isinstance(w, (W.HTML, W.HTMLMath)):
        return f'<div class="ws-html"{_attr(w)}>{_label(w)}{w.value}</div>'
    if isinstance(w, W.Label):
        return f'<span class="ws-control"{_attr(w)}>{esc(str(w.value))}</span>'
    if isinstance(w, (W.FloatSlider, W.IntSlider, W.FloatLogSlider)):
        lo, hi = (w.base ** w.min, w.base ** w.max) if isinstance(w, W.FloatLogSlider) else (w.min, w.max)
        return _control(w, f'<input type="range" disabled min="{lo}" max="{hi}" step="{w.step}" value="{w.value}" '
                           f'aria-label="{esc(w.description or "", quote=True)}">'
                           f'<output>{esc(_fmt(w.value, getattr(w, "readout_format", "")))}</output>')
    if isinstance(w, W.ToggleButtons):
        return _control(w, "".join(f'<button type="button" disabled class="ws-toggle{" ws-on" if k == w.index else ""}">'
                                   f"{esc(str(t))}</button>" for k, t in enumerate(w._options_labels)))
    if isinstance(w, W.SelectionSlider):
        return _control(w, f"<output>{esc(str(w.label))}</output>")
    if isinstance(w, W.RadioButtons):
        radios = "".join(f'<label class="ws-radio"><input type="radio" disabled{" checked" if k == w.index else ""}> '
                         f"{esc(str(t))}</label>" for k, t in enumerate(w._options_labels))
        return (f'<div class="ws-control ws-radios"{_attr(w)}>{_label(w)}'
                f'<div class="ws-box ws-vbox">{radios}</div></div>')
    if isinstance(w, W.Dropdown):
        options = "".join(f'<option{" selected" if k == w.index else ""}>{esc(str(t))}</option>'
                          for k, t in enumerate(w._options_labels))
        if w.index is None:
            options = "<option selected>—</option>" + options  # nothing chosen yet
        return _control(w, f"<select disabled>{options}</select>")
    if isinstance(w, (W.Button, W.ToggleButton)):
        on = " ws-on" if isinstance(w, W.ToggleButton) and w.value else ""
        return (f'<span class="ws-control"{_attr(w)}><button type="button" disabled class="ws-toggle{on}">'
                f"{esc(w.description or '')}</button></span>")
    if isinstance(w, W.Checkbox):
        return (f'<span class="ws-control"{_attr(w)}><input type="checkbox" disabled{" checked" if w.value else ""}>'
                f"{_label(w)}</span>")
    if isinstance(w, (W.Text, W.FloatText, W.IntText, W.BoundedFloatText, W.BoundedIntText, W.Textarea)):
        value = str(w.value)
        return _control(w, f'<input type="text" disabled size="{min(max(len(value), 20), 80)}" '
                           f'value="{esc(value, quote=True)}">')
    value = getattr(w, "value", None)
    shown = f" = {esc(str(value))}" if value is not None and not isinstance(value, (dict, list)) else ""
    return f'<span class="ws-control"{_attr(w)}>[{esc(type(w).__name__)}] {_label(w)}{shown}</span>'


def snapshot_html(w: W.Widget, note: str = SNAPSHOT_NOTE, shown: W.Widget | None = None, *, styles: str = "") -> str:
    """The whole snapshot of widget `w`: a dashed box with a note, then `shown` (default: `w`) as static HTML.

    `styles`: a ``<style>`` block the views need that the widget tree keeps out of sight (``_Widget.styles``).
    """
    return (f'<div class="widget-snapshot" data-model-id="{esc(str(w.model_id), quote=True)}">{styles}'
            f'<div class="ws-note">{esc(note)}</div>{widget_html(w if shown is None else shown)}</div>')

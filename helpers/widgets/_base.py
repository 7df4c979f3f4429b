"""The common base of the course's widgets: display, one view update per action, never raising.

A subclass builds ``self.widget`` (the ipywidgets tree) and ``self.view`` (one ``W.HTML`` that holds
the message line and every panel), then calls ``self._show(html)`` after each reader action: all
panels change in one message to the browser. The panels' ``<style>`` blocks do not travel with them:
``self.widget`` gets one hidden ``W.HTML`` more, ``self.styles``, that holds every rule of the views
(`views.stylesheet`) from the start, so the browser adds a stylesheet once, not at every update.
``self._guard(fn, *args)`` runs an update and, on a ``ValueError`` (or any error), shows the message
above the last good panels. ``with self._syncing():`` sets controls from code without their callbacks
running again.

Backward compatible with the first base class: a subclass that sets ``self.status`` (a separate
``W.HTML`` for messages) still gets its messages there from ``_say``.
"""

from __future__ import annotations

import contextlib

import ipywidgets as W

from .. import views
from ..snapshot import snapshot_html


class _Widget:
    """Common display, message and error handling of the course's widgets."""

    view: W.HTML
    status: W.HTML | None = None  # only in widgets written for the first base class
    message: str = ""
    _body: str = ""
    _rules: tuple[str, ...] = ()  # the style rules of the panels shown now
    _sync_depth: int = 0
    _widget: W.Widget | None = None
    _styles: W.HTML | None = None
    _known: set[str]  # the rules in self.styles

    @property
    def widget(self) -> W.Widget:
        """The ipywidgets tree; a box set here gets ``self.styles`` as its first (hidden) child."""
        return self._widget

    @widget.setter
    def widget(self, box: W.Widget) -> None:
        if isinstance(box, W.Box) and self.styles not in box.children:
            box.children = (self.styles, *box.children)
        self._widget = box

    @property
    def styles(self) -> W.HTML:
        """A hidden ``W.HTML`` with the views' stylesheet; it changes only for a rule the stylesheet lacks."""
        if self._styles is None:
            self._styles = W.HTML(views.stylesheet(), layout=W.Layout(display="none"))
            self._known = set(views.split_styles(self._styles.value)[1])
        return self._styles

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, plus a static ``text/html`` snapshot for pages without a widget manager."""
        bundle = self.widget._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        styles = "<style>" + "".join(self._rules) + "</style>" if self._rules else ""
        data["text/html"] = snapshot_html(self.widget, styles=styles)  # only the rules its panels use
        return bundle

    def _show(self, body: str, message: str = "", kind: str = "info") -> None:
        """Replace every panel (and the message line) in one update of ``self.view``.

        The panels' ``<style>`` blocks stay out of the update (`views.split_styles`): ``self.styles`` has
        their rules already. A rule it lacks is added there first (one more message, only that time).
        """
        self._body, rules = views.split_styles(body)
        styles = self.styles
        missing = [r for r in rules if r not in self._known]
        if missing:
            self._known.update(missing)
            styles.value += "<style>" + "".join(missing) + "</style>"
        self._rules, self.message = tuple(rules), message
        self.view.value = views.message_html(message, kind) + self._body

    def _say(self, text: str, kind: str = "warning") -> None:
        """Show a message; the panels stay as they were."""
        self.message = text
        if self.status is not None:
            self.status.value = views.message_html(text, kind)
        else:
            self.view.value = views.message_html(text, kind) + self._body

    def _guard(self, fn, *args) -> bool:
        """Run an update; on error show the message and keep the last good view."""
        try:
            fn(*args)
        except ValueError as exc:
            self._say(f"{exc}（保留上一次的结果）")
            return False
        except Exception as exc:  # a widget must never raise into the notebook
            self._say(f"出错了：{type(exc).__name__}: {exc}（保留上一次的结果）")
            return False
        return True

    @property
    def panels(self) -> str:
        """The HTML of the last good panels (``self.view`` without the message line)."""
        return self._body

    @property
    def syncing(self) -> bool:
        """True while code (not the reader) is setting controls."""
        return self._sync_depth > 0

    @contextlib.contextmanager
    def _syncing(self):
        """Set controls from code: callbacks that check ``self.syncing`` do nothing meanwhile."""
        self._sync_depth += 1
        try:
            yield
        finally:
            self._sync_depth -= 1

"""The common base of the course's widgets: display, messages, and never raising into a notebook."""

from __future__ import annotations

import ipywidgets as W

from .. import views


class _Widget:
    """Common display and error handling: subclasses build ``self.widget`` and ``self.status``."""

    widget: W.Widget
    status: W.HTML
    message: str = ""

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def _say(self, text: str, kind: str = "warning") -> None:
        self.message = text
        self.status.value = views.message_html(text, kind)

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

"""helpers.selfcheck.WidgetCheck: the text a page without widgets shows, and a click (moved from test_widgets.py)."""

from helpers.selfcheck import NO_WIDGETS, WidgetCheck


def test_widget_check_text_fallback_and_click():
    c = WidgetCheck()
    bundle = c._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data["text/plain"] == NO_WIDGETS
    assert "application/vnd.jupyter.widget-view+json" in data
    c.button.click()
    assert c.clicks == 1 and "✓" in c.answer.value

"""helpers.snapshot: a live widget tree as static HTML (the site and pages without a widget manager)."""

import ipywidgets as W

from helpers.snapshot import SNAPSHOT_NOTE, snapshot_html, widget_html


def test_controls_are_drawn_disabled_with_label_and_value():
    box = W.VBox([W.FloatSlider(value=2.4, description="Q[动作]", readout_format=".1f"),
                  W.ToggleButtons(options=["a", "b"], value="b", description="掩码"),
                  W.Dropdown(options=[("0: 猫", 0), ("1: 吃", 1)], value=1),
                  W.HBox([W.HTML("<table><tr><td>0.70</td></tr></table>"), W.Text(value="猫吃鱼")]),
                  W.Button(description="检查")])
    html = widget_html(box)
    assert '<label>Q[动作]</label><input type="range" disabled' in html and "<output>2.4</output>" in html
    assert 'class="ws-toggle ws-on">b</button>' in html and 'class="ws-toggle">a</button>' in html
    assert "<option selected>1: 吃</option>" in html
    assert "<td>0.70</td>" in html and 'value="猫吃鱼"' in html and "检查</button>" in html
    assert 'class="ws-box ws-hbox"' in html


def test_snapshot_names_the_model_and_hides_hidden_widgets():
    hidden = W.HTML("secret", layout=W.Layout(display="none"))
    box = W.VBox([hidden, W.Label("看得见")])
    snap = snapshot_html(box)
    assert f'data-model-id="{box.model_id}"' in snap and "secret" not in snap and "看得见" in snap
    assert "控件快照" in SNAPSHOT_NOTE and "控件快照" in snap

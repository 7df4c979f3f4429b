"""helpers.views: the HTML/SVG builders show the numbers they were given."""

import numpy as np

from helpers import palette, views

W = np.array([[0.2, 0.7, 0.1], [0.45, 0.1, 0.45], [0.1, 0.8, 0.1]])
TOKENS = ["猫", "吃", "鱼"]


def test_heatmap_prints_every_value_and_escapes_labels():
    html = views.heatmap_html(W, ["<b>", "吃", "鱼"], TOKENS, highlight_row=1, caption="权重")
    assert all(f"{x:.2f}" in html for x in W.ravel())
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert html.count(f"outline:2px solid {palette.WARNING_COLOR}") == 1
    small = views.heatmap_html(W, TOKENS, TOKENS, caption="头 0", small=True, swatch=palette.BLUE)
    assert "0.7" in small and "0.70" not in small and palette.BLUE in small


def test_lines_layout_and_svg():
    w = np.stack([W, W.T])  # (h, n, n) = (2, 3, 3)
    layout = views.lines_layout(w, 0.2)
    assert len(layout) == int((w >= 0.2).sum())
    assert {k for k, *_ in layout} == {0, 1}
    k, y_i, y_j, a = layout[0]
    assert (k, a) == (0, 0.2) and y_i - 0 == y_j - 0 and y_i < 0  # head 0 sits above the row
    svg = views.lines_svg(w, TOKENS, palette.HEAD_COLORS[:2], ["头 0", "头 1"], min_weight=0.2)
    assert svg.count("<line ") == len(layout) and "头 1" in svg and palette.HEAD_COLORS[1] in svg


def test_markdown_table():
    table = views.markdown_table(["层", "n = 4"], [["RNN", "1,024"], ["自注意力", 3]])
    assert table.splitlines() == ["| 层 | n = 4 |", "|---|---|", "| RNN | 1,024 |", "| 自注意力 | 3 |"]


def test_reach_view_marks_the_reached_positions():
    reached = np.array([[1, 0, 0], [1, 1, 0]], dtype=bool)
    html = views.reach_html(reached, np.array([0, 1, -1]), 0, unit="层", color=palette.BLUE,
                            summary="至少 1 层", note="注")
    assert html.count(f"background:{palette.BLUE}") == 3 and "—" in html and "1 层后" in html


def test_message_colours():
    assert views.message_html("") == ""
    assert palette.MESSAGE_COLORS["ok"] in views.message_html("好", "ok")

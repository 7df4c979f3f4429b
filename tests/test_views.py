"""helpers.views: the HTML/SVG builders show the numbers they were given."""

import re

import numpy as np
import pytest
import view_reading

from helpers import palette, views

W = np.array([[0.2, 0.7, 0.1], [0.45, 0.1, 0.45], [0.1, 0.8, 0.1]])
TOKENS = ["猫", "吃", "鱼"]


def test_heatmap_prints_every_value_and_escapes_labels():
    html = views.heatmap_html(W, ["<b>", "吃", "鱼"], TOKENS, highlight_row=1, caption="权重")
    assert all(f"{x:.2f}" in html for x in W.ravel())
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert view_reading.heatmaps(html)[0].outline_top == 1 * views._ROW_PX[False], "row 1 outlined"
    assert f"outline:2px solid {palette.WARNING_COLOR}" in views.stylesheet()
    for no_row in (None, -1, 3, 7):  # no query there: no outline, as before
        assert view_reading.heatmaps(views.heatmap_html(W, TOKENS, TOKENS, highlight_row=no_row))[0].outline_top is None
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
    assert f"--cv-on:{palette.BLUE}" in html and "1 层后" in html and "出发 start" in html
    grids = re.findall(r'<td class=g style="background:(.*?);--cv-on:([^"]*)">( *)</td>', html)
    assert len(grids) == 2 and all(on == palette.BLUE and len(text) == 3 * 3 for _, on, text in grids)
    for (layers, _, _), row in zip(grids, reached):
        fill = re.search(r"linear-gradient\(90deg,(var.*?|#fff.*?)\) 0 0/9ch 100%$", layers).group(1)
        assert fill.split(",") == [f"{'var(--cv-on)' if r else '#fff'} {3 * j}ch {3 * j + 3}ch" for j, r in enumerate(row)]
        assert layers.count("linear-gradient(#000,#000) 0ch") == 3  # the word's box: top, bottom, left edges at 0
    assert "<td><b> 0 </b> 1  2 </td>" in html, "the positions, the chosen word's in bold"
    assert "<td> 0  1  — </td>" in html, "the fewest hops, — for never"
    moved = views.reach_html(reached, np.array([0, 1, -1]), 2, unit="层", color=palette.BLUE, summary="", note="")
    assert "<td> 0  1 <b> 2 </b></td>" in moved and "linear-gradient(#000,#000) 6ch 0/3ch 2px" in moved
    assert "calc(9ch - 2px) 0/2px 100%" in moved


def _style_rules(html: str) -> list[str]:
    """Every selector of every <style> block in `html`."""
    blocks = re.findall(r"<style>(.*?)</style>", html, re.S)
    return [sel for block in blocks for sel in re.findall(r"([^{}]+)\{[^{}]*\}", block)]


def test_heavy_views_carry_their_styles_once_in_a_scoped_block():
    rng = np.random.default_rng(0)
    w = rng.dirichlet(np.ones(14), size=14)  # (14, 14), rows sum to 1
    labels = [f"词{i}" for i in range(14)]
    heat = views.heatmap_html(w, labels, labels, highlight_row=3, caption="权重")
    assert len(heat.encode()) < 10_000  # it was 29.8 kB with the same styles written in every cell
    assert heat.count("<div") == 3 + 2 + 14 + 1, "a text block of lines, not a box per row or per cell"
    check_heatmap_rows(heat, w, labels, highlight=3)
    assert heat.count("class=o") == 1 and "权重" in heat
    bars = views.bars_html(w[0] - 0.1, labels, vmax=None, fmt="{:+.3f}", color=palette.SCORE_COLOR)
    assert len(bars.encode()) < 2_500 and bars.count('class="r n"') == int((w[0] < 0.1).sum())
    assert f"--cv-bar:{palette.SCORE_COLOR}" in bars and all(f"{x:+.3f}" in bars for x in w[0] - 0.1)
    small = views.heatmap_grid_html(np.stack([w, w]), labels, ["头 0", "头 1"], palette.HEAD_COLORS[:2])
    reach = views.reach_html(np.ones((4, 14), dtype=bool), np.arange(14), 0, unit="层", color=palette.BLUE,
                             summary="s", note="n")
    for html, cls in ((heat, "cv-hm"), (bars, "cv-bars"), (small, "cv-hms"), (reach, "cv-reach")):
        rules = _style_rules(html)
        assert rules and all(re.match(rf"^(table|div)\.{cls}\.{cls}(?![\w-])", r) for r in rules), rules
        assert f'class="{cls}"' in html


def check_heatmap_rows(heat: str, w, labels, *, rows_labels=None, vmin=0.0, vmax=1.0, fmt="{:.2f}",
                       highlight=None) -> None:
    """Heatmap `heat` shows w's values, each centred in its column, on its viridis colour, row by row."""
    hexes, text = views._viridis()
    k = np.clip(((np.asarray(w) - vmin) / (vmax - vmin) * 255).round(), 0, 255).astype(int)
    (h,) = view_reading.heatmaps(heat)
    row_px = views._ROW_PX[h.small]
    rows_labels = labels if rows_labels is None else rows_labels
    assert h.row_labels == list(rows_labels)
    assert h.label_ch == max(views._width_ch(c) for c in list(rows_labels) + [h.corner]) + 1
    assert h.corner == ("" if h.small else views._CORNER)
    edges = [0] + [stop[2] for stop in h.layers[0][0]]
    widths = np.diff(edges).tolist()
    if all(views._is_ascii(c) for c in labels):  # one line: each label centred in its column
        assert "<span" not in h.keys and h.keys == views.esc("".join(c.center(wd) for c, wd in zip(labels, widths)))
    else:
        assert [int(x) for x in re.findall(r'<span style="width:(\d+)ch">', h.keys)] == widths
        assert re.findall(r'<span style="width:\d+ch">(.*?)</span>', h.keys) == [views.esc(c) for c in labels]
    assert len(h.layers) == len(h.lines) == len(w)
    for i, ((stops, x, y, width, height), line, dark) in enumerate(zip(h.layers, h.lines, h.dark)):
        assert (x, y, width, height) == (h.label_ch, i * row_px, edges[-1], row_px), "row i's colours on line i"
        assert stops == [(hexes[c], a, b) for c, a, b in zip(k[i], edges, edges[1:])]
        cells = [line[a:b] for a, b in zip(edges, edges[1:])]
        assert len(line) == edges[-1] and cells == [fmt.format(x).center(b - a) for x, a, b in zip(w[i], edges, edges[1:])]
        assert dark == [c for c, j in zip(cells, k[i]) if text[j] == "#000"], "dark text exactly on light colours"
        assert all(wd >= max(views._width_ch(c), len(fmt.format(x))) + 2 for wd, c, x in zip(widths, labels, w[i]))
    assert h.outline_top == (None if highlight is None else highlight * row_px)


def test_heatmap_columns_fit_their_labels_and_values():
    w = np.array([[-1.5, 12.25, 0.0], [0.5, 1.0, 2.0]])
    heat = views.heatmap_html(w, ["<q>", "吃"], ["小猫咪", "a", "k<1>"], vmin=-2, vmax=13, fmt="{:+.2f}")
    check_heatmap_rows(heat, w, ["小猫咪", "a", "k<1>"], rows_labels=["<q>", "吃"], vmin=-2, vmax=13, fmt="{:+.2f}")
    assert 'width:8ch">小猫咪<' in heat and 'width:8ch">a<' in heat and 'width:7ch">k&lt;1&gt;<' in heat
    assert views._width_ch("小猫a") == 5 and views._width_ch("α·") == 4 and views._width_ch("") == 0


def test_two_views_on_one_page_write_the_same_rules():
    a = views.heatmap_html(W, TOKENS, TOKENS, caption="a")
    b = views.heatmap_html(W.T, TOKENS, TOKENS, caption="b", vmax=2.0)
    assert re.findall(r"<style>.*?</style>", a)[0] == re.findall(r"<style>.*?</style>", b)[0]  # cells, headers
    small = views.heatmap_html(W, TOKENS, TOKENS, small=True)
    assert not set(_style_rules(a)) & set(_style_rules(small))  # small cells: their own class, no shared rule


def test_message_colours():
    assert views.message_html("") == ""
    assert palette.MESSAGE_COLORS["ok"] in views.message_html("好", "ok")


def test_dedupe_styles_keeps_the_first_block_of_each_kind():
    two = (views.heatmap_html(W, TOKENS, TOKENS) + views.bars_html(W[0], TOKENS) + views.bars_html(W[1], TOKENS)
           + views.heatmap_html(W / 2, TOKENS, TOKENS))
    once = views.dedupe_styles(two)
    assert two.count("<style>") == 4 and once.count("<style>") == 1 and once.startswith("<style>")
    assert sorted(set(_style_rules(two))) == sorted(_style_rules(once))  # every rule, once
    assert re.sub(r"<style>.*?</style>", "", once) == re.sub(r"<style>.*?</style>", "", two)  # the markup is unchanged
    grid = views.heatmap_grid_html(np.stack([W, W]), TOKENS, ["头 0", "头 1"], palette.HEAD_COLORS[:2])
    assert grid.count("<style>") == 1 and len(view_reading.heatmaps(grid)) == 2
    assert views.dedupe_styles(once) == once and views.dedupe_styles("<b>x</b>") == "<b>x</b>"


def test_split_styles_takes_every_block_out_and_keeps_each_rule_once():
    two = views.heatmap_html(np.eye(2), ["a", "b"], ["a", "b"]) + views.bars_html([0.5, -0.5], ["a", "b"])
    body, rules = views.split_styles(two + views.bars_html([1.0], ["c"]))
    assert "<style" not in body and len(view_reading.heatmaps(body)) == 1 and body.count('class="cv-bars"') == 2
    assert len(rules) == len(set(rules)) and "div.cv-bars.cv-bars{margin:4px 0;font-size:13px}" in rules
    assert views.split_styles("<b>x</b>") == ("<b>x</b>", [])


def test_stylesheet_holds_every_rule_a_view_can_use():
    sheet = set(views.split_styles(views.stylesheet())[1])
    assert views.stylesheet().count("<style>") == 1
    rng = np.random.default_rng(0)
    made = [views.heatmap_html(rng.random((4, 4)) * s, list("abcd"), list("abcd"), small=small)
            for s in (1, 7) for small in (False, True)]
    made += [views.bars_html([0.2, -0.3], ["a", "b"]), views.heatmap_grid_html(rng.random((2, 3, 3)), list("abc"),
             ["h0", "h1"], ["red", "blue"]),
             views.reach_html(np.ones((2, 3), bool), np.array([0, 1, -1]), 0, unit="层", color="red", summary="s",
                              note="n")]
    for html_text in made:
        assert set(views.split_styles(html_text)[1]) <= sheet
    assert len(sheet) == 2 * 10 + 5 + 7, "the rules of heatmaps (two sizes), bars and the reach grid"


def test_ascii_labels_make_one_line_headers_and_bar_rows():
    w = np.array([[0.25, 0.75], [1.0, 0.0]])
    heat = views.heatmap_html(w, ["it", "<a>"], ["animal", "x"])
    check_heatmap_rows(heat, w, ["animal", "x"], rows_labels=["it", "<a>"])
    assert "</i> animal   x   </div>" in heat  # 8 + 6 digit widths, no inline blocks
    assert '<div class=l style="width:20ch">it\n&lt;a&gt;</div>' in heat, "the queries' labels: one block of lines"
    bars = views.bars_html([0.5, -0.25], ["it", "a<b"], vmax=None, fmt="{:+.2f}", title="t<")
    track = " " * (views._TRACK_CH + 2)
    (chart,) = view_reading.bar_charts(bars)
    assert chart.lines == [f" it{track}+0.50", f"a<b{track}-0.25"] and chart.title == "t<"
    assert chart.fills == [(palette.WEIGHT_COLOR, 1.0), (palette.WARNING_COLOR, 0.5)]
    assert (chart.track_ch, chart.track_width_ch) == (4, views._TRACK_CH), "the track starts after the label and a space"
    assert "<span" not in bars and bars.count("<div") == 3
    mixed = views.bars_html([0.5, 0.25], ["it", "猫"])
    assert mixed.count('<div class="r"') == 2 and not view_reading.bar_charts(mixed) and "<span>猫</span>0.250" in mixed
    assert views._is_ascii("a b~") and not views._is_ascii("猫") and not views._is_ascii("é")


def test_small_heatmaps_of_a_grid_read_back_row_by_row():
    rng = np.random.default_rng(1)
    w = rng.dirichlet(np.ones(4), size=(2, 4))  # two heads, (4, 4) each
    grid = views.heatmap_grid_html(w, ["我", "爱", "吃", "鱼"], ["头 0", "头 1"], palette.HEAD_COLORS[:2])
    for head, weights in zip(views.split_styles(grid)[0].split('<div class="cv-hms"')[1:], w):
        check_heatmap_rows('<div class="cv-hms"' + head, weights, ["我", "爱", "吃", "鱼"], fmt="{:.1f}")
    assert all(h.small and h.corner == "" for h in view_reading.heatmaps(grid))


def test_heatmap_input_it_cannot_draw_gets_a_message():
    with pytest.raises(ValueError, match="权重的形状应是（行标签数, 列标签数）= \\(2, 3\\)，收到 \\(3, 3\\)"):
        views.heatmap_html(np.eye(3), ["a", "b"], ["x", "y", "z"])
    with pytest.raises(ValueError, match="权重的形状应是"):
        views.heatmap_html(np.ones(3), ["a"], ["x", "y", "z"])
    with pytest.raises(ValueError, match="权重里有 NaN"):
        views.heatmap_html(np.array([[0.5, np.nan]]), ["a"], ["x", "y"])


def test_row_labels_show_as_a_browser_shows_them():
    heat = views.heatmap_html(np.eye(2), ["it ", " a  b"], ["x", "y"])
    assert view_reading.heatmaps(heat)[0].row_labels == ["it", "a b"]  # spaces collapsed, right edges aligned

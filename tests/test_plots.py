"""helpers.plots: the figures draw the labels they were given, with Chinese glyphs, and leave rcParams alone."""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.text import Text

from helpers.fonts import FONT_FAMILY
from helpers.plots import attention_heatmap, attention_lines, query_bars

TOKENS = ["猫", "吃", "鱼"]
W = np.array([[0.2, 0.7, 0.1], [0.45, 0.1, 0.45], [0.1, 0.8, 0.1]])


def _texts(fig):
    fig.canvas.draw()
    return [t for t in fig.findobj(Text) if t.get_text()]


def _render_clean(fig):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    bad = [str(w.message) for w in caught if "missing" in str(w.message) or "Glyph" in str(w.message)]
    assert not bad, bad


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _rc_snapshot():
    return {k: repr(v) for k, v in matplotlib.rcParams.items()}


def test_heatmap_labels_values_colorbar_and_font():
    before = _rc_snapshot()
    fig, ax = attention_heatmap(W, TOKENS, TOKENS, title="注意力权重")
    assert _rc_snapshot() == before
    _render_clean(fig)
    assert [t.get_text() for t in ax.get_xticklabels()] == TOKENS
    assert [t.get_text() for t in ax.get_yticklabels()] == TOKENS
    cells = [t.get_text() for t in ax.texts]
    assert cells == [f"{x:.2f}" for x in W.ravel()]
    assert len(fig.axes) == 2  # the colour bar
    assert ax.images[0].get_cmap().name == "viridis"
    for t in _texts(fig):
        if any("\u4e00" <= c <= "\u9fff" for c in t.get_text()):
            assert FONT_FAMILY in t.get_fontfamily(), t.get_text()


def test_heatmap_into_given_axes_and_label_mismatch():
    fig, axes = plt.subplots(1, 2)
    f2, a2 = attention_heatmap(W, TOKENS, TOKENS, ax=axes[1], colorbar=False)
    assert f2 is fig and a2 is axes[1]
    with pytest.raises(ValueError, match="col_labels"):
        attention_heatmap(W, TOKENS, TOKENS[:2])
    with pytest.raises(ValueError, match="2 维"):
        attention_heatmap(W[0], TOKENS, TOKENS)


def test_query_bars():
    before = _rc_snapshot()
    fig, ax = query_bars(W[0], TOKENS, query="猫")
    assert _rc_snapshot() == before
    _render_clean(fig)
    assert [t.get_text() for t in ax.get_xticklabels()] == TOKENS
    assert [round(p.get_height(), 6) for p in ax.patches] == list(W[0])
    assert "猫" in ax.get_title()


def test_lines_view_one_and_many_heads():
    fig, ax = attention_lines(W, TOKENS)
    _render_clean(fig)
    words = [t.get_text() for t in ax.texts]
    assert words.count("猫") == 2 and words.count("鱼") == 2
    # one line per weight above the threshold, opacity = weight
    alphas = sorted(round(l.get_alpha(), 6) for l in ax.lines if l.get_alpha() is not None)
    assert alphas == sorted(round(x, 6) for x in W.ravel() if x >= 0.02)
    heads = np.stack([W, W.T / W.T.sum(1, keepdims=True)])
    fig2, ax2 = attention_lines(heads, TOKENS, head_names=["头 0", "头 1"])
    colours = {l.get_color() for l in ax2.lines if l.get_alpha() is not None}
    assert len(colours) == 2
    assert [t.get_text() for t in ax2.get_legend().get_texts()] == ["头 0", "头 1"]
    with pytest.raises(ValueError, match="head_names"):
        attention_lines(heads, TOKENS, head_names=["a"])


def test_subplots_figure_gets_the_font_at_draw_time_without_the_reader_calling_anything():
    from helpers.plots import subplots

    fig, ax = subplots(figsize=(3, 2))
    ax.set_title("猫吃鱼")  # added after creation, as a notebook cell does
    ax.set_xlabel("键 Key")
    _render_clean(fig)
    for t in _texts(fig):
        assert FONT_FAMILY in t.get_fontfamily(), t.get_text()
    assert FONT_FAMILY not in matplotlib.rcParams["font.family"]
    plt.close(fig)


def test_measured_vs_formula_draws_points_over_lines_on_log_axes():
    from helpers.palette import KIND_COLORS, KIND_LABELS
    from helpers.plots import measured_vs_formula

    ns = [4, 8, 16]
    fig, ax = measured_vs_formula(ns, {"rnn": [4, 8, 16], "attention": [4, 4, 4]},
                                  {"rnn": [4, 8, 16], "attention": [4, 4, 4]}, title="顺序步数")
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    lines = ax.get_lines()
    assert len(lines) == 4  # a formula line and the measured points per series
    assert [tuple(l.get_ydata()) for l in lines[1::2]] == [(4, 8, 16), (4, 4, 4)]
    assert lines[1].get_color() == KIND_COLORS["rnn"] and lines[1].get_linestyle() == "None"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [KIND_LABELS["rnn"], KIND_LABELS["attention"]]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["4", "8", "16"]
    _render_clean(fig)
    plt.close(fig)


def test_lines_view_has_the_geometry_of_the_svg_view():
    from helpers.views import lines_layout

    w = np.stack([W, W.T])
    fig, ax = attention_lines(w, TOKENS, min_weight=0.2)
    drawn = [tuple(l.get_ydata()) for l in ax.get_lines() if len(l.get_ydata())]
    assert drawn == [(y_i, y_j) for _, y_i, y_j, _ in lines_layout(w, 0.2)]
    plt.close(fig)

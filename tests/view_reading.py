"""Read helpers.views' heatmaps and one-line bar charts back into labels, numbers and colours, for the tests.

The views are text over painted backgrounds (see the comments in helpers/views.py); these readers undo
exactly that markup, so a test can assert what a reader sees: which value stands in which column, on
which colour, how long each bar is.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_HEATMAP = re.compile(
    r'<div class="(cv-hms?)" style="[^"]*">(?:<div class=c>(.*?)</div>)?'
    r'<div class=k style="padding-left:(\d+)ch">(?:<i style="width:(\d+)ch">(.*?)</i>)?(.*?)</div>'
    r'<div class=g style="padding-left:(\d+)ch;background:([^"]*)"><div class=l style="width:(\d+)ch">'
    r"((?:<div>.*?</div>)*|[^<]*)</div>(.*?)(?:<div class=o style=\"top:(\d+)px\"></div>)?</div></div>", re.S)
_ROW_LAYER = re.compile(r"linear-gradient\(90deg,([^)]*)\) (\d+)ch (\d+)px/(\d+)ch (\d+)px no-repeat")
_BARS = re.compile(r'<div class="cv-bars" style="--cv-bar:([^"]*)">(?:<div style="[^"]*">(.*?)</div>)?'
                   r'<div class=g style="background:([^"]*)">([^<]*)</div></div>')
_FILL = re.compile(r"linear-gradient\(([^,()]+),\1\) (\d+)ch (\d+)px/([0-9.]+)ch 14px no-repeat")
_TRACK = re.compile(r"linear-gradient\(#eee 14px,#0000 0\) (\d+)ch 3px/(\d+)ch (\d+)px repeat-y")


@dataclass
class Heatmap:
    small: bool
    caption: str                 # as written (HTML), "" without one
    corner: str                  # the text above the queries' labels
    label_ch: int                # the queries' labels' column, in digit widths
    row_labels: list[str]        # unescaped
    keys: str                    # the keys' line as written (HTML)
    lines: list[str]             # each query's line of values, without markup
    dark: list[list[str]]        # per line, the cells written in dark text (on light colours)
    layers: list[tuple[list[tuple[str, int, int]], int, int, int, int]]  # (stops (colour, from, to), x, y, w, h)
    outline_top: int | None      # px, None when no row is outlined


def heatmaps(text: str) -> list[Heatmap]:
    """Every heatmap in `text`, in order; asserts that each one's markup is read whole."""
    found = []
    for m in _HEATMAP.finditer(text):
        cls, caption, k_pad, corner_ch, corner, keys, g_pad, background, l_width, labels, lines, top = m.groups()
        assert k_pad == g_pad and int(l_width) == int(g_pad) - 1, "labels, keys and values share one column edge"
        assert corner_ch is None or int(corner_ch) == int(l_width)
        if labels.startswith("<div>"):
            row_labels = [html.unescape(x) for x in re.findall(r"<div>(.*?)</div>", labels)]
        else:
            row_labels = html.unescape(labels).split("\n")
        layers = []
        for i, layer in enumerate(background.split(",linear-gradient")):
            lm = _ROW_LAYER.fullmatch(("" if i == 0 else "linear-gradient") + layer)
            assert lm, f"not a row's colours: {layer!r}"
            stops = [(s.split()[0], int(s.split()[1][:-2]), int(s.split()[2][:-2])) for s in lm.group(1).split(",")]
            layers.append((stops, *map(int, lm.groups()[1:])))
        raw = lines.split("\n")
        found.append(Heatmap(small=cls == "cv-hms", caption=caption or "", corner=html.unescape(corner or ""),
                             label_ch=int(g_pad), row_labels=row_labels, keys=keys,
                             lines=[html.unescape(re.sub(r"</?span>", "", x)) for x in raw],
                             dark=[re.findall(r"<span>(.*?)</span>", x) for x in raw], layers=layers,
                             outline_top=None if top is None else int(top)))
    assert len(found) == text.count('<div class="cv-hm'), "every heatmap's markup is read"
    return found


@dataclass
class BarChart:
    color: str
    title: str
    lines: list[str]                 # "label  track  value", unescaped
    fills: list[tuple[str, float]]   # per row: its colour and its filled fraction of the track
    track_ch: int                    # where the track starts, in digit widths
    track_width_ch: int


def bar_charts(text: str) -> list[BarChart]:
    """Every one-line-per-row (printable-ASCII labels) bar chart in `text`, in order."""
    found = []
    for m in _BARS.finditer(text):
        color, title, background, lines = m.groups()
        layers = background.split(",linear-gradient")
        fills = [_FILL.fullmatch(("" if i == 0 else "linear-gradient") + layer) for i, layer in enumerate(layers[:-1])]
        track = _TRACK.fullmatch("linear-gradient" + layers[-1])
        assert all(fills) and track, f"not the bars' layers: {background!r}"
        row_px = int(track.group(3))
        assert [int(f.group(3)) for f in fills] == [i * row_px + 3 for i in range(len(fills))], "one fill per line"
        assert {f.group(2) for f in fills} <= {track.group(1)}, "each fill starts where the track starts"
        width = int(track.group(2))
        chart = BarChart(color=color, title=html.unescape(title or ""), lines=html.unescape(lines).split("\n"),
                         fills=[(f.group(1), float(f.group(4)) / width) for f in fills],
                         track_ch=int(track.group(1)), track_width_ch=width)
        assert len(chart.fills) == len(chart.lines), "one fill per line"
        found.append(chart)
    one_line_charts = text.count('<div class="cv-bars"') - len(re.findall(r'<div class="cv-bars"[^>]*>(?:<div style="[^"]*">'
                                                                         r'.*?</div>)?<div class="r', text))
    assert len(found) == one_line_charts, "every one-line bar chart's markup is read"
    return found

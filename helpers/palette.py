"""Colours and labels of the course's figures and views, defined once.

Introduced in notebook 01. Okabe–Ito colours stay distinguishable for the common forms of
colour blindness; heatmaps use viridis (or cividis), which also read in grey.
"""

from __future__ import annotations

__all__ = ["BLUE", "ORANGE", "GREEN", "PINK", "SKY", "VERMILION", "YELLOW", "BLACK", "GREY",
           "HEAD_COLORS", "WEIGHT_COLOR", "SCORE_COLOR", "WARNING_COLOR", "MESSAGE_COLORS",
           "KIND_LABELS", "KIND_SHORT_LABELS", "KIND_COLORS", "KIND_MARKERS", "KIND_MARKER_STYLE",
           "MEASURED_COLOR", "FORMULA_COLOR"]

BLUE, ORANGE, GREEN, PINK = "#0072B2", "#E69F00", "#009E73", "#CC79A7"
SKY, VERMILION, YELLOW, BLACK = "#56B4E9", "#D55E00", "#F0E442", "#000000"
GREY = "#444"

HEAD_COLORS = [BLUE, ORANGE, GREEN, PINK, SKY, VERMILION, YELLOW, BLACK]
"""One colour per head (notebooks 05 and 07), at most 8 heads."""

WEIGHT_COLOR = BLUE        # bars of attention weights
SCORE_COLOR = GREEN        # bars of scores (before softmax)
WARNING_COLOR = VERMILION  # negative values, unknown words, the highlighted row
MESSAGE_COLORS = {"warning": VERMILION, "info": BLUE, "ok": GREEN}
MEASURED_COLOR, FORMULA_COLOR = BLUE, ORANGE  # measured points vs a formula (notebooks 03, 06)

KIND_LABELS = {
    "rnn": "RNN 循环层",
    "cnn": "CNN 卷积（连续 contiguous）",
    "cnn_dilated": "CNN 空洞卷积 (dilated)",
    "attention": "自注意力 self-attention",
}
"""Chinese (and English) names of the four layer types of notebook 06, for tables and legends."""

KIND_SHORT_LABELS = {"rnn": "RNN 循环层", "cnn": "CNN 连续卷积", "cnn_dilated": "CNN 空洞卷积",
                     "attention": "自注意力"}
"""Short names for buttons."""

KIND_COLORS = {"rnn": VERMILION, "cnn": ORANGE, "cnn_dilated": PINK, "attention": BLUE}
KIND_MARKERS = {"rnn": "o", "cnn": "s", "cnn_dilated": "^", "attention": "D"}
KIND_MARKER_STYLE = {"rnn": dict(ms=6), "cnn": dict(ms=10, mfc="none", mew=1.5), "cnn_dilated": dict(ms=5),
                     "attention": dict(ms=5)}
"""Hollow big squares for the contiguous CNN: visible even where both convolutions coincide."""

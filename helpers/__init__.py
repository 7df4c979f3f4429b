"""helpers — the code behind the 猫吃鱼 course on self-attention.

Modules (each introduced by a notebook, named in its docstring):
    attention   pure numpy maths: softmax, scaled dot-product attention, masks, heads
    text        jieba segmentation, English tokens, the toy vocabulary
    fonts       the bundled CJK font for matplotlib
    plots       matplotlib figures: heatmap, bars, lines view
    widgets     ipywidgets built on attention + fast HTML views
    pretrained  all-MiniLM-L6-v2 run in numpy
    exercises   check_* functions for the exercises

Import the module you need (``from helpers import attention``); nothing heavy happens here.
"""

__version__ = "0.1.0"

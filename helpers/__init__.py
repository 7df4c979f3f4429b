"""helpers — the code behind the 猫吃鱼 course on self-attention.

Modules (each introduced by a notebook, named in its docstring):
    attention   pure numpy maths: softmax, scaled dot-product attention, masks, heads (03–05)
    text        jieba segmentation, English tokens, the toy vocabulary (01)
    toy         the readable W_Q / W_K / W_V of 猫吃鱼 (02)
    multihead   multi-head attention built from attention.py (05)
    compare     small RNN, CNN and attention layers and their measurements (06)
    coref       the hand-built two-layer model for "it" → animal (07)
    pretrained  all-MiniLM-L6-v2 run in numpy (07)
    roles       the role corpus (施事/动作/受事/其他) read and encoded (08)
    training    one attention layer that learns: forward, backward by hand, SGD, Adam (08)
    trainer     step-by-step training and read-outs of the learned pattern (08);
                training_views: its SVG curves (its exercise checks are in exercises)
    fonts       the bundled CJK font for matplotlib (00)
    plots       matplotlib figures: heatmap, bars, lines view, layers × heads grid
    views       fast HTML views for live widgets (01)
    widgets     ipywidgets built on the pure functions and the HTML views (a package:
                basics 01–04, heads 05–06, models 07, training 08)
    exercises   check_* functions for the exercises; quiz: the final quiz (09)
    syllabus    the course map; selfcheck: notebook 00's environment check

Import the module you need (``from helpers import attention``); nothing heavy happens here.
"""

__version__ = "0.1.0"

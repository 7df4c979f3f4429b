"""helpers — the code behind the 猫吃鱼 course on self-attention.

Modules (each introduced by a notebook, named in its docstring):
    attention   pure numpy maths: softmax, scaled dot-product attention, masks, heads (03–05)
    text        jieba segmentation, English tokens, the toy vocabulary (01)
    toy         the readable W_Q / W_K / W_V of 猫吃鱼 (02)
    multihead   multi-head attention built from attention.py (05)
    layers      small RNN, CNN and attention layers (06); compare: their measurements (06)
    coref       the hand-built two-layer model for "it" → animal (07)
    pretrained  all-MiniLM-L6-v2 run in numpy (07): weights, model (forward pass), precomputed
    roles       the role corpus (施事/动作/受事/其他) read and encoded (08)
    training    one attention layer that learns: forward, backward by hand, SGD, Adam (08)
    trainer     step-by-step training and read-outs of the learned pattern (08);
                training_views: its SVG curves (its exercise checks are in exercises)
    fonts       the bundled CJK font for matplotlib (00)
    plots       matplotlib figures: heatmap, bars, lines view, layers × heads grid
    views       every HTML/SVG view of the live widgets (01); palette: colours and labels, defined once
    widgets     ipywidgets built on the pure functions and the views, one module per concept
                (sentence, qkv_editor, scaling, masks, multihead, head_rules, compare, coref, pair,
                ablation, model_view, training, quiz); one view update per reader action
    exercises   check_* functions: _core (cases, diagnosis, hint tiers), one module per lesson;
                quiz: the final quiz (09); _checks: argument validation shared by modules
    syllabus    the course map; selfcheck: notebook 00's environment check

Import the module you need (``from helpers import attention``); nothing heavy happens here.
"""

__version__ = "0.1.0"

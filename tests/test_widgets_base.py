"""helpers.widgets._base: every course widget sends one view update per reader action, shows a
static snapshot where no widget manager runs, and never re-enters its own callbacks."""

import numpy as np
import pytest

from helpers import views
from helpers.multihead import init_multi_head
from helpers.pretrained import CURATED_SENTENCES, PrecomputedModel
from helpers.toy import toy_qkv
from helpers.widgets import (
    CorefExplorer,
    MaskExplorer,
    ModelExplorer,
    MultiHeadExplorer,
    QKVEditor,
    ReachExplorer,
    SentenceExplorer,
)
from helpers.widgets.ablation import HeadAblationExplorer
from helpers.widgets.head_rules import QUERY_RULES_OFFERED, HeadRulesExplorer
from helpers.widgets.pair import SentencePairExplorer
from helpers.widgets.scaling import ScalingExplorer, TemperatureExplorer
from helpers.widgets.training import TrainingExplorer

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _walk(w):
    yield w
    for c in getattr(w, "children", ()):
        yield from _walk(c)


def _toy():
    return toy_qkv("猫吃鱼")


def _multihead():
    P = init_multi_head(9, 8, 4, rng=np.random.default_rng(0), std=1.0)
    return MultiHeadExplorer(P["W_Q"], P["W_K"], P["W_V"], P["W_O"], h=2)


def _head_rules():
    from helpers.text import embed, readable_matrix, tokenize
    from helpers.toy import KEY_RULES, QK_COORDS, V_COORDS, VALUE_RULES

    tokens = tokenize("猫吃鱼")
    X, _ = embed(tokens)
    W_K, W_V = readable_matrix(KEY_RULES, d_out=QK_COORDS), readable_matrix(VALUE_RULES, d_out=V_COORDS)
    W_O = np.eye(6)[:, :3] + np.eye(6)[:, 3:]
    return HeadRulesExplorer(tokens, X, W_K, W_V, W_O, concat_names=[f"头{i}·{c}" for i in (0, 1) for c in V_COORDS],
                             out_names=V_COORDS)


def _ablation():
    from helpers.pretrained import load_model

    model = load_model()
    if isinstance(model, PrecomputedModel):
        pytest.skip("the head-ablation explorer needs the model's weights (make lab installs them)")
    return HeadAblationExplorer(model, CURATED_SENTENCES[0], layer=3, head=1)


# (build the widget, one reader action on it)
CASES = {
    "sentence": (lambda: SentenceExplorer("猫吃鱼"), lambda w: setattr(w.text, "value", "狗追老鼠")),
    "qkv_slider": (lambda: QKVEditor(_toy().tokens, _toy().Q, _toy().K, _toy().V),
                   lambda w: setattr(w.sliders["Q"][1], "value", 2.2)),
    "qkv_word": (lambda: QKVEditor(_toy().tokens, _toy().Q, _toy().K, _toy().V),
                 lambda w: setattr(w.word, "value", 2)),
    "mask": (lambda: MaskExplorer(_toy().tokens, _toy().Q, _toy().K, _toy().V),
             lambda w: setattr(w.kind, "value", "causal")),
    "multihead_h": (_multihead, lambda w: setattr(w.h_buttons, "value", 8)),
    "multihead_head": (_multihead, lambda w: setattr(w.head_buttons, "value", 1)),
    "reach_length": (lambda: ReachExplorer(n=12, source=11), lambda w: setattr(w.length, "value", 6)),
    "reach_layer": (lambda: ReachExplorer(n=12), lambda w: setattr(w.layer, "value", "rnn")),
    "coref": (lambda: CorefExplorer(), lambda w: setattr(w.adjective, "value", "wide")),
    "model_sentence": (lambda: ModelExplorer(PrecomputedModel(), list(CURATED_SENTENCES[:4])),
                       lambda w: setattr(w.sentence, "value", CURATED_SENTENCES[1])),
    "model_head": (lambda: ModelExplorer(PrecomputedModel(), list(CURATED_SENTENCES[:4])),
                   lambda w: setattr(w.head, "value", 3)),
    "bad_input": (lambda: SentenceExplorer("猫吃鱼"), lambda w: setattr(w.text, "value", "")),
    "scaling": (lambda: ScalingExplorer(d_k=4), lambda w: setattr(w.d_k, "value", 256)),
    "temperature": (lambda: TemperatureExplorer([8.2, 0.5], ["吃", "鱼"]),
                    lambda w: setattr(w.temperature, "value", 2.0)),
    "head_rules_box": (_head_rules, lambda w: w.set_rule(0, QUERY_RULES_OFFERED[0], False)),
    "head_rules_preset": (_head_rules, lambda w: setattr(w.preset, "value", "one")),
    "pair": (lambda: SentencePairExplorer(PrecomputedModel(), CURATED_SENTENCES[0], CURATED_SENTENCES[1], layer=3,
                                          head=1), lambda w: setattr(w.head, "value", 2)),
    "ablation": (_ablation, lambda w: setattr(w.mode, "value", "only")),
    "training_step": (lambda: TrainingExplorer(), lambda w: w.step_button.click()),
    "training_compare": (lambda: TrainingExplorer(), lambda w: w.compare_button.click()),
    "training_bad_lr": (lambda: TrainingExplorer(), lambda w: setattr(w.lr, "value", -1.0)),
}


@pytest.mark.parametrize("name", CASES)
def test_one_reader_action_is_one_view_update(name):
    build, act = CASES[name]
    w = build()
    html_views = [v for v in _walk(w.widget) if type(v).__name__ in ("HTML", "HTMLMath")]
    assert html_views == [w.styles, w.view], "one hidden stylesheet, then one HTML view for the message and panels"
    assert w.styles.layout.display == "none" and w.styles.value == views.stylesheet()
    changes, style_changes = [], []
    w.view.observe(lambda c: changes.append(c["new"]), "value")
    w.styles.observe(lambda c: style_changes.append(c["new"]), "value")
    act(w)
    assert len(changes) == 1, f"{len(changes)} view updates for one action"
    assert "<style" not in changes[0], "the panels travel without <style> blocks (_Widget._show)"
    assert style_changes == [], "the stylesheet has every rule the panels use: it never changes"


def test_snapshot_is_the_text_html_beside_the_widget_view():
    toy = _toy()
    ed = QKVEditor(toy.tokens, toy.Q, toy.K, toy.V)
    data = ed._repr_mimebundle_()
    assert WIDGET_VIEW in data and data[WIDGET_VIEW]["model_id"] == ed.widget.model_id
    snap = data["text/html"]
    assert f'data-model-id="{ed.widget.model_id}"' in snap
    assert '<input type="range" disabled' in snap and "<label>Q[x1]</label>" in snap
    assert ed.view.value in snap  # the panels as they are now
    _, rules = views.split_styles(snap)
    assert rules and set(rules) == set(ed._rules) < set(views.split_styles(views.stylesheet())[1])
    assert 'class="cv-hm"' in snap and "div.cv-hm.cv-hm>div.g{" in snap and "linear-gradient" in snap, "the snapshot keeps the rules it uses"


def test_a_rule_the_stylesheet_lacks_is_added_to_it_once():
    w = SentenceExplorer("猫吃鱼")
    before = w.styles.value
    w._show("<style>div.cv-new.cv-new{color:red}</style><div class=cv-new>x</div>")
    assert w.view.value == "<div class=cv-new>x</div>"
    assert w.styles.value == before + "<style>div.cv-new.cv-new{color:red}</style>"
    w._show("<style>div.cv-new.cv-new{color:red}</style><div class=cv-new>y</div>")
    assert w.styles.value == before + "<style>div.cv-new.cv-new{color:red}</style>", "added once"


def test_syncing_is_a_context_manager_that_nests():
    w = SentenceExplorer("猫吃鱼")
    assert not w.syncing
    with w._syncing():
        with w._syncing():
            assert w.syncing
        assert w.syncing
    assert not w.syncing
    with pytest.raises(RuntimeError):
        with w._syncing():
            raise RuntimeError
    assert not w.syncing

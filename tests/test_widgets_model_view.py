"""helpers.widgets.model_view (notebook 07, part 2), driven headlessly."""

from helpers.pretrained import CURATED_SENTENCES, PrecomputedModel
from helpers.widgets import ModelExplorer


def test_model_explorer_with_precomputed_model():
    m = PrecomputedModel()
    e = ModelExplorer(m, list(CURATED_SENTENCES[:4]), layer=3, head=1, word="it")
    it = e.tokens.index("it")
    assert e.word.value == it
    _, w = m.attentions(CURATED_SENTENCES[0])
    assert str(round(float(w[3, 1, it].max()), 3)) in e.view.value
    e.head.value = 5
    assert "第 5 个头" in e.view.value
    before = e.tokens
    e.sentence.value = "A sentence nobody precomputed."
    assert "离线模式" in e.message and e.tokens == before
    e.sentence.value = CURATED_SENTENCES[1]
    assert e.tokens[-3] == "wide" and e.word.value == it
    e.sentence.value = "   "
    assert "英文句子" in e.message

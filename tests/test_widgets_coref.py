"""helpers.widgets.coref (notebook 07, part 1), driven headlessly."""

from helpers.widgets import CorefExplorer


def test_coref_explorer_switches_and_handles_bad_input():
    c = CorefExplorer()
    assert c.result.referent() == "animal"
    c.adjective.value = "wide"
    assert c.result.referent() == "street" and "wide" in c.text.value
    good = c.panels
    c.text.value = "The dog saw the cat."
    assert "it" in c.message and c.panels == good and c.message in c.view.value
    c.text.value = "The dog chased the cat because it was hungry."
    assert c.result.referent() in {"dog", "cat"}


def test_coref_explorer_reports_ties_and_flat_rows_instead_of_an_answer():
    c = CorefExplorer()
    assert "最关注：animal" in c.view.value and "分不出" not in c.view.value
    c.adjective.value = "big"  # every weight ≈ 1/11: no answer
    assert "分不出" in c.view.value and "最关注" not in c.view.value
    c.text.value = "The dog chased the cat because it was hungry."  # dog 0.491 = cat 0.491
    assert "分不出" in c.view.value and "最关注" not in c.view.value
    c.adjective.value = "wide"
    assert "最关注：street" in c.view.value

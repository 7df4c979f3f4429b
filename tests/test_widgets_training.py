"""Notebook 08's training widget, driven without a browser: frames, controls, bad learning rates, divergence."""

import warnings

import numpy as np
import pytest

from helpers.roles import load_role_corpus
from helpers.widgets.training import SHOWN, TrainingExplorer

CORPUS = load_role_corpus()


@pytest.fixture
def widget():
    return TrainingExplorer(CORPUS, seed=1, lr=0.05, steps_per_frame=2)


def shown(w) -> str:
    """The numbers on screen (the curves and the heatmaps)."""
    return w.curves_html + w.maps_html


def test_starts_at_step_zero_with_the_three_sentences(widget):
    assert widget.trainer.steps == 0 and widget.frames == 0
    for sentence in SHOWN:
        assert f"“{sentence}”" in widget.maps_html
    assert "第 0 步" in widget.curves_html
    assert "text/plain" in widget._repr_mimebundle_() or widget._repr_mimebundle_()


def test_a_frame_is_a_batch_of_steps_then_one_redraw(widget):
    widget.step()
    assert widget.trainer.steps == 2 and widget.frames == 1 and "第 2 步" in widget.curves_html
    widget.per_frame.value = 3
    widget.step_button.click()
    assert widget.trainer.steps == 5 and "第 5 步" in widget.curves_html
    widget.play.value += 1  # what the browser's Play widget does on every tick
    assert widget.trainer.steps == 8
    widget.play.value = 0  # Play's stop button: back to the start of its counter, no frame
    assert widget.trainer.steps == 8


def test_training_in_the_widget_learns_the_roles_of_the_heldout_sentences():
    w = TrainingExplorer(CORPUS, seed=1, lr=0.05, steps_per_frame=10)
    for _ in range(6):
        w.step()
    assert w.trainer.history["heldout_noun_acc"][-1] >= 0.95
    assert "鱼 → 受事" in w.maps_html and "猫 → 施事" in w.maps_html
    assert w.trainer.roles("鱼被猫吃") == ["受事", "其他", "施事", "动作"]


def test_reset_goes_back_to_the_same_start(widget):
    first = widget.maps_html
    widget.step()
    assert widget.maps_html != first
    widget.reset_button.click()
    assert widget.trainer.steps == 0 and widget.maps_html == first and "已重置" in widget.message


@pytest.mark.parametrize("lr, fragment", [(0.0, "一步也不会动"), (-0.5, "必须是正数"), (1e6, "太大"),
                                          (float("inf"), "必须是正数")])
def test_bad_learning_rates_get_a_message_and_the_last_good_value_back(widget, lr, fragment):
    widget.play.playing = True
    widget.lr.value = lr
    assert fragment in widget.message and "学习率恢复为 0.05" in widget.message
    assert widget.lr.value == 0.05 and widget.trainer.lr == 0.05 and widget.play.playing is False
    widget.step()
    assert widget.trainer.steps == 2 and "nan" not in shown(widget).lower()


def test_a_good_learning_rate_is_taken(widget):
    widget.lr.value = 0.01
    assert widget.trainer.lr == 0.01 and "0.01" in widget.message


def test_divergence_shows_a_message_and_resets_never_nan_on_screen(widget):
    widget.step()
    widget.play.playing = True
    widget.trainer.params["W_Q"][:] = np.inf  # what a training that blew up looks like
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no RuntimeWarning reaches the notebook
        widget.step()
    assert "训练发散了" in widget.message and "已重置" in widget.message
    assert widget.trainer.steps == 0 and widget.play.playing is False
    text = shown(widget).lower()
    assert "nan" not in text and "inf" not in text
    widget.step()
    assert widget.trainer.steps == 2 and widget.message == ""


def test_comparison_with_lesson_02_on_request(widget):
    assert widget.compare_html == ""
    for _ in range(3):
        widget.step()
    widget.compare_button.click()
    assert "第 6 步" in widget.compare_html and "第 02 课手搭 · 受事名词" in widget.compare_html
    assert "nan" not in widget.compare_html.lower()
    widget.reset_button.click()
    assert widget.compare_html == ""


def test_ticks_that_arrive_during_a_frame_are_dropped(widget):
    now = [100.0]
    widget._clock = lambda: now[0]
    tick = lambda k: widget.play.set_trait("value", k)
    tick(1)
    assert widget.frames == 1 and widget.dropped_ticks == 0
    tick(2)  # queued while the frame ran: reaches the kernel right after it ended
    tick(3)
    assert widget.frames == 1 and widget.dropped_ticks == 2
    now[0] += widget.play.interval / 1000  # a tick one interval later is a fresh one
    tick(4)
    assert widget.frames == 2 and widget.trainer.steps == 2 * widget.per_frame.value
    widget._busy = True  # a tick that arrives while a frame is still running
    now[0] += 10.0
    tick(5)
    assert widget.frames == 2 and widget.dropped_ticks == 3

"""The role model of notebook 08: hand-derived gradients, training to the promised accuracy, the baselines.

Its exercises are tested in test_exercises_lesson08.
"""

import ctypes
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers import training
from helpers.attention import scaled_dot_product_attention
from helpers.roles import encode, load_role_corpus
from helpers.trainer import (
    CLASSES,
    SCORE_PARTS,
    VOICES,
    Trainer,
    attention_by_class,
    check_learning_rate,
    class_scores,
    hand_built_attention_by_class,
    hand_built_class_scores,
    score_parts,
    train,
)
from helpers.training import (
    ModelConfig,
    accuracy,
    adam_init,
    adam_step,
    cross_entropy,
    forward,
    gradient_check,
    init_params,
    loss_and_grads,
    sgd_step,
    sinusoidal_positions,
    softmax_backward,
)
from helpers.training_views import attention_roles_html, curves_svg, history_html, noun_attention_html

ROOT = Path(__file__).resolve().parent.parent

CORPUS = load_role_corpus()
FULL = ModelConfig(len(CORPUS.words))
NO_POSITIONS = ModelConfig(len(CORPUS.words), positions=False)
NO_ATTENTION = ModelConfig(len(CORPUS.words), attention=False)
STEPS = 60  # what notebook 08 trains


@pytest.fixture(scope="module")
def runs():
    return {name: train(CORPUS, cfg, STEPS, seed=1, lr=0.05)
            for name, cfg in (("full", FULL), ("no_positions", NO_POSITIONS), ("no_attention", NO_ATTENTION))}


# ------------------------------------------------------------------ pieces


def test_sinusoidal_positions_follow_the_formula_entry_by_entry():
    n, d = 7, 10
    P = sinusoidal_positions(n, d)
    for pos in range(n):
        for j in range(d):
            angle = pos / 10000 ** ((j - j % 2) / d)
            assert P[pos, j] == pytest.approx(np.sin(angle) if j % 2 == 0 else np.cos(angle), abs=1e-12)
    G = P @ P.T  # the dot product depends only on the distance
    assert np.allclose(np.diag(G, 2), np.diag(G, 2)[0])
    for bad in ((0, 4), (3, 5), (3, 0), (2.5, 4)):
        with pytest.raises(ValueError, match="偶数"):
            sinusoidal_positions(*bad)


def test_softmax_backward_equals_the_explicit_jacobian_on_random_cases():
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(1, 7))
        s = rng.normal(size=n) * rng.uniform(0.1, 10)
        w = np.exp(s - s.max()) / np.exp(s - s.max()).sum()
        g = rng.normal(size=n)
        J = np.diag(w) - np.outer(w, w)
        got = softmax_backward(w, g)
        assert np.allclose(got, J @ g) and abs(got.sum()) < 1e-12
    W = rng.dirichlet(np.ones(4), size=(2, 3))  # (2, 3, 4): every row separately
    G = rng.normal(size=(2, 3, 4))
    rows = np.array([[softmax_backward(W[a, b], G[a, b]) for b in range(3)] for a in range(2)])
    assert np.allclose(softmax_backward(W, G), rows)


@pytest.mark.parametrize("config", [ModelConfig(len(CORPUS.words), d=4, d_k=2),
                                    ModelConfig(len(CORPUS.words), d=4, d_k=2, positions=False),
                                    ModelConfig(len(CORPUS.words), d=4, d_k=3, attention=False)],
                         ids=["full", "no_positions", "no_attention"])
def test_gradient_check_against_finite_differences(config):
    idx = [CORPUS.find(s) for s in ("猫吃鱼", "鱼被猫吃", "昨天猫被小猫买了")] + list(range(4))  # lengths 3 to 6: padding
    batch = encode([CORPUS.sentences[k] for k in idx], CORPUS.words, [CORPUS.roles[k] for k in idx])
    assert not batch.valid.all()
    params = init_params(config, np.random.default_rng(3))
    errors = gradient_check(params, batch, config)
    assert set(errors) == set(params)
    assert max(errors.values()) < 1e-6, errors


def test_forward_attention_is_lesson_04s_with_a_padding_mask_and_padding_changes_nothing():
    params = init_params(FULL, np.random.default_rng(4))
    words = [["猫", "吃", "鱼"], ["昨天", "鱼", "被", "猫", "吃", "了"]]
    batch = encode(words, CORPUS.words)
    logits, cache = forward(params, batch, FULL)
    X = cache["X"][0]
    mask = np.array([True, True, True, False, False, False])
    _, w = scaled_dot_product_attention(X @ params["W_Q"], X @ params["W_K"], X @ params["W_V"], mask=mask)
    assert np.allclose(cache["A"][0], w) and np.all(cache["A"][0][:, 3:] == 0)
    alone, _ = forward(params, encode(words[:1], CORPUS.words), FULL)
    assert np.allclose(alone[0], logits[0, :3])


def test_too_long_a_sentence_gets_a_message_not_a_traceback():
    params = init_params(ModelConfig(len(CORPUS.words), n_max=4), np.random.default_rng(0))
    with pytest.raises(ValueError, match="n_max=4"):
        forward(params, encode([["昨天", "鱼", "被", "猫", "吃"]], CORPUS.words), ModelConfig(len(CORPUS.words), n_max=4))


def test_optimisers_step_downhill_and_never_write_into_their_inputs():
    batch = CORPUS.batch("train")
    params = init_params(FULL, np.random.default_rng(5))
    before = {k: v.copy() for k, v in params.items()}
    loss, grads = loss_and_grads(params, batch, FULL)
    new = sgd_step(params, grads, 0.5)
    assert all(np.array_equal(params[k], before[k]) for k in params)
    assert all(np.allclose(new[k], params[k] - 0.5 * grads[k]) for k in params)
    assert loss_and_grads(new, batch, FULL)[0] < loss
    state = adam_init(params)
    new, state2 = adam_step(params, grads, state, 0.01)
    assert state2["t"] == 1 and state["t"] == 0 and all(np.array_equal(params[k], before[k]) for k in params)
    # Adam's first step moves every entry by about lr (bias-corrected m / √v = ±1 where the gradient is not 0)
    moved = np.abs(new["W_Q"] - params["W_Q"])
    assert np.allclose(moved[np.abs(grads["W_Q"]) > 1e-5], 0.01, rtol=1e-3)


# ------------------------------------------------------------------ training and baselines


def test_training_with_the_fixed_seed_reaches_the_promised_accuracy(runs):
    h = runs["full"].history
    assert len(h["loss"]) == STEPS
    assert h["heldout_acc"][-1] >= 0.95 and h["heldout_noun_acc"][-1] >= 0.95
    assert h["loss"][-1] < h["loss"][0] / 10
    assert runs["full"].roles("猫吃鱼") == ["施事", "动作", "受事"]
    assert runs["full"].roles("鱼吃猫") == ["施事", "动作", "受事"]
    assert runs["full"].roles("鱼被猫吃") == ["受事", "其他", "施事", "动作"]


def test_without_positions_role_swapped_pairs_get_the_same_roles(runs):
    model = runs["no_positions"]
    cat_first, cat_last = model.roles("猫吃鱼")[0], model.roles("鱼吃猫")[2]
    assert cat_first == cat_last  # 猫 gets the same role in both, so one of the two is wrong
    _, cache = forward(model.params, encode([["猫", "吃", "鱼"], ["鱼", "吃", "猫"]], CORPUS.words), NO_POSITIONS)
    assert np.allclose(cache["H"][0, 0], cache["H"][1, 2], atol=1e-12)
    held = CORPUS.indices("heldout")
    sentences = {CORPUS.sentences[k]: k for k in held}
    pairs = 0
    for k in held:
        words, roles = CORPUS.sentences[k], CORPUS.roles[k]
        a, p = words[roles.index("施事")], words[roles.index("受事")]
        mirror = tuple(p if w == a else a if w == p else w for w in words)
        predicted, mirrored = model.roles(words), model.roles(mirror)
        assert predicted[words.index(a)] == mirrored[mirror.index(a)]
        pairs += sentences[mirror] != k
    assert pairs == len(held)
    assert model.history["heldout_noun_acc"][-1] <= 0.5  # chance at best, by symmetry


def test_each_word_alone_with_its_position_does_not_solve_the_nouns(runs):
    assert runs["no_attention"].history["heldout_noun_acc"][-1] < 0.7
    assert runs["full"].history["heldout_noun_acc"][-1] - runs["no_attention"].history["heldout_noun_acc"][-1] > 0.3
    with pytest.raises(ValueError, match="没有注意力"):
        runs["no_attention"].attention("猫吃鱼")


def test_read_outs_of_the_learned_pattern(runs):
    learned, hand = attention_by_class(runs["full"]), hand_built_attention_by_class(CORPUS)
    for table in (learned, hand):
        for row in table.values():
            assert set(row) == {"自己", *CLASSES} and sum(row.values()) == pytest.approx(1.0)
    assert learned["受事"]["被"] > 0.3 > learned["施事"]["被"]
    assert hand["施事"] == pytest.approx(hand["受事"])  # no positions: the same for both roles
    scores = class_scores(runs["full"])
    assert scores["words"].shape == (len(CLASSES), len(CLASSES)) and scores["positions"].shape == (6, 6)
    hb = hand_built_class_scores(CORPUS)
    noun, verb = CLASSES.index("名词"), CLASSES.index("动词")
    assert np.argmax(hb[noun]) == verb and np.argmax(hb[verb]) == noun


def test_trainer_undoes_a_step_that_diverges_and_resets_to_the_same_start():
    trainer = Trainer(CORPUS, seed=2)
    start = {k: v.copy() for k, v in trainer.params.items()}
    assert trainer.step(2) and trainer.steps == 2
    trainer.params["W_R"][0, 0] = np.nan
    assert trainer.step() is False and trainer.diverged and trainer.steps == 2
    assert all(np.all(np.isfinite(v)) for v in trainer.history.values())
    trainer.reset()
    assert trainer.steps == 0 and not trainer.diverged
    assert all(np.array_equal(trainer.params[k], start[k]) for k in start)


@pytest.mark.parametrize("lr, fragment", [(0, "一步也不会动"), (-0.1, "必须是正数"), (5.0, "太大"),
                                          (float("nan"), "必须是正数"), ("fast", "应是一个数")])
def test_bad_learning_rates_get_a_message(lr, fragment):
    with pytest.raises(ValueError, match=fragment) as info:
        check_learning_rate(lr)
    assert "学习率" in str(info.value)
    assert check_learning_rate("0.05") == 0.05


def test_views_show_curves_and_predicted_roles():
    svg = curves_svg({"a": [1.0, 0.5, 0.25], "b": []}, title="损失")
    assert svg.startswith("<svg") and svg.count("<polyline") == 1 and "第 3 步" in svg and "0.250" in svg
    assert "nan" not in svg.lower()
    html = attention_roles_html(["猫", "吃"], np.array([[0.9, 0.1], [0.5, 0.5]]), ["施事", "动作"], caption="c")
    assert "猫 → 施事" in html and "0.90" in html
    history = {"loss": [1.2, 0.6], "train_acc": [0.5, 0.8], "heldout_acc": [0.4, 0.7], "heldout_noun_acc": [0.3, 0.6]}
    panel = history_html(history)
    assert panel.count("<svg") == 2 and "0.600" in panel and "留出集·名词：0.60" in panel
    row = {"自己": 0.1, "名词": 0.2, "动词": 0.3, "被": 0.4, "了": 0.0, "时间词": 0.0}
    table = noun_attention_html({"施事": row, "受事": row}, {"施事": row, "受事": row}, CLASSES, title="t")
    assert "第 02 课手搭 · 受事名词" in table and table.count("0.40") == 4


# ------------------------------------------------------------------ exercises


def test_moving_k_positions_on_is_one_rotation_that_depends_on_k_only():
    from helpers.training import position_shift_matrix

    P = sinusoidal_positions(20, 16)
    for k in (1, 2, 5, -3):
        M = position_shift_matrix(k, 16)
        lo, hi = max(0, -k), min(20, 20 - k)
        np.testing.assert_allclose(P[lo:hi] @ M, P[lo + k:hi + k], atol=1e-12)
        np.testing.assert_allclose(M.T @ M, np.eye(16), atol=1e-12)          # a rotation keeps lengths
    np.testing.assert_allclose(position_shift_matrix(0, 16), np.eye(16))
    with pytest.raises(ValueError, match="偶数"):
        position_shift_matrix(1, 5)


def test_the_history_is_measured_on_the_parameters_after_each_step():
    trainer = Trainer(CORPUS, seed=3)
    trainer.step(3)
    train_batch, held = CORPUS.batch("train"), CORPUS.batch("heldout")
    h = trainer.history
    assert h["train_acc"][-1] == accuracy(trainer.params, train_batch, trainer.config)
    assert h["heldout_acc"][-1] == accuracy(trainer.params, held, trainer.config)
    assert h["heldout_noun_acc"][-1] == accuracy(trainer.params, held, trainer.config, nouns_only=True)
    assert h["loss"][-1] == pytest.approx(cross_entropy(forward(trainer.params, train_batch, trainer.config)[0],
                                                        train_batch)[0], rel=1e-12)


def test_attention_by_voice_splits_the_sentences_with_and_without_bei(runs):
    model = runs["full"]
    by_voice = {voice: attention_by_class(model, voice=voice) for voice in VOICES}
    assert by_voice["主动句"]["施事"]["被"] == 0 and by_voice["主动句"]["受事"]["被"] == 0  # no 被 to look at
    assert by_voice["被字句"]["受事"]["被"] > 0.9 and by_voice["被字句"]["施事"]["动词"] > 0.9   # seed 1
    assert by_voice["主动句"]["施事"]["动词"] < 0.05
    # the mean over all sentences lies between the two voices
    mixed = attention_by_class(model)
    lo, hi = sorted(by_voice[v]["施事"]["动词"] for v in VOICES)
    assert lo < mixed["施事"]["动词"] < hi
    hand = {voice: hand_built_attention_by_class(CORPUS, voice=voice) for voice in VOICES}
    assert hand["被字句"]["施事"] == pytest.approx(hand["被字句"]["受事"]) and hand["主动句"]["受事"]["被"] == 0
    with pytest.raises(ValueError, match="voice"):
        attention_by_class(model, voice="passive")


def test_score_parts_add_up_to_the_scores_and_show_where_bei_comes_from(runs):
    model = runs["full"]
    words = ["鱼", "被", "猫", "吃"]
    parts = score_parts(model, "鱼被猫吃")
    assert tuple(parts) == SCORE_PARTS and all(v.shape == (4, 4) for v in parts.values())
    _, cache = forward(model.params, encode([words], CORPUS.words), model.config)
    S = cache["Q"][0] @ cache["K"][0].T / np.sqrt(model.config.d_k)
    np.testing.assert_allclose(sum(parts.values()), S, atol=1e-9)
    lift = {k: v[0, 1] - np.delete(v[0], 1).mean() for k, v in parts.items()}
    assert max(lift, key=lift.get) == "位置·词"  # seed 1: the query at position 0 looks for the word 被
    with pytest.raises(ValueError, match="位置编码"):
        score_parts(runs["no_positions"], "鱼被猫吃")


def test_embedding_gradient_sums_each_words_rows_like_add_at_bit_for_bit():
    from helpers.training import _sum_rows_by_word

    rng = np.random.default_rng(0)
    ids = rng.integers(0, 7, size=200)
    ids[ids == 3] = 4                                  # word 3 never occurs: its row stays 0
    rows = rng.normal(size=(200, 5)) * 10.0 ** rng.integers(-8, 8, size=(200, 1))  # sums that round
    expected = np.zeros((9, 5))
    np.add.at(expected, ids, rows)
    got = _sum_rows_by_word(ids, rows, (9, 5))
    assert got.shape == (9, 5) and np.array_equal(got, expected)   # same sums in the same order: equal bits
    assert not got[3].any() and not got[7:].any() and got[4].any()


_FAULTS = """
import resource, sys
import numpy as np
from helpers import training
assert training.keep_freed_heap.cache_info().currsize == 0, "importing helpers.training changes nothing"
if sys.argv[1] == "trainer":
    from helpers.roles import load_role_corpus
    from helpers.trainer import Trainer
    Trainer(load_role_corpus())
    assert training.keep_freed_heap() is True
x = np.ones((2159, 6, 16))  # 1.6 MB: a step makes about ten such temporaries, then frees them
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(50):
    temporaries = [x * 2.0 for _ in range(10)]
    del temporaries
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 50)
"""


@pytest.mark.skipif(not (sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"), reason="glibc only")
def test_a_trainer_makes_glibc_reuse_freed_memory_and_importing_changes_nothing():
    def faults(mode):
        run = subprocess.run([sys.executable, "-c", _FAULTS, mode], capture_output=True, text=True, cwd=ROOT, check=True)
        return float(run.stdout)

    # ten 1.6 MB temporaries, freed, ten times over: 81 page faults a round after a Trainer (the first round's,
    # spread), about 4,000 a round when glibc hands the freed heap back; here measured on Debian's glibc 2.36
    assert faults("trainer") < 400
    faults("import")  # its own assert: importing helpers.training alone leaves malloc as it was


def test_keeping_freed_memory_changes_nothing_off_glibc(monkeypatch):
    keep = training.keep_freed_heap.__wrapped__  # the uncached function
    monkeypatch.setattr(sys, "platform", "win32")
    assert keep() is False
    monkeypatch.setattr(sys, "platform", "linux")

    def no_libc(name):
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(ctypes, "CDLL", no_libc)
    assert keep() is False  # musl and others: no libc.so.6, no change, no error


def test_the_softmax_of_the_role_model_is_the_plain_formula_bit_for_bit():
    rng = np.random.default_rng(0)
    for k in range(500):
        shape = (int(rng.integers(1, 40)), int(rng.integers(1, 9)), int(rng.integers(1, 12)))
        x = rng.normal(size=shape) * rng.choice([0.1, 1.0, 10.0, 800.0])
        if k % 2:  # masked keys, as in forward: -inf, never a whole row
            x = np.where(rng.random(shape) < 0.3, -np.inf, x)
            x[..., 0] = rng.normal(size=shape[:-1])
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        plain = e / e.sum(axis=-1, keepdims=True)
        got = training._softmax(x)
        assert np.array_equal(got, plain) and np.all(np.isfinite(got)), (k, shape)

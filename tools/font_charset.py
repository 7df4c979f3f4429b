"""The character set of the bundled CJK font: GB2312 level 1, punctuation, and every CJK character of the course.

Used by ``scripts/build_font.py`` (which documents the whole build). The union is a set, so the font
depends only on which characters occur, not on where or in what order.
"""

from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED_ARTICLES = [
    REPO / "seed" / "self-attention-explained.zh.md",
    Path("/work/shared/seed/self-attention-explained.zh.md"),
]

# Chinese punctuation that lives outside the CJK blocks (General Punctuation etc.).
EXTRA_PUNCTUATION = "“”‘’…—–―·•‧‰※№℃→←↑↓×÷±≈≠≤≥∶"


def is_cjk(ch: str) -> bool:
    """True for characters in the CJK, kana, bopomofo and full-width blocks."""
    cp = ord(ch)
    return (
        0x2E80 <= cp <= 0x2FDF  # CJK radicals, Kangxi radicals
        or 0x3000 <= cp <= 0x303F  # CJK symbols and punctuation
        or 0x3040 <= cp <= 0x31FF  # kana, bopomofo, CJK strokes
        or 0x3200 <= cp <= 0x33FF  # enclosed CJK, CJK compatibility
        or 0x3400 <= cp <= 0x4DBF  # CJK extension A
        or 0x4E00 <= cp <= 0x9FFF  # CJK unified ideographs
        or 0xF900 <= cp <= 0xFAFF  # CJK compatibility ideographs
        or 0xFE10 <= cp <= 0xFE1F  # vertical forms
        or 0xFE30 <= cp <= 0xFE4F  # CJK compatibility forms
        or 0xFF00 <= cp <= 0xFFEF  # half-width and full-width forms
        or 0x20000 <= cp <= 0x3134F  # extensions B..G
    )


def gb2312_cells(first_byte: int, last_byte: int) -> set[str]:
    """Characters of GB2312 rows `first_byte`..`last_byte` (undefined cells skipped)."""
    chars = set()
    for hi in range(first_byte, last_byte + 1):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def gb2312_level1() -> set[str]:
    """The 3,755 characters of GB2312 level 1 (0xB0A1..0xD7F9)."""
    chars = gb2312_cells(0xB0, 0xD7)
    assert len(chars) == 3755, len(chars)
    return chars


def base_charset() -> set[str]:
    """GB2312 level 1 + Chinese punctuation, full-width forms, pinyin and ASCII."""
    chars = gb2312_level1()
    chars |= gb2312_cells(0xA1, 0xA1)  # row 1: punctuation and symbols
    chars |= gb2312_cells(0xA3, 0xA3)  # row 3: full-width ASCII
    chars |= gb2312_cells(0xA8, 0xA8)  # row 8: pinyin letters and bopomofo
    chars |= {chr(cp) for cp in range(0x3000, 0x3040)}  # CJK symbols and punctuation
    chars |= {chr(cp) for cp in range(0xFF01, 0xFF5F)}  # full-width forms
    chars |= set(EXTRA_PUNCTUATION)
    chars |= {chr(cp) for cp in range(0x20, 0x7F)}  # printable ASCII
    return chars


def _notebook_text(path: Path) -> str:
    """The cell sources of a notebook, joined (empty if it is not valid JSON)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return ""
    parts = []
    for cell in nb.get("cells", []):
        src = cell.get("source", "")
        parts.append("".join(src) if isinstance(src, list) else str(src))
    return "\n".join(parts)


def _read_text(path: Path) -> str:
    """A UTF-8 text file, or '' for binary / unreadable files."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _json_strings(text: str) -> str:
    """All strings inside a JSON document (so \\uXXXX escapes are decoded too)."""
    try:
        doc = json.loads(text)
    except ValueError:
        return ""
    out: list[str] = []
    stack = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return "\n".join(out)


def course_text_files(repo: Path = REPO) -> list[Path]:
    """Files whose CJK characters the font must cover (those that exist now)."""
    files: list[Path] = []
    data = repo / "data"
    if data.is_dir():
        files += [
            p
            for p in data.rglob("*")
            if p.is_file() and p.suffix.lower() not in {".otf", ".ttf", ".ttc", ".npz", ".npy"}
        ]
    notebooks = repo / "notebooks"
    if notebooks.is_dir():
        files += [p for p in notebooks.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts]
    helpers = repo / "helpers"
    if helpers.is_dir():
        files += list(helpers.rglob("*.py"))
    return sorted(files)


def course_cjk_chars(repo: Path = REPO, seeds: list[Path] | None = None) -> set[str]:
    """Every CJK character in data/, notebooks/*.ipynb, helpers/*.py and the seed article."""
    chars: set[str] = set()
    for path in course_text_files(repo):
        if path.suffix == ".ipynb":
            text = _notebook_text(path)
        else:
            text = _read_text(path)
            if path.suffix == ".json":
                text += _json_strings(text)
        chars |= {ch for ch in text if is_cjk(ch)}
    for seed in SEED_ARTICLES if seeds is None else seeds:
        if seed.is_file():
            chars |= {ch for ch in _read_text(seed) if is_cjk(ch)}
    return chars

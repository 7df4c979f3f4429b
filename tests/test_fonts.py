"""Tests for the bundled Chinese font (data/fonts/) and helpers/fonts.py.

The machine running these tests may have a system CJK font (this one has Debian's
fonts-noto-cjk; CI does not). So "no warning" is not enough: the tests check that the
bundled *file* is the one matplotlib resolves and that its pixels are what gets drawn.
"""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from helpers import fonts
from helpers.fonts import FONT_FAMILY, FONT_PATH, font_family_list, register_font

REPO = Path(__file__).resolve().parent.parent
BUILD_SCRIPT = REPO / "scripts" / "build_font.py"
SOURCE_TTC = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
MAX_BYTES = 2 * 1024 * 1024
REBUILD_HINT = "请运行 `python scripts/build_font.py` 重新生成字体 (rerun scripts/build_font.py)"


# --------------------------------------------------------------------------- helpers


def _is_cjk(ch: str) -> bool:
    """CJK ideographs, radicals, kana, bopomofo, CJK punctuation and full-width forms."""
    cp = ord(ch)
    return (
        0x2E80 <= cp <= 0x2FDF
        or 0x3000 <= cp <= 0x33FF
        or 0x3400 <= cp <= 0x4DBF
        or 0x4E00 <= cp <= 0x9FFF
        or 0xF900 <= cp <= 0xFAFF
        or 0xFE10 <= cp <= 0xFE1F
        or 0xFE30 <= cp <= 0xFE4F
        or 0xFF00 <= cp <= 0xFFEF
        or 0x20000 <= cp <= 0x3134F
    )


def _strings_in(obj) -> list[str]:
    """Every string (keys and values) inside a parsed JSON document."""
    out, stack = [], [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out


def _text_of(path: Path) -> str:
    """Readable text of a course file: notebook cell sources, JSON strings, or UTF-8."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""  # binary files (.npz, fonts, images)
    if path.suffix == ".ipynb":
        try:
            cells = json.loads(raw).get("cells", [])
        except ValueError:
            return raw
        return "\n".join(
            "".join(c.get("source", "")) if isinstance(c.get("source"), list)
            else str(c.get("source", ""))
            for c in cells
        )
    if path.suffix == ".json":
        try:
            return raw + "\n".join(_strings_in(json.loads(raw)))
        except ValueError:
            return raw
    return raw


def _course_files(*dirs: str) -> list[Path]:
    """Text files under the given top-level folders, as they exist at test time."""
    files = []
    for name in dirs:
        root = REPO / name
        if not root.is_dir():
            continue
        if name == "notebooks":
            found = root.rglob("*.ipynb")
        elif name == "helpers":
            found = root.rglob("*.py")
        else:
            found = (p for p in root.rglob("*") if p.is_file())
        files += [p for p in found if ".ipynb_checkpoints" not in p.parts]
    return sorted(files)


def _cjk_chars_in(*dirs: str) -> dict[str, list[str]]:
    """CJK character -> the files (relative paths) it appears in."""
    where: dict[str, list[str]] = {}
    for path in _course_files(*dirs):
        for ch in sorted({c for c in _text_of(path) if _is_cjk(c)}):
            where.setdefault(ch, []).append(str(path.relative_to(REPO)))
    return where


def _gb2312_level1() -> set[str]:
    chars = set()
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


@pytest.fixture(scope="module")
def ttfont() -> TTFont:
    return TTFont(str(FONT_PATH))


@pytest.fixture(scope="module")
def cmap(ttfont) -> dict[int, str]:
    return ttfont.getBestCmap()


def _ink(text: str, **font_kwargs) -> np.ndarray:
    """Darkness (0..255) of `text` drawn alone at 64 pt, cropped to its ink."""
    fig = Figure(figsize=(1.6, 1.6), dpi=100)
    FigureCanvasAgg(fig)
    fig.text(0.5, 0.5, text, fontsize=64, ha="center", va="center", **font_kwargs)
    fig.canvas.draw()
    rgb = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)
    ink = 255 - rgb.min(axis=2)
    ys, xs = np.nonzero(ink)
    assert ys.size, f"nothing was drawn for {text!r}"
    return ink[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


# --------------------------------------------------------------- (a) file and names


def test_font_file_exists_and_is_small():
    assert FONT_PATH.is_file(), f"missing {FONT_PATH}; {REBUILD_HINT}"
    size = FONT_PATH.stat().st_size
    assert 200_000 < size <= MAX_BYTES, f"font is {size} bytes, limit {MAX_BYTES}"


def test_font_is_renamed_and_keeps_copyright_and_licence(ttfont):
    name = ttfont["name"]
    family_records = {
        nid: name.getDebugName(nid) for nid in (1, 4, 6, 16) if name.getDebugName(nid)
    }
    assert family_records[1] == FONT_FAMILY
    assert name.getDebugName(16) in (None, FONT_FAMILY)
    assert family_records[6] == "MaoChiYuSansSC-Regular"
    for nid, text in family_records.items():
        assert "noto" not in text.lower() and "source" not in text.lower(), (nid, text)
    # the CFF table carries its own copy of the names
    cff = ttfont["CFF "].cff
    top = cff.topDictIndex[0]
    for text in [cff.fontNames[0], top.FamilyName, top.FullName] + [
        fd.FontName for fd in getattr(top, "FDArray", [])
    ]:
        assert "Noto" not in text and "Source" not in text, text
    # OFL: copyright and licence records kept, and the subset is acknowledged
    assert "Adobe" in name.getDebugName(0)
    assert "Open Font License" in name.getDebugName(13)
    assert "OFL" in name.getDebugName(14)
    assert "subset of Noto Sans CJK SC" in (name.getDebugName(5) or "")


def test_matplotlib_reads_the_family_name():
    ft = matplotlib.ft2font.FT2Font(str(FONT_PATH))
    assert ft.family_name == FONT_FAMILY
    assert font_manager.ttfFontProperty(ft).name == FONT_FAMILY


def test_ofl_text_is_shipped():
    ofl = FONT_PATH.parent / "OFL.txt"
    assert ofl.is_file(), f"missing {ofl}; {REBUILD_HINT}"
    text = ofl.read_text(encoding="utf-8")
    assert text.startswith(
        "Copyright 2014-2021 Adobe (http://www.adobe.com/), "
        "with Reserved Font Name 'Source'."
    )
    assert "SIL OPEN FONT LICENSE Version 1.1 - 26 February 2007" in text
    assert "Reserved Font Name" in text and "DISCLAIMER" in text
    assert (FONT_PATH.parent / "README.md").is_file()


# ---------------------------------------------------------------------- (b) coverage


def test_covers_gb2312_level1(cmap):
    level1 = _gb2312_level1()
    assert len(level1) == 3755
    missing = sorted(ch for ch in level1 if ord(ch) not in cmap)
    assert not missing, f"{len(missing)} GB2312 level-1 characters missing: {''.join(missing[:80])}"


def test_covers_chinese_punctuation_and_fullwidth_forms(cmap):
    wanted = (
        [chr(cp) for cp in range(0x3000, 0x3040)]
        + [chr(cp) for cp in range(0xFF01, 0xFF5F)]
        + list("“”‘’…—·《》【】「」『』〈〉、。，：；！？（）～")
    )
    missing = [ch for ch in wanted if ord(ch) not in cmap]
    assert not missing, f"punctuation missing: {missing}"


# ------------------------------------------------------- (c) every course character


def test_covers_every_cjk_character_of_the_course(cmap):
    where = _cjk_chars_in("data", "notebooks", "helpers")
    missing = {ch: files for ch, files in where.items() if ord(ch) not in cmap}
    if missing:
        lines = [f"  {ch} U+{ord(ch):04X}  in {', '.join(files[:3])}" for ch, files in missing.items()]
        pytest.fail(
            f"字体缺少 {len(missing)} 个课程中用到的字符 / the bundled font lacks "
            f"{len(missing)} characters used in the course: {''.join(missing)}\n"
            + "\n".join(lines)
            + f"\n{REBUILD_HINT}, then commit data/fonts/."
        )


# ------------------------------------------------- (d) matplotlib draws with the file


def test_findfont_resolves_the_family_to_the_bundled_file():
    assert register_font() == FONT_FAMILY
    found = font_manager.findfont(FontProperties(family=FONT_FAMILY), fallback_to_default=False)
    assert Path(found).resolve() == FONT_PATH.resolve()
    # the fallback chain for the course's list is exactly DejaVu Sans -> bundled file
    chain = font_manager.fontManager._find_fonts_by_props(
        FontProperties(family=font_family_list()), fallback_to_default=False
    )
    assert [Path(p).name for p in chain] == ["DejaVuSans.ttf", FONT_PATH.name]
    assert Path(chain[1]).resolve() == FONT_PATH.resolve()


def test_course_characters_render_without_missing_glyphs(caplog):
    chars = set(_cjk_chars_in("data", "notebooks", "helpers")) | set("猫吃鱼")
    text = "".join(sorted(chars))
    lines = "\n".join(text[i : i + 40] for i in range(0, len(text), 40))
    caplog.set_level(logging.WARNING, logger="matplotlib.font_manager")
    with warnings.catch_warnings(record=True) as caught, fonts.cjk_rc():
        warnings.simplefilter("always")
        assert matplotlib.rcParams["font.family"] == ["DejaVu Sans", FONT_FAMILY]
        fig = Figure(figsize=(8, 2 + 0.3 * lines.count("\n")), dpi=50)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.set_title("猫吃鱼：注意力权重 attention")
        ax.set_xlabel(lines)
        ax.set_xticks([0, 1, 2], ["猫", "吃", "鱼"])
        ax.set_yticks([0, 1, 2], ["动物", "食物", "动作"])
        fig.canvas.draw()
    messages = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]
    bad = [m for m in messages if "missing" in m.lower() or "findfont" in m.lower()]
    assert not bad, bad[:5]


@pytest.mark.parametrize("route", ["rc_context", "fontfamily"])
def test_pixels_come_from_the_bundled_file(route):
    reference = _ink("猫", fontproperties=FontProperties(fname=str(FONT_PATH)))
    if route == "rc_context":
        with fonts.cjk_rc():
            drawn = _ink("猫")
    else:
        drawn = _ink("猫", fontfamily=font_family_list())
    assert (reference > 128).sum() > 300, "猫 should leave real ink, not a hairline"
    assert drawn.shape == reference.shape and np.array_equal(drawn, reference)
    # and a glyph is not a tofu box: U+9FD0 is outside the subset, so it draws .notdef
    with pytest.warns(UserWarning, match="missing from font"):
        tofu = _ink("\u9fd0", fontproperties=FontProperties(fname=str(FONT_PATH)))
    assert drawn.shape != tofu.shape or not np.array_equal(drawn, tofu)
    assert not np.array_equal(_ink("鱼", fontfamily=font_family_list()), drawn)


def test_apply_cjk_font_sets_the_family_on_a_figure_drawn_later(recwarn):
    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_title("猫吃鱼")
    ax.set_xticks([0, 1, 2], ["猫", "吃", "鱼"])
    assert fonts.apply_cjk_font(fig) is fig
    fig.canvas.draw()  # outside any rc context, as Jupyter's inline backend does
    assert ax.title.get_fontfamily() == font_family_list()
    assert not [w for w in recwarn if "missing" in str(w.message)]


# ------------------------------------------------------ (e) registration is harmless


def test_register_twice_is_harmless_and_leaves_rcparams_alone():
    before = dict(matplotlib.rcParams)
    register_font.cache_clear()
    n_before = sum(Path(f.fname) == FONT_PATH for f in font_manager.fontManager.ttflist)
    assert register_font() == FONT_FAMILY
    assert register_font() == FONT_FAMILY
    n_after = sum(Path(f.fname) == FONT_PATH for f in font_manager.fontManager.ttflist)
    assert n_after <= n_before + 1
    assert font_family_list() == ["DejaVu Sans", FONT_FAMILY]
    with fonts.cjk_rc():
        pass
    assert dict(matplotlib.rcParams) == before


def test_missing_file_gives_a_clear_error(monkeypatch, tmp_path):
    missing = tmp_path / "nope.otf"
    monkeypatch.setattr(fonts, "FONT_PATH", missing)
    register_font.cache_clear()
    try:
        with pytest.raises(FileNotFoundError) as info:
            register_font()
    finally:
        register_font.cache_clear()
    message = str(info.value)
    assert str(missing) in message and "scripts/build_font.py" in message
    assert "找不到" in message


# -------------------------------------------------------------- (f) reproducibility


@pytest.mark.skipif(
    not SOURCE_TTC.is_file(),
    reason=f"source font {SOURCE_TTC} not installed (apt-get install fonts-noto-cjk)",
)
def test_build_is_reproducible(tmp_path):
    out = tmp_path / "rebuilt.otf"
    result = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--output", str(out), "--no-ofl"],
        capture_output=True, text=True, cwd=REPO, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert f"sha256  {hashlib.sha256(out.read_bytes()).hexdigest()}" in result.stdout
    rebuilt = hashlib.sha256(out.read_bytes()).hexdigest()
    committed = hashlib.sha256(FONT_PATH.read_bytes()).hexdigest()
    if rebuilt != committed:
        new = set(TTFont(str(out)).getBestCmap())
        old = set(TTFont(str(FONT_PATH)).getBestCmap())
        pytest.fail(
            f"rebuilding gives sha256 {rebuilt}, the committed file has {committed}.\n"
            f"only in the rebuild: {''.join(chr(c) for c in sorted(new - old))}\n"
            f"only in the committed file: {''.join(chr(c) for c in sorted(old - new))}\n"
            f"{REBUILD_HINT}, then commit data/fonts/."
        )

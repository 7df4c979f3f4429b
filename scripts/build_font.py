#!/usr/bin/env python
"""Build the bundled Chinese font ``data/fonts/MaoChiYuSansSC-Regular.otf``.

构建课程自带的中文字体（Noto Sans CJK SC 的子集，已按 SIL OFL 1.1 改名）。
Build the course's bundled CJK font: a renamed subset of Noto Sans CJK SC.

Why: matplotlib draws empty boxes for Chinese on machines (and Binder images) without a
CJK font, so the course ships its own small font; ``helpers/fonts.py`` registers it.

Input : Debian's ``fonts-noto-cjk`` collection
        ``/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc``; the Simplified
        Chinese face is chosen by its name table (family "Noto Sans CJK SC").
Output: ``data/fonts/MaoChiYuSansSC-Regular.otf`` (OpenType/CFF, about 1.5 MB) and
        ``data/fonts/OFL.txt`` (the licence text).

Coverage (the union, sorted, so the output depends only on the set):
  * all 3,755 characters of GB2312 level 1 (bytes 0xB0A1..0xD7F9, via Python's codec);
  * GB2312 rows 1, 3 and 8 (punctuation and symbols, full-width ASCII, pinyin);
  * CJK punctuation U+3000..U+303F, full-width forms U+FF01..U+FF5E, “”‘’…—·《》【】 ...;
  * printable ASCII, so the font also works on its own;
  * every CJK character found in the text files under data/, notebooks/ (*.ipynb cell
    sources), helpers/ (*.py) and the seed article, if they exist.

Deterministic: the same source font and the same character set give a byte-identical
file (head.created/modified are copied from the source font, no other timestamps).

Code: ``tools/font_charset.py`` (which characters) and ``tools/fontbuild.py`` (subset, rename,
licence text); this script only reads the arguments and prints what it wrote.

Usage::

    python scripts/build_font.py                 # writes data/fonts/...
    python scripts/build_font.py --output /tmp/x.otf --source /path/NotoSansCJK-Regular.ttc
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools.font_charset import base_charset, course_cjk_chars
from tools.fontbuild import build, sha256, write_ofl

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DEFAULT_OUTPUT = REPO / "data" / "fonts" / "MaoChiYuSansSC-Regular.otf"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help=f"Noto Sans CJK collection (default: {DEFAULT_SOURCE})")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"font file to write (default: {DEFAULT_OUTPUT})")
    parser.add_argument("--no-ofl", action="store_true",
                        help="do not write OFL.txt next to the font")
    args = parser.parse_args(argv)

    if not args.source.is_file():
        print(
            f"找不到源字体（source font not found）：{args.source}\n"
            "请安装 Debian/Ubuntu 的 fonts-noto-cjk（apt-get install fonts-noto-cjk），"
            "或用 --source 指定 NotoSansCJK-Regular.ttc。",
            file=sys.stderr,
        )
        return 1

    course = course_cjk_chars()
    chars = base_charset() | course
    font = build(args.source, args.output, chars)
    if not args.no_ofl:
        write_ofl(args.output.parent / "OFL.txt")

    extra = sorted(course - base_charset())
    print(f"wrote   {args.output}")
    print(f"size    {args.output.stat().st_size} bytes")
    print(f"glyphs  {len(font.getGlyphOrder())}")
    print(f"chars   {len(font.getBestCmap())} mapped "
          f"({len(course)} CJK characters in the course text, "
          f"{len(extra)} beyond GB2312 level 1 + punctuation: {''.join(extra)})")
    print(f"sha256  {sha256(args.output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Subset, rename and save the bundled CJK font (a renamed subset of Noto Sans CJK SC, SIL OFL 1.1).

Used by ``scripts/build_font.py`` (which documents the whole build; the character set is in
``tools.font_charset``). Deterministic: the same source font and character set give a byte-identical file.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

SOURCE_FAMILY = "Noto Sans CJK SC"

FAMILY = "MaoChiYu Sans SC"
STYLE = "Regular"
FULL_NAME = f"{FAMILY} {STYLE}"
PS_NAME = "MaoChiYuSansSC-Regular"

# Name records kept from the source: copyright (0), names (1-6, rewritten below),
# manufacturer (8), designer (9), URLs (11, 12), licence (13, 14).  The trademark
# record (7, "Noto is a trademark ...") is dropped because the font is renamed.
KEPT_NAME_IDS = [0, 1, 2, 3, 4, 5, 6, 8, 9, 11, 12, 13, 14]

OFL_COPYRIGHT = (
    "Copyright 2014-2021 Adobe (http://www.adobe.com/), "
    "with Reserved Font Name 'Source'."
)


def load_sc_face(source: Path) -> TTFont:
    """Open the Simplified Chinese face of the collection, found by its name table."""
    if source.suffix.lower() in {".ttc", ".otc"}:
        collection = TTCollection(str(source), lazy=False)
        for font in collection.fonts:
            name = font["name"]
            family = name.getDebugName(16) or name.getDebugName(1)
            if family == SOURCE_FAMILY:
                return font
        found = [f["name"].getDebugName(1) for f in collection.fonts]
        raise SystemExit(f"{source}: no face named {SOURCE_FAMILY!r}; faces: {found}")
    font = TTFont(str(source), lazy=False)
    family = font["name"].getDebugName(16) or font["name"].getDebugName(1)
    if family != SOURCE_FAMILY:
        raise SystemExit(f"{source}: family is {family!r}, expected {SOURCE_FAMILY!r}")
    return font


def rename(font: TTFont, source_version: str) -> None:
    """Give the subset its own name (the OFL reserves 'Source'; 'Noto' is a trademark)."""
    name = font["name"]
    version = source_version.split(";")[0].strip()  # "Version 2.004"
    number = version.replace("Version", "").strip()
    records = {
        1: FAMILY,
        2: STYLE,
        3: f"{number};MCY;{PS_NAME};subset",
        4: FULL_NAME,
        5: f"{version}; subset of Noto Sans CJK SC {number}",
        6: PS_NAME,
        10: (
            f"Subset of Noto Sans CJK SC {number} (GB2312 level 1, CJK punctuation and "
            "the characters of the maochiyu self-attention course), renamed as the "
            "SIL Open Font License 1.1 requires. Built by scripts/build_font.py."
        ),
        16: FAMILY,
        17: STYLE,
    }
    for name_id in (1, 2, 3, 4, 5, 6, 10, 16, 17):
        name.removeNames(nameID=name_id)
    for name_id, text in records.items():
        name.setName(text, name_id, 3, 1, 0x409)  # Windows, Unicode BMP, en-US
    name.names.sort()

    cff = font["CFF "].cff
    old_ps = cff.fontNames[0]
    cff.fontNames[0] = PS_NAME
    top = cff.topDictIndex[0]
    top.FullName = FULL_NAME
    top.FamilyName = FAMILY
    for fd in getattr(top, "FDArray", []):
        if getattr(fd, "FontName", "").startswith(old_ps):
            fd.FontName = PS_NAME + fd.FontName[len(old_ps):]


def build(source: Path, output: Path, chars: set[str]) -> TTFont:
    """Subset `source` to `chars`, rename it and save it to `output`."""
    font = load_sc_face(source)
    source_version = font["name"].getDebugName(5) or "Version 0"
    head = font["head"]
    created, modified = head.created, head.modified

    cmap = font.getBestCmap()
    wanted = sorted(ord(ch) for ch in chars)
    missing = [cp for cp in wanted if cp not in cmap]
    if missing:
        print(
            f"warning: {len(missing)} characters are not in the source font: "
            + "".join(chr(cp) for cp in missing[:40]),
            file=sys.stderr,
        )

    options = subset.Options()
    options.name_IDs = KEPT_NAME_IDS
    options.name_languages = [0x409]
    options.name_legacy = False  # Windows (platform 3) records only
    options.notdef_outline = True  # .notdef draws a visible box
    options.hinting = True
    options.desubroutinize = False  # subroutines keep the CFF small
    # Only the features matplotlib or a horizontal/vertical CJK line might use;
    # 'locl' would pull in the Japanese/Korean/Traditional glyph variants.
    options.layout_features = ["kern", "palt", "halt", "vert", "vrt2", "vkrn", "vpal", "vhal"]
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=[cp for cp in wanted if cp in cmap])
    subsetter.subset(font)

    rename(font, source_version)
    head.created, head.modified = created, modified  # fixed: copied from the source
    font.recalcTimestamp = False

    output.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(output), reorderTables=True)
    return font


def write_ofl(path: Path) -> None:
    """Write the SIL OFL 1.1 text with the Noto CJK copyright line."""
    path.write_text(OFL_COPYRIGHT + "\n\n" + OFL_BODY, encoding="utf-8")


OFL_BODY = """\
This Font Software is licensed under the SIL Open Font License, Version 1.1.
This license is copied below, and is also available with a FAQ at:
https://openfontlicense.org


-----------------------------------------------------------
SIL OPEN FONT LICENSE Version 1.1 - 26 February 2007
-----------------------------------------------------------

PREAMBLE
The goals of the Open Font License (OFL) are to stimulate worldwide
development of collaborative font projects, to support the font creation
efforts of academic and linguistic communities, and to provide a free and
open framework in which fonts may be shared and improved in partnership
with others.

The OFL allows the licensed fonts to be used, studied, modified and
redistributed freely as long as they are not sold by themselves. The
fonts, including any derivative works, can be bundled, embedded,
redistributed and/or sold with any software provided that any reserved
names are not used by derivative works. The fonts and derivatives,
however, cannot be released under any other type of license. The
requirement for fonts to remain under this license does not apply
to any document created using the fonts or their derivatives.

DEFINITIONS
"Font Software" refers to the set of files released by the Copyright
Holder(s) under this license and clearly marked as such. This may
include source files, build scripts and documentation.

"Reserved Font Name" refers to any names specified as such after the
copyright statement(s).

"Original Version" refers to the collection of Font Software components as
distributed by the Copyright Holder(s).

"Modified Version" refers to any derivative made by adding to, deleting,
or substituting -- in part or in whole -- any of the components of the
Original Version, by changing formats or by porting the Font Software to a
new environment.

"Author" refers to any designer, engineer, programmer, technical
writer or other person who contributed to the Font Software.

PERMISSION & CONDITIONS
Permission is hereby granted, free of charge, to any person obtaining
a copy of the Font Software, to use, study, copy, merge, embed, modify,
redistribute, and sell modified and unmodified copies of the Font
Software, subject to the following conditions:

1) Neither the Font Software nor any of its individual components,
in Original or Modified Versions, may be sold by itself.

2) Original or Modified Versions of the Font Software may be bundled,
redistributed and/or sold with any software, provided that each copy
contains the above copyright notice and this license. These can be
included either as stand-alone text files, human-readable headers or
in the appropriate machine-readable metadata fields within text or
binary files as long as those fields can be easily viewed by the user.

3) No Modified Version of the Font Software may use the Reserved Font
Name(s) unless explicit written permission is granted by the corresponding
Copyright Holder. This restriction only applies to the primary font name as
presented to the users.

4) The name(s) of the Copyright Holder(s) or the Author(s) of the Font
Software shall not be used to promote, endorse or advertise any
Modified Version, except to acknowledge the contribution(s) of the
Copyright Holder(s) and the Author(s) or with their explicit written
permission.

5) The Font Software, modified or unmodified, in part or in whole,
must be distributed entirely under this license, and must not be
distributed under any other license. The requirement for fonts to
remain under this license does not apply to any document created
using the Font Software.

TERMINATION
This license becomes null and void if any of the above conditions are
not met.

DISCLAIMER
THE FONT SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND,
EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO ANY WARRANTIES OF
MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT
OF COPYRIGHT, PATENT, TRADEMARK, OR OTHER RIGHT. IN NO EVENT SHALL THE
COPYRIGHT HOLDER BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY,
INCLUDING ANY GENERAL, SPECIAL, INDIRECT, INCIDENTAL, OR CONSEQUENTIAL
DAMAGES, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
FROM, OUT OF THE USE OR INABILITY TO USE THE FONT SOFTWARE OR FROM
OTHER DEALINGS IN THE FONT SOFTWARE.
"""


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()

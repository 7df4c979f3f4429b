"""Rewrite the syllabus table in README.md from helpers.syllabus (run after adding a notebook).

Run:  python scripts/sync_syllabus.py
"""

import re
from pathlib import Path

from helpers.syllabus import syllabus_markdown

ROOT = Path(__file__).resolve().parent.parent

START, END = "<!-- syllabus:start -->", "<!-- syllabus:end -->"


def render(readme: str) -> str:
    """README text with the table between the markers replaced."""
    block = f"{START}\n{syllabus_markdown(links='notebooks/', status=True)}\n{END}"
    new, count = re.subn(re.escape(START) + r".*?" + re.escape(END), block, readme, flags=re.S)
    if count != 1:
        raise SystemExit(f"README.md must contain exactly one {START} … {END} block")
    return new


def main() -> None:
    path = ROOT / "README.md"
    path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {path}")


if __name__ == "__main__":
    main()

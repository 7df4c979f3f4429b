"""The path without make (README "没有 make？"): what the reader types is what CI runs."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _text_blocks() -> list[str]:
    return [b.strip() for b in re.findall(r"```text\n(.*?)```", README, flags=re.S)]


def test_readme_gives_the_plain_python_and_the_conda_paths():
    blocks = _text_blocks()
    assert blocks[0] == "python scripts/setup_course.py --lab"
    assert blocks[1].splitlines() == ["conda env create -f environment.yml", "conda activate maochiyu",
                                      "python scripts/setup_course.py --here --lab"]
    assert "name: maochiyu" in (ROOT / "environment.yml").read_text(encoding="utf-8")


def test_ci_sets_up_with_the_readme_path_before_make_test():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    setup, test = ci.index("python3 scripts/setup_course.py\n"), ci.index("make test")
    assert setup < test


def test_setup_refuses_old_python_with_a_clear_message():
    code = ("import sys, runpy; sys.version_info = (3, 10, 0, 'final', 0); sys.argv = ['x', '--dry-run']; "
            f"runpy.run_path({str(ROOT / 'scripts/setup_course.py')!r}, run_name='__main__')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 1
    assert "需要 Python 3.11 或更新版本" in r.stderr


"""README.md: the two commands, the Binder badge, and a syllabus table that tells the truth."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_two_commands_and_binder_badge():
    blocks = re.findall(r"```bash\n(.*?)```", README, flags=re.S)
    assert [b.strip() for b in blocks] == ["make lab", "make test"]
    assert "?urlpath=lab/tree/notebooks/00_course_intro.ipynb" in README
    assert (ROOT / "notebooks" / "00_course_intro.ipynb").exists()


def test_syllabus_table_matches_helpers_and_files():
    import importlib.util

    spec = importlib.util.spec_from_file_location("sync_syllabus", ROOT / "scripts" / "sync_syllabus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.render(README) == README, "README 的大纲过期了：运行 python scripts/sync_syllabus.py"
    from helpers.syllabus import SYLLABUS

    for lesson in SYLLABUS:
        linked = f"(notebooks/{lesson.file})" in README
        assert linked == (ROOT / "notebooks" / lesson.file).exists(), lesson.file


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
    mk = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^lab: .*\n\t.*jupyter lab .*notebooks/00_course_intro\.ipynb", mk, flags=re.M)
    assert re.search(r"^test: ", mk, flags=re.M)


def test_every_data_file_is_documented():
    doc = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for path in sorted((ROOT / "data").rglob("*")):
        if path.is_file() and path.name != "README.md" and "fonts" not in path.parts:
            assert path.name in doc, f"data/README.md does not mention {path.name}"
    assert "fonts/" in doc

"""Mutation testing for one helpers module at a time — a maintainer's command, not part of CI.

    python scripts/mutation.py helpers/attention.py helpers/text.py     (or: make mutation)
    python scripts/mutation.py helpers/attention.py --list               (show the mutants, run nothing)
    python scripts/mutation.py helpers/attention.py --only "softmax |"   (re-run some mutants)
    python scripts/mutation.py helpers/exercises/_core.py --tests tests/test_exercises_core.py

Each mutant is one small change to the module's syntax tree (an operator swapped, a number
changed, a ``raise`` deleted, a call replaced by its argument …). The module is copied into a
temporary sandbox, the mutated version is written there, and the module's own test files run
against it with ``pytest -x -q -p no:cacheprovider`` under a timeout. A mutant is *killed* when the
tests fail (or time out), *survives* when they pass. Survivors that cannot be killed because the
change does not alter behaviour are listed, with the reason, in tests/mutation_equivalents.md;
the score is killed / (mutants − equivalents) and the command exits 1 when a survivor is not
explained there. Deterministic: the same source gives the same mutants in the same order, and
Hypothesis runs derandomized, without its example database, deadlines or shrinking (a mutant only
needs one failing example, not the smallest).

What is not mutated: docstrings, imports, type annotations, ``__all__``, string constants and
f-string messages (their wording is asserted by the bad-input tests), and any line carrying
``# pragma: no mutate``.

To point it at another module, add it to MODULE_TESTS below (module → its test files), or pass
``--tests`` (after the module). Only the standard library, pytest (and Hypothesis, when the tests
use it) are needed: nothing is installed, so nothing is added to requirements.lock. A small AST
mutator was chosen over a mutation tool such as mutmut for that reason and because it is
deterministic and needs no change to the package layout. The mutator itself (which changes, in what
order, with which ids) is ``tools/mutation.py``; this command runs the mutants and scores them.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.mutation import Mutant, mutants, mutated_source  # noqa: F401 - Mutant re-exported with the mutator

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = ROOT / "tests" / "mutation_equivalents.md"

# module → the test files that exercise it (keep each selection small: it runs once per mutant).
MODULE_TESTS = {
    "helpers/attention.py": ["tests/test_attention.py"],
    "helpers/text.py": ["tests/test_text.py"],
    # For the lead, once these modules land (adjust the test files to the ones that cover them):
    "helpers/exercises/_core.py": ["tests/test_exercises_core.py"],
    "helpers/exercises/_compare.py": ["tests/test_exercises_core.py"],  # fmt, compare_arrays (split out of _core)
    "helpers/exercises/_inputs.py": ["tests/test_exercises_core.py"],  # the in-place check (split out of _core)
    "helpers/pretrained/model.py": ["tests/test_pretrained_model.py"],
}
DEFAULT_MODULES = ["helpers/attention.py", "helpers/text.py"]

PYTEST_ARGS = ["-x", "-q", "-p", "no:cacheprovider", "-p", "_mutation_plugin"]
PLUGIN = '''\
"""Loaded by scripts/mutation.py: deterministic Hypothesis, no example database, no deadline, no shrinking."""
try:
    from hypothesis import Phase, settings
except ImportError:  # the tests do not use Hypothesis
    pass
else:
    settings.register_profile("mutation", derandomize=True, database=None, deadline=None,
                              phases=[Phase.explicit, Phase.reuse, Phase.generate])
    settings.load_profile("mutation")


def pytest_collection_modifyitems(items):
    """Plain tests first, Hypothesis tests last: most mutants die in a fast test (-x stops there)."""
    items.sort(key=lambda item: hasattr(getattr(item, "obj", None), "hypothesis"))
'''

# ------------------------------------------------------------------ equivalents file


def read_equivalents(path: Path = EQUIVALENTS) -> dict[str, dict[str, str]]:
    """{module: {mutant id: reason}} from the tables under '## helpers/x.py' headings."""
    table: dict[str, dict[str, str]] = {}
    module = None
    if not path.exists():
        return table
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            module = line[3:].strip().strip("`")
            table.setdefault(module, {})
        m = re.match(r"\|\s*`([^`]+)`\s*\|(.*)\|\s*$", line)
        if m and module:
            table[module][m.group(1).replace("\\|", "|")] = m.group(2).strip()  # \| escapes | in a table
    return table


# ------------------------------------------------------------------ running


def make_sandbox(module: str) -> Path:
    """A temporary copy of the repository: the module's top folder copied, everything else linked."""
    box = Path(tempfile.mkdtemp(prefix="mutation-"))
    top = Path(module).parts[0]
    skip = {".git", ".venv", ".hypothesis", ".pytest_cache", "__pycache__", "site", "build"}
    for entry in ROOT.iterdir():
        if entry.name in skip:
            continue
        if entry.name == top:
            shutil.copytree(entry, box / top, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (box / entry.name).symlink_to(entry)
    (box / "_mutation_plugin.py").write_text(PLUGIN, encoding="utf-8")
    return box


def run_tests(box: Path, tests: list[str], timeout: float, extra: list[str]) -> tuple[str, float]:
    """'killed', 'survived' or 'timeout', and the seconds it took."""
    env = dict(os.environ, PYTHONPATH=str(box), PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
    cmd = [sys.executable, "-m", "pytest", *PYTEST_ARGS, *extra, *tests]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=box, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        rc = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the test run and anything it started
        proc.wait()
        return "timeout", time.monotonic() - start
    except BaseException:  # interrupted (Ctrl-C, SIGTERM): stop this test run too
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise
    if rc == 5:
        raise SystemExit(f"pytest collected no tests from {tests} {extra}")
    return ("survived" if rc == 0 else "killed"), time.monotonic() - start


def check_module_is_sandboxed(box: Path, module: str) -> None:
    dotted = module[:-3].replace("/", ".")
    env = dict(os.environ, PYTHONPATH=str(box), PYTHONDONTWRITEBYTECODE="1")
    out = subprocess.run([sys.executable, "-c", f"import {dotted} as m; print(m.__file__)"], cwd=box, env=env,
                         capture_output=True, text=True, timeout=120)
    if out.returncode or Path(out.stdout.strip()).resolve() != (box / module).resolve():
        raise SystemExit(f"{module} is not imported from the sandbox: {out.stdout.strip() or out.stderr[-500:]}")


def mutate_module(module: str, tests: list[str], args) -> dict:
    source = (ROOT / module).read_text(encoding="utf-8")
    found = mutants(source)
    chosen = [m for m in found if not args.only or any(s in m.id for s in args.only)]
    print(f"\n== {module}: {len(found)} mutants, tests: {' '.join(tests)}", flush=True)
    if args.list:
        for m in chosen:
            print(f"  L{m.line:<4} {m.id:<55} {m.show}")
        return {}
    box = make_sandbox(module)
    target = box / module
    try:
        check_module_is_sandboxed(box, module)
        status, baseline = run_tests(box, tests, timeout=600, extra=args.pytest_args)
        if status != "survived":
            raise SystemExit(f"the unmutated tests do not pass ({status}); fix them first")
        timeout = args.timeout or max(120.0, 5 * baseline)  # generous: a busy machine must not "kill" a mutant
        print(f"   baseline {baseline:.1f} s, timeout per mutant {timeout:.0f} s", flush=True)
        results = {}
        for m in chosen:
            target.write_text(mutated_source(source, m.index), encoding="utf-8")
            status, seconds = run_tests(box, tests, timeout, args.pytest_args)
            results[m.id] = status
            mark = {"killed": ".", "timeout": "T", "survived": "S"}[status]
            print(f"  {mark} L{m.line:<4} {m.id:<55} {seconds:5.1f}s  {m.show}", flush=True)
    finally:
        shutil.rmtree(box, ignore_errors=True)
    return report(module, chosen, results, read_equivalents().get(module, {}), full=not args.only)


def report(module, chosen, results, equivalents, full: bool) -> dict:
    survived = [m for m in chosen if results[m.id] == "survived"]
    equivalent = [m for m in survived if m.id in equivalents]
    unexplained = [m for m in survived if m.id not in equivalents]
    killed = len(chosen) - len(survived)
    stale = [i for i in equivalents if results.get(i, "survived") != "survived"]  # killed now
    unknown = [i for i in equivalents if i not in {m.id for m in chosen}]
    denominator = len(chosen) - len(equivalent)
    score = killed / denominator if denominator else 1.0
    print(f"-- {module}: {len(chosen)} mutants, {killed} killed "
          f"({sum(results[m.id] == 'timeout' for m in chosen)} by timeout), {len(survived)} survived, "
          f"{len(equivalent)} of them equivalent → score {killed}/{denominator} = {score:.1%} "
          f"(raw {killed / max(len(chosen), 1):.1%})")
    for m in unexplained:
        print(f"   SURVIVED, not explained: L{m.line} `{m.id}`  {m.show}")
    for i in stale:
        print(f"   listed as equivalent but killed (remove it from {EQUIVALENTS.name}): `{i}`")
    if full:
        for i in unknown:
            print(f"   listed as equivalent but no such mutant (the code changed?): `{i}`")
    return {"module": module, "mutants": len(chosen), "killed": killed, "equivalent": len(equivalent),
            "unexplained": len(unexplained), "score": score}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", default=DEFAULT_MODULES, help="module paths, e.g. helpers/text.py")
    parser.add_argument("--tests", nargs="+", help="test files to run (default: MODULE_TESTS, else tests/test_<name>.py)")
    parser.add_argument("--timeout", type=float, help="seconds per mutant (default: 5 × the unmutated run, at least 120)")
    parser.add_argument("--only", action="append", help="run only mutants whose id contains this text (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--pytest-args", nargs=argparse.REMAINDER, default=[], help="extra pytest arguments, e.g. -k softmax")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `kill PID` cleans the sandbox up like Ctrl-C
    summaries = []
    for module in args.modules:
        module = Path(module).as_posix()
        tests = args.tests or MODULE_TESTS.get(module) or [f"tests/test_{Path(module).stem}.py"]
        missing = [t for t in tests + [module] if not (ROOT / t).exists()]
        if missing:
            raise SystemExit(f"not found: {missing}; give the test files with --tests")
        summaries.append(mutate_module(module, tests, args))
    if args.list:
        return 0
    print("\nmodule                        mutants  killed  equivalent  score")
    for s in summaries:
        print(f"{s['module']:<30}{s['mutants']:>7}{s['killed']:>8}{s['equivalent']:>12}  {s['score']:.1%}")
    return 1 if any(s["unexplained"] for s in summaries) else 0


if __name__ == "__main__":
    sys.exit(main())

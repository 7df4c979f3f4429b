"""Maintainer tools shared by tests/, scripts/ and benchmarks/ (not part of the course readers import).

- ``tools.notebook_runner``: execute a notebook in a fresh kernel ("restart kernel and run all"), read its
  problems and its content;
- ``tools.lab`` and ``tools.lab_page``: JupyterLab on a loopback port and Debian's Chromium through
  Playwright, and the page helpers the browser tests and ``make bench`` use;
- ``tools.stress``: every notebook executed N times beside CPU and disk load (``make stress``);
- ``tools.font_charset`` and ``tools.fontbuild``: the bundled CJK font's character set and its build
  (``scripts/build_font.py``);
- ``tools.mutation``: the AST mutator behind ``scripts/mutation.py`` (``make mutation``).

Installed with the project (``pip install -e .``), so ``from tools import notebook_runner`` works from
tests, scripts and benchmarks without touching ``sys.path``.
"""

# 猫吃鱼 — two commands for readers (make lab, make test); the rest for maintainers.
# Everything lives in .venv; nothing is installed outside it.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# make test: 3 pytest-xdist workers (the Binder rehearsal, the browser tests and the static site start at once, the
# rest fills in; on 2 cores their kernels overlap the waits); each notebook runs once in the course venv (shared by
# the tests that read it), once in JupyterLab and once in the Binder venv (tests/conftest.py); --durations prints
# where the time went.
TEST_WORKERS ?= 3
STRESS_RUNS  ?= 3

.PHONY: lab test bench site data stress clean help

help:
	@echo "make lab    — 安装并打开课程 (set up and open JupyterLab on notebook 00)"
	@echo "make test   — 运行全部测试 (run the whole test suite)"
	@echo "make bench  — 速度与内存预算 (speed and memory budgets)"
	@echo "make site   — 生成静态网页版课程到 site/ (build the executed course as static HTML)"
	@echo "make data   — 重新生成 data/ (regenerate data files)"
	@echo "make stress — 在 CPU 与磁盘负载下重复运行每个笔记本 (every notebook N times under load; maintainers)"

# The stamp is newer than the lock file and pyproject when nothing changed: then nothing is reinstalled.
# scripts/setup_course.py is the one installer (readers without make run it directly; see README).
$(STAMP): requirements.lock pyproject.toml data/model_pin.json scripts/configure_lab.py scripts/setup_course.py
	$(PYTHON) scripts/setup_course.py --force

lab: $(STAMP)
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/00_course_intro.ipynb

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest -n $(TEST_WORKERS) --dist load --no-loadscope-reorder --durations=15

bench: $(STAMP)
	$(PY) -m benchmarks

stress: $(STAMP)
	$(PY) -m tools.stress --runs $(STRESS_RUNS)

site: $(STAMP)
	$(PY) scripts/build_site.py --out site

data: $(STAMP)
	$(PY) scripts/make_toy_vocab.py
	$(PY) scripts/make_role_corpus.py
	$(PY) scripts/precompute_attention.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis

# Maintainer's command, not part of make test or CI: mutation testing, one module at a time
# (scripts/mutation.py; survivors explained in tests/mutation_equivalents.md). Needs nothing beyond
# the test extras. Choose modules with MUTATE=..., e.g. make mutation MUTATE=helpers/text.py
MUTATE ?= helpers/attention.py helpers/text.py
.PHONY: mutation
mutation: $(STAMP)
	$(PY) scripts/mutation.py $(MUTATE)

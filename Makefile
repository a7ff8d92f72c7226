# Two commands: `make run` (demo at http://127.0.0.1:5000) and `make test` (whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
export EMENTORING_INSTANCE ?= $(CURDIR)/instance
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: run test setup setup-dev system-deps lint i18n lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# pip runs only when the dependencies or the pinned versions changed since the last install
$(VENV)/.installed: setup.cfg pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: setup.cfg pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@ $(VENV)/.installed

setup: $(VENV)/.installed

setup-dev: $(VENV)/.installed-dev

# one process: compile the translations, create or upgrade the database, add the demo, serve
run: setup
	$(BIN)/ementoring run --demo --host 127.0.0.1 --port $(PORT)

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
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: setup-dev
	$(BIN)/ruff check core plugins tests bench

i18n: setup-dev
	$(BIN)/python scripts/i18n.py core

# refresh the pinned versions (constraints.txt) from a fresh install of the newest allowed ones
lock:
	rm -rf $(VENV)-lock
	$(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/pip install --quiet --upgrade pip
	$(VENV)-lock/bin/pip install --quiet -e '.[dev]'
	{ echo "# Exact versions used by make run, make test and CI. Refresh with: make lock"; \
	  $(VENV)-lock/bin/pip freeze --exclude-editable | grep -v '^-e '; } > constraints.txt
	rm -rf $(VENV)-lock

clean:
	rm -rf $(VENV) .tools instance

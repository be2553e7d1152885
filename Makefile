# filmshelf: `make run` and `make test` are all a newcomer needs (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# What is installed, by whom: `make run` only what serving needs; `make test` and `make lint` add
# the test tools, `make bench` the benchmark tools. One stamp each; a change of the dependency
# pins (pyproject.toml, constraints.txt) changes every stamp's name, so each re-installs once.
PINS := $(shell cat pyproject.toml constraints.txt | sha1sum | cut -c1-12)
RUN_STAMP := $(VENV)/.run-$(PINS)
TEST_STAMP := $(VENV)/.test-$(PINS)
BENCH_STAMP := $(VENV)/.bench-$(PINS)
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt

.PHONY: help run test bench lint check install chromium a11y js-clients clean

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e .
	rm -f $(VENV)/.run-* && touch $@

$(TEST_STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e '.[test]'
	rm -f $(VENV)/.test-* $(VENV)/.run-* && touch $@ $(RUN_STAMP)

$(BENCH_STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e '.[bench]'
	rm -f $(VENV)/.bench-* $(VENV)/.run-* && touch $@ $(RUN_STAMP)

install: $(TEST_STAMP) $(BENCH_STAMP) ## Create .venv with everything: serving, tests, lint and benchmarks

run: $(RUN_STAMP) ## Serve on http://127.0.0.1:8000 with the demo user, app and sample catalog (installs only what serving needs)
	$(BIN)/filmshelf serve --demo --host $(HOST) --port $(PORT)

chromium: ## Install Debian's chromium for the browser tests when missing (needs root)
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium)); \
	  else echo "chromium missing: run 'sudo apt-get install chromium' (browser tests need it)"; fi; \
	fi

a11y: ## Install axe-core from npm for the browser tests' accessibility check (tests/web/a11y)
	@command -v npm >/dev/null || (apt-get install -y -qq npm >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq npm))
	@stamp=tests/web/a11y/node_modules/.installed-$$(sha1sum tests/web/a11y/package-lock.json | cut -c1-12); \
	if [ ! -f "$$stamp" ]; then (cd tests/web/a11y && npm ci --no-audit --no-fund --silent) && touch "$$stamp"; fi

js-clients: ## Install the pinned JavaScript clients the client tests drive (npm ci in tests/clients/js)
	@command -v npm >/dev/null || { echo "npm missing: the JavaScript client tests need Node.js 20+"; exit 0; }; \
	cd tests/clients/js && { [ node_modules/.package-lock.json -nt package-lock.json ] || \
	  npm ci --prefer-offline --no-audit --no-fund --loglevel=error; }

# The gates, in this order; the first that fails stops `make test` before any test runs, with its
# own message and the command that runs it alone. What mypy and lint-imports check is set in
# pyproject.toml ([tool.mypy]: strict over src, tests, examples and bench; [tool.importlinter]).
LINTED := src tests bench examples
gate = @printf '== gate: %s\n' '$(1)'; $(2) || { printf '\nmake: stopped at the %s gate (run it alone: %s)\n' '$(1)' '$(2)'; exit 1; }

test: $(TEST_STAMP) lint chromium a11y js-clients ## The gates (as make lint), then the whole test suite (SQLite, PostgreSQL, browser)
	$(BIN)/python -m pytest -n auto

lint: $(TEST_STAMP) ## The gates alone: ruff check, ruff format --check, mypy --strict, import-linter contracts
	$(call gate,ruff check,$(BIN)/ruff check $(LINTED))
	$(call gate,ruff format,$(BIN)/ruff format --check $(LINTED))
	$(call gate,mypy --strict,$(BIN)/mypy)
	$(call gate,import contracts,$(BIN)/lint-imports)

bench: $(BENCH_STAMP) ## Benchmarks (needs wrk; never part of make test)
	@command -v wrk >/dev/null || (apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk))
	$(BIN)/python bench/run.py

clean: ## Remove the virtualenv and local data
	rm -rf $(VENV) var

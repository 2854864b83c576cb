# Streamwise: `make demo` runs the demo site, `make test` runs the whole test suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ENV := DEBUG=1 STREAMWISE_H5P_ORIGIN=http://localhost:$(PORT) STREAMWISE_SITE_URL=http://$(HOST):$(PORT) WAGTAILADMIN_BASE_URL=http://$(HOST):$(PORT)

.PHONY: help install install-test demo serve serve-prod test test-fast fault load bench lint format check-deploy assets docs clean

help:
	@echo "make demo   install everything, load the demo school and curriculum, serve on http://$(HOST):$(PORT)"
	@echo "make test   install test dependencies (Chromium too) and run the whole suite"
	@echo "            (DATABASE_URL=postgres://... make test runs it on PostgreSQL)"
	@echo "make serve-prod  gunicorn + task workers + PostgreSQL on 127.0.0.1 (production settings)"
	@echo "make load   5-minute load run with faults against serve-prod-style serving (PostgreSQL);"
	@echo "            results in bench/results/ (LOAD_ARGS=\"--duration 120\" to change it)"
	@echo "make bench  Streamwise beside wagtail-lms in the shared harness (bench/results/peer-comparison.md)"
	@echo "make fault  the short fault run as a test (about 2 minutes, PostgreSQL)"
	@echo "make lint   ruff check + format check"
	@echo "make docs   build the documentation site into site/ (open site/index.html)"

$(PY):
	@test -n "$(PYTHON)" || { echo "No Python >= 3.12 found. Install one, or run: make PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(PY) pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed assets
	@scripts/ensure-weasyprint $(PY)
	@scripts/ensure-espeak

# Copies the pinned npm assets the site serves into the static folder (never edited by hand).
assets: node_modules/.installed
	@scripts/copy-assets

install-test: install
	@scripts/ensure-chromium

demo: install
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py createcachetable
	$(DEMO_ENV) $(PY) manage.py h5p_move_files
	$(DEMO_ENV) $(PY) manage.py seed_demo
	$(DEMO_ENV) $(PY) manage.py make_narration || echo "No narration audio (espeak-ng missing?): read-aloud uses the device's voice."
	@echo ""
	@echo "Serving Streamwise on http://$(HOST):$(PORT) (Ctrl-C stops the site and the task worker)."
	@echo "Emails are written to var/mailbox/."
	$(DEMO_ENV) scripts/run-demo $(PY) $(HOST) $(PORT)

serve: demo

# Production-style: gunicorn + task workers (restarted if they exit) + PostgreSQL (DATABASE_URL), on 127.0.0.1.
serve-prod: install
	scripts/serve-prod

test: install-test
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -m "not e2e and not fault" $(PYTEST_ARGS)

# The short fault run (left out of `make test`): serving under load, a web worker killed and
# the task worker restarted, then nothing lost. Needs PostgreSQL (DATABASE_URL's server).
fault: install
	$(BIN)/pytest -m fault tests/fault $(PYTEST_ARGS)

# The full load run: 300 pupils, 10 teachers, 2 DSLs for 5 minutes, with the faults.
load: install
	$(PY) -m bench.load.run $(LOAD_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-deploy: install
	SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=streamwise.example \
		$(PY) manage.py check --deploy --fail-level WARNING

# The documentation site (MkDocs Material), warnings treated as errors.
docs: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) node_modules var streamwise/static/vendor site

# Streamwise beside the nearest peer (wagtail-lms), alternated ROUNDS times, in the shared
# harness (PEER_BENCH, default ../shared/bench); writes bench/results/peer-comparison.md.
ROUNDS ?= 2
PEER_BENCH ?= $(abspath $(firstword $(wildcard ../shared/bench ../../shared/bench)))
bench: install
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	PEER_BENCH=$(PEER_BENCH) ROUNDS=$(ROUNDS) bench/peer/compare.sh

# Tryghed: `make run` sets everything up and serves the platform; `make test` runs what CI checks.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: run setup install test lint migrations-check pytest bench messages clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.runtime node_modules/.installed

setup: install
	mkdir -p var
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) createcachetable
	$(MANAGE) collectstatic --no-input -v 0
	$(MANAGE) load_reference
	$(MANAGE) load_demo

run: setup
	@echo
	@echo "Tryghed is served on http://$(HOST):$(PORT)/  (back office: http://$(HOST):$(PORT)/medarbejder/)"
	@$(MANAGE) load_demo --logins
	@echo
	$(VENV)/bin/honcho start -f Procfile

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

migrations-check: $(VENV)/.dev
	$(MANAGE) makemigrations --check --dry-run

pytest: $(VENV)/.dev node_modules/.installed
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test: lint migrations-check pytest

messages: $(VENV)/.dev
	$(MANAGE) makemessages --locale da --locale en --ignore ".venv/*" --ignore "node_modules/*"
	$(MANAGE) compilemessages --ignore ".venv/*" --ignore "node_modules/*"

bench: $(VENV)/.dev
	@for script in bench/*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf var staticfiles

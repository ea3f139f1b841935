# Tryghed: `make run` sets everything up and serves the platform; `make test` runs what CI checks.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
VAR := $(or $(TRYGHED_VAR_DIR),var)
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: run setup install test lint migrations-check messages-check pytest bench messages clean

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

# Hashing every file of the design system takes most of a minute, so collect only when a
# source changed.
STATIC_SOURCES := $(shell find tryghed -path '*/static/*' -type f 2>/dev/null)
$(VAR)/static/staticfiles.json: $(STATIC_SOURCES) tryghed/settings.py node_modules/.installed $(VENV)/.runtime
	$(MANAGE) collectstatic --no-input -v 0
	touch $@

setup: install
	mkdir -p $(VAR)
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) createcachetable
	$(MAKE) --no-print-directory $(VAR)/static/staticfiles.json
	$(MANAGE) load_reference
	$(MANAGE) import_statistics data/statistics/dst_straf11_kommune_kvartal_hovedgrupper_2008K1_2022K2.csv
	$(MANAGE) load_services
	$(MANAGE) load_guarantees
	$(MANAGE) load_demo
	$(MANAGE) import_incidents data/incidents/doegnrapport_mvsj_greve_uddrag_2026-07.csv --source doegnrapport-mvsj --statistics-only
	$(MANAGE) load_guarantees --demo

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

test: lint migrations-check messages-check pytest

# The source strings are English, so only Danish needs a catalogue. Both the catalogue and
# its compiled form are committed: a fresh machine serves Danish without gettext installed.
MAKEMESSAGES := $(MANAGE) makemessages --locale da --no-obsolete --add-location file \
	--ignore ".venv/*" --ignore "node_modules/*" --ignore "$(VAR)/*"
CATALOGUE := tryghed/locale/da/LC_MESSAGES/django.po

messages: $(VENV)/.dev
	$(MAKEMESSAGES)
	$(MANAGE) compilemessages --locale da --ignore ".venv/*" --ignore "node_modules/*"

# Fails when a text in the code has no Danish translation, or one is marked fuzzy; the
# compiled catalogue is checked against its source by tests/test_translations.py.
messages-check: $(VENV)/.dev
	@tmp=$$(mktemp -d) && cp $(CATALOGUE) $$tmp/django.po && \
	$(MAKEMESSAGES) -v 0 && \
	stats=$$(LC_ALL=C msgfmt --statistics -o /dev/null $(CATALOGUE) 2>&1); \
	gaps=$$(msgattrib --untranslated --only-fuzzy $(CATALOGUE); msgattrib --untranslated $(CATALOGUE)); \
	cp $$tmp/django.po $(CATALOGUE); rm -r $$tmp; \
	echo "Danish catalogue: $$stats"; \
	if echo "$$stats" | grep -qE 'untranslated|fuzzy'; then \
	  echo "$$gaps" | grep -A3 '^#:'; \
	  echo "These texts have no Danish translation: run make messages and translate them."; \
	  exit 1; fi

bench: $(VENV)/.dev
	@for script in bench/*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf $(VAR)

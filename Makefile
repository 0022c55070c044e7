# Resonance: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: install compile clean-native run setup test test-fast test-sqlite lint messages format bench bench-faults bench-load clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --editable '.[dev]'
	touch $@

# The engine's arithmetic modules compiled with mypyc (scoring/native.py says which, and why):
# again whenever any engine source changes. Without a C compiler it stays plain Python.
SCORING_SOURCES := $(shell find scoring -name '*.py')
$(VENV)/.compiled: $(VENV)/.installed $(SCORING_SOURCES) bin/compile_scoring
	$(PY) bin/compile_scoring || echo "make: the engine runs as plain Python"
	touch $@

install: $(VENV)/.installed $(VENV)/.compiled

compile: $(VENV)/.compiled

## Remove the compiled engine modules: the same engine then runs as plain Python.
clean-native:
	$(PY) bin/compile_scoring --clean
	rm -f $(VENV)/.compiled

## Prepare the local database: migrate, load the default bank, seed the demo.
setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_bank banks/default.yaml
	$(PY) manage.py seed_demo

## Serve the site on http://127.0.0.1:$(PORT) with a Celery worker; Ctrl-C stops both.
run: setup
	@PORT=$(PORT) VENV=$(VENV) ./bin/serve

test: install
	$(BIN)/pytest

## Unit tests only: no browser journeys, no real worker, broker or server processes.
test-fast: install
	$(BIN)/pytest -m "not e2e and not integration"

## Everything but the browser journeys; .ci/run runs it on SQLite and the embedded broker.
test-sqlite: install
	$(BIN)/pytest -m "not e2e"

## ruff, mypy (scoring/ strictly, the Django apps with django-stubs), the import contracts of
## pyproject.toml, and no missing migration.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

## Collect every string for de/fr/es, fail on any untranslated or fuzzy entry, compile.
messages: install
	$(PY) bin/check_messages

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Benchmarks: they print figures (medians), they assert nothing about time.
bench: install
	$(PY) bench/bench_scoring.py
	$(PY) bench/bench_report.py
	$(PY) bench/bench_portfolio.py

## SIGKILL workers mid-build and stop Redis; needs redis-server and PostgreSQL on loopback.
bench-faults: install
	$(PY) bench/kill_workers.py

## 50 respondents completing questionnaires against gunicorn + PostgreSQL + Redis for 60 s; needs the same.
bench-load: install
	$(PY) bench/load.py

clean:
	rm -rf var test-artifacts .pytest_cache

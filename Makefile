# Two commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint typecheck contracts migrations-check pytest lock services stop clean messages

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)

## Start PostgreSQL, Redis, migrate, load demo data, serve web + worker + beat (Ctrl-C stops all).
run: $(STAMP)
	$(BIN)/python -m otc.devrun run

## Lint, format check, types, layer contracts, migrations check and the whole test suite.
test: $(STAMP)
	$(BIN)/python -m otc.devrun test

## The inner loop: the same checks, and every test but the browser and subprocess-server ones.
test-fast: $(STAMP)
	$(BIN)/python -m otc.devrun test-fast

## Refresh the translation catalogues (locale/) from templates and code, and compile them.
messages: $(STAMP)
	$(BIN)/python -m otc.devrun messages

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/python -m otc.devrun typecheck

contracts: $(STAMP)
	$(BIN)/lint-imports --no-logo

migrations-check: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run

pytest: $(STAMP)
	$(BIN)/pytest

## Embedded services on their own (prints their URLs) and stopping them.
services: $(STAMP)
	$(BIN)/python -m otc.localservices start

stop: $(STAMP)
	$(BIN)/python -m otc.localservices stop

## Re-pin requirements.lock from pyproject.toml in a throw-away virtualenv.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet ".[dev]"
	.lock-venv/bin/python -m pip freeze --all --exclude-editable --exclude pip | grep -v '^otc-exchange' > requirements.lock
	rm -rf .lock-venv

clean: stop
	rm -rf .local

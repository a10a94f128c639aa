# 非公经济综合管理与服务平台 — the two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run test test-pg e2e lint fmt bench install messages demo-passwords seed-district clean

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

install: $(STAMP)

## Prepare the embedded SQLite database and serve http://$(HOST):$(PORT) with the worker and scheduler.
run: $(STAMP)
	mkdir -p var/log
	$(BIN)/python manage.py bootstrap
	@scripts/serve.sh $(HOST) $(PORT)

## The whole suite on SQLite (includes the browser test; it installs Debian's chromium if missing).
test: $(STAMP)
	scripts/system_deps.sh
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest $(PYTEST_ARGS)

## The whole suite against PostgreSQL on 127.0.0.1:5432 (override with TEST_DATABASE_URL).
test-pg: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.test \
	DATABASE_URL=$${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/fic} \
	$(BIN)/python -m pytest -m "not e2e" $(PYTEST_ARGS)

## The browser smoke test alone, against PostgreSQL.
e2e: $(STAMP)
	scripts/system_deps.sh
	DJANGO_SETTINGS_MODULE=config.settings.test \
	DATABASE_URL=$${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/fic} \
	$(BIN)/python -m pytest -m e2e $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(60))') \
	PEOPLE_DATA_KEYS=k1:$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(16))') \
	PEOPLE_INDEX_KEY=i1:$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(32))') \
	DJANGO_SETTINGS_MODULE=config.settings.prod DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Benchmarks: each prints its figures and its ratio to a baseline measured in the same run.
## PostgreSQL is where the targets are set; override BENCH_DATABASE_URL= (empty) for SQLite.
bench: $(STAMP)
	@scripts/system_deps.sh wrk
	@for b in bench/bench_*.py; do echo "== $$b"; BENCH_DATABASE_URL=$${BENCH_DATABASE_URL-postgres://postgres@127.0.0.1:5432/postgres} DJANGO_SETTINGS_MODULE=config.settings.dev $(BIN)/python $$b || exit 1; done

## Extract translatable strings into each app's .po and compile them.
messages: $(STAMP)
	scripts/messages.sh

demo-passwords: $(STAMP)
	$(BIN)/python manage.py reset_demo_passwords

seed-district: $(STAMP)
	$(BIN)/python manage.py seed_demo --scale district

clean:
	rm -rf var/db.sqlite3* var/static

# Rätt väg: `make run` starts the app with demo data, `make test` runs every check and test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: bench load-test generate-data security-audit run test setup setup-dev assets migrate demo lint typecheck checks test-sqlite test-postgres system-deps translations clean

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || bash scripts/ensure_system_deps.sh node
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed
	node scripts/build_assets.mjs

translations: $(VENV)/.installed
	@command -v msgfmt >/dev/null || bash scripts/ensure_system_deps.sh gettext
	RATTVAG_ENV=development $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

setup: $(VENV)/.installed assets translations
	@bash scripts/ensure_system_deps.sh pango

## run: the application on SQLite with demo data
run: setup
	RATTVAG_ENV=development $(PY) manage.py migrate --no-input -v 0
	RATTVAG_ENV=development $(PY) manage.py seed_demo
	RATTVAG_ENV=development $(PY) manage.py seed_demo_outcomes
	@echo "Rätt väg: open http://$(HOST):$(PORT)/"
	@# The background worker runs large imports; it stops with the server.
	RATTVAG_ENV=development $(PY) manage.py db_worker & worker=$$!; trap "kill $$worker" EXIT; RATTVAG_ENV=development $(PY) manage.py runserver $(HOST):$(PORT)

system-deps:
	bash scripts/ensure_system_deps.sh postgresql chromium gettext pango

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(VENV)/bin/mypy

checks: $(VENV)/.installed-dev translations
	RATTVAG_ENV=development $(PY) manage.py makemigrations --check --dry-run
	RATTVAG_ENV=development $(PY) manage.py check

test-sqlite: $(VENV)/.installed-dev assets translations
	DATABASE_URL=sqlite:///:memory: $(VENV)/bin/pytest

test-postgres: $(VENV)/.installed-dev assets translations
	bash scripts/with_postgres.sh $(VENV)/bin/pytest

## test: every check and the whole suite on SQLite and PostgreSQL
test: setup-dev system-deps lint typecheck checks test-sqlite test-postgres
	@echo "All checks and tests passed on SQLite and PostgreSQL."

setup-dev: $(VENV)/.installed-dev assets translations

## generate-data: a synthetic dataset (SIZE=unit|region|national, docs/synthetic-data.md) in the database of
## DATABASE_URL, by default a new SQLite file synthetic-<size>.sqlite3
SIZE ?= unit
generate-data: export DATABASE_URL ?= sqlite:///$(CURDIR)/synthetic-$(SIZE).sqlite3
generate-data: setup
	RATTVAG_ENV=development $(PY) manage.py migrate --no-input -v 0
	RATTVAG_ENV=development $(PY) manage.py generate_data --size $(SIZE) --seed 1

## bench: the endpoints against hand-written SQL (SQLite at unit size, PostgreSQL at BENCH_SIZE=region|national)
## and the import rate (benchmarks/README.md; not part of make test)
BENCH_SIZE ?= region
bench: setup-dev
	$(PY) benchmarks/run_benchmarks.py --size unit
	bash scripts/with_postgres.sh $(PY) benchmarks/run_benchmarks.py --size $(BENCH_SIZE)
	$(PY) benchmarks/import_rate.py
	bash scripts/with_postgres.sh $(PY) benchmarks/import_rate.py --flush-database

## load-test: 50 caseworkers against gunicorn on 127.0.0.1 and PostgreSQL (benchmarks/README.md)
load-test: setup-dev system-deps
	bash benchmarks/load/run_load_test.sh --size $(BENCH_SIZE)

## security-audit: known vulnerabilities in the pinned dependencies (needs PyPI's JSON API or OSV;
## neither is reachable on the project's build machines, see docs/security-checks.md)
security-audit: $(VENV)/.installed-dev
	$(VENV)/bin/pip-audit -r requirements.txt --strict

clean:
	rm -rf $(VENV) node_modules rattvag/core/static/build rattvag/core/static/vendor staticfiles

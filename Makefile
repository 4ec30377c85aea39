# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST := 127.0.0.1
PORT := 8000

.PHONY: run test bench install install-dev lint format typecheck messages lock check-deploy clean backup restore

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the pinned dependencies change.
$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install --quiet -c requirements.lock .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -c requirements.lock ".[dev]"
	touch $@

install: $(VENV)/.installed .env
install-dev: $(VENV)/.installed-dev .env

# A checkout is a development machine: manage.py runs with DEBUG on. Production sets real
# environment variables and never has this file (.gitignore, .dockerignore).
.env:
	printf '# Local development only, made by make. Production uses real environment variables.\nDEBUG=1\n' > $@

run: export DEBUG ?= 1
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_data
	@echo ""
	@echo "  Open http://$(HOST):$(PORT)/  (Django admin: http://$(HOST):$(PORT)/admin/)"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

# The benchmark (README: Benchmark): every page, the imports and the reports against the floor
# pages at each size, then a bounded load on gunicorn (127.0.0.1:$(BENCH_PORT)); the table goes
# to docs/bench/latest.md and latest.json. PostgreSQL; the database is topped up, never emptied.
# bench_imports then adds the reader on pathological files and the entry of a 10,000-line form.
# Not part of `make bench`, on the same database: `manage.py bench_campaigns` (200 campaigns,
# 2,000 placements, 2,000,000 visits; the campaign pages and the redirect against /healthz) and
# `manage.py bench_links`, `manage.py bench_messaging` (100,000 customers: the audience
# and a marketing SMS with the file backend) and `manage.py bench_surveys` (300 rounds,
# 100,000 answers: the analysis page, the public submit, the PDF and the XLSX) (README:
# Marketing campaigns, Tracked links, Messaging, Satisfaction surveys).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/crm_bench
BENCH_SIZES ?= 100000,300000
BENCH_PORT ?= 8107
BENCH_ARGS ?=
bench: install-dev
	psql "$(dir $(BENCH_DATABASE_URL))postgres" -qc "CREATE DATABASE $(notdir $(BENCH_DATABASE_URL))" 2>/dev/null || true
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py migrate --noinput -v0
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py bench --sizes $(BENCH_SIZES) --load-port $(BENCH_PORT) $(BENCH_ARGS)
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py bench_imports

# Backup and restore of the database and the media together (README: Operations).
# make backup [BACKUP=path/or/folder/]   make restore ARCHIVE=backups/crm-backup-….tar [YES=1]
BACKUP ?=
backup: install
	$(BIN)/python manage.py backup $(BACKUP)

restore: install
	@test -n "$(ARCHIVE)" || (echo "Usage: make restore ARCHIVE=backups/crm-backup-YYYYMMDD-HHMMSS.tar [YES=1]"; exit 2)
	$(BIN)/python manage.py restore "$(ARCHIVE)" $(if $(YES),--yes,)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# mypy with django-stubs; its Django plugin imports the settings, which need DEBUG or a key.
typecheck: install-dev
	DEBUG=1 $(BIN)/mypy .

# Needs GNU gettext (msgfmt); the compiled .mo is committed so a checkout needs none.
messages: install-dev
	DEBUG=1 $(BIN)/python manage.py makemessages -l ar --no-obsolete --ignore=.venv --ignore=staticfiles
	DEBUG=1 $(BIN)/python manage.py compilemessages -l ar --ignore=.venv

# Re-resolve the pinned set after changing pyproject.toml.
lock: $(BIN)/python
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet ".[dev]"
	.lockenv/bin/pip freeze --exclude crm-association > requirements.lock
	rm -rf .lockenv

check-deploy: install
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=crm.example.org \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache

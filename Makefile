# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run test install install-test migrate demo lint format check bench clean messages check-messages

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/.installed
	scripts/system-packages.sh
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

# The translation catalogues, compiled at install (gettext's msgfmt; Debian package gettext).
MO := locale/en/LC_MESSAGES/django.mo locale/it/LC_MESSAGES/django.mo

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	@command -v msgfmt >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get install -y -qq gettext >/dev/null; } || { echo "msgfmt missing: apt-get install -y gettext"; exit 1; }
	msgfmt --check-format -o $@ $<

install: $(VENV)/.installed $(MO)

install-test: $(VENV)/.installed-test $(MO)

# Re-read the strings into locale/*/django.po after changing texts, then translate the English.
messages: install-test
	scripts/messages.sh update

# What CI checks: no new string left untranslated or fuzzy in English.
check-messages: install-test
	scripts/messages.sh update
	scripts/messages.sh check

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# The worker runs beside the web server: imports and reports are django-q2 jobs, and without a
# worker they would wait "in coda" for ever. Both stop together.
run: demo
	@echo "ZeroOttanta su http://$(HOST):$(PORT)/  (amministrazione: http://$(HOST):$(PORT)/admin/)"
	@$(PY) manage.py qcluster & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

test: install-test
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install-test
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

bench: install-test
	for script in bench/*.py; do DJANGO_SETTINGS_MODULE=config.settings.test $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) var

# --- Load test and fault drills (issue 17; docs/load-test.md) ---------------------------------
# 50 staff for LOAD_TIME (2m) on gunicorn + PostgreSQL + Redis + qcluster; locust in .venv-load.
.PHONY: load drill-worker-kill
load: install
	scripts/load_test.sh

# kill -9 of a qcluster worker during a report (own database zo_drill).
drill-worker-kill: install
	scripts/drill_worker_kill.sh

# A 50,000-row referrals file through the admin under gunicorn --timeout 30 + qcluster
# (own database zo_drill_import; ROWS=2000 for a quick run).
.PHONY: drill-import-gunicorn
drill-import-gunicorn: install
	scripts/drill_import_gunicorn.sh $(ROWS)

# Two commands do everything on a fresh clone:
#   make demo   set up, import the sample stories, create a demo editor, run the site
#   make test   install what the tests need and run the whole suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_ENV := NEWSDESK_DEBUG=1
# Two pytest-xdist workers, not -n auto: the heaviest tests (gunicorn with an import, Chromium)
# keep more than a core busy by themselves, and auto counts a container's host cores.
PYTEST_WORKERS ?= -n 2

# Debian packages the tests drive for real: the browser, gettext, fonts, PostgreSQL, Redis, nginx.
TEST_DEBS := chromium gettext fonts-noto-cjk postgresql redis-server nginx

.PHONY: demo serve test test-postgres venv test-venv lint messages benchmark-import benchmark-site benchmark-load benchmark-scale

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The site alone; the test tools (pytest, Playwright, ruff, ...) only for the targets that use them.
# Installed only when missing or when pyproject.toml's requirements changed (a stamp in the
# virtualenv, scripts/venv_install.py): `pip install -e .` points a virtualenv at the checkout it
# runs from, and a virtualenv shared by several checkouts must not follow every `make`.
venv: $(PY)
	$(PY) scripts/venv_install.py

test-venv: $(PY)
	$(PY) scripts/venv_install.py test

demo: venv
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py import_articles samples/ --publish --no-fetch-images
	$(DEMO_ENV) $(PY) manage.py demo_accounts
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: test-venv
	bash scripts/install-test-deps $(TEST_DEBS)
	npm ci --no-audit --no-fund
	NEWSDESK_ALLOW_INSECURE_KEY=1 $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_WORKERS)

# The same suite against a throwaway PostgreSQL on 127.0.0.1 (scripts/postgres-start), stopped after.
test-postgres: test-venv
	bash scripts/install-test-deps $(TEST_DEBS)
	npm ci --no-audit --no-fund
	bash scripts/with-postgres $(PY) -m pytest $(PYTEST_WORKERS)

# Production: settings from the environment (README, "Production"), DEBUG off whatever it says,
# static files collected for WhiteNoise, the database migrated, gunicorn with a sync worker a core.
BIND ?= 127.0.0.1:$(PORT)
serve: venv
	NEWSDESK_DEBUG=0 $(PY) manage.py collectstatic --noinput --verbosity 0
	NEWSDESK_DEBUG=0 $(PY) manage.py migrate --noinput
	NEWSDESK_DEBUG=0 exec $(PY) -m gunicorn newsdesk.wsgi:application --bind $(BIND) \
		--workers $$(nproc) --worker-class sync --access-logfile -

lint: test-venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# Regenerate the Chinese catalogue (needs GNU gettext), then fill in the empty msgstr and compile.
messages: venv
	$(DEMO_ENV) $(PY) manage.py makemessages -l zh_Hans --ignore='.venv/*' --ignore='tests/*' --ignore='node_modules/*' --no-obsolete
	$(DEMO_ENV) $(PY) manage.py compilemessages -l zh_Hans --ignore='.venv/*'

benchmark-import: venv
	$(PY) benchmarks/import_speed.py

# Each page's time at 1,000 and at 100,000 stories, and the growth (sites kept in var/).
benchmark-scale: venv
	$(PY) benchmarks/scale.py

# Requests per second for the reader's pages (uncached and cached) against a plain Django page.
benchmark-site: venv
	bash scripts/install-test-deps wrk nginx
	$(PY) benchmarks/site_speed.py

# 60 s at 64 connections on home and story pages under gunicorn: requests/s, p50/p99, errors.
# LOAD_DATABASE=postgres LOAD_CACHE=redis for the production shape (PostgreSQL and Redis).
benchmark-load: venv
	bash scripts/install-test-deps wrk postgresql redis-server
	$(PY) benchmarks/load_test.py

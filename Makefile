# Two commands do everything on a fresh clone:
#   make demo   set up, import the sample stories, create a demo editor, run the site
#   make test   install what the tests need and run the whole suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_ENV := NEWSDESK_DEBUG=1

.PHONY: demo test venv lint messages benchmark-import benchmark-site

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

venv: $(PY)
	$(PY) -m pip install --quiet -e '.[test]'

demo: venv
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py import_articles samples/ --publish --no-fetch-images
	$(DEMO_ENV) $(PY) manage.py demo_accounts
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv
	bash scripts/install-test-deps chromium gettext fonts-noto-cjk
	npm ci --no-audit --no-fund
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# Regenerate the Chinese catalogue (needs GNU gettext), then fill in the empty msgstr and compile.
messages: venv
	$(DEMO_ENV) $(PY) manage.py makemessages -l zh_Hans --ignore='.venv/*' --ignore='tests/*' --ignore='node_modules/*' --no-obsolete
	$(DEMO_ENV) $(PY) manage.py compilemessages -l zh_Hans --ignore='.venv/*'

benchmark-import: venv
	$(PY) benchmarks/import_speed.py

# Requests per second for the reader's pages (uncached and cached) against a plain Django page.
benchmark-site: venv
	bash scripts/install-test-deps wrk
	$(PY) benchmarks/site_speed.py

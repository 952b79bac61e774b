# Two commands on a fresh machine:
#   make run    install and serve the app with the demo week loaded (SQLite in instance/)
#   make test   install and run the whole test suite, on SQLite and again on PostgreSQL
#               (what .ci/run calls; needs PostgreSQL and Redis, see tests/conftest.py)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test install install-test chromium nginx translations lint

run: install
	$(BIN)/querschnitt run --demo

# The suite runs twice: on SQLite (everything, browsers too, and every test marked
# postgres: the scale path, crash tests, both-database cases), then on PostgreSQL
# (TEST_DATABASE=postgresql: every app, live server and migration on PostgreSQL),
# without what the first run already did on PostgreSQL and without the browser
# tests, which add minutes and test the page, not the database.
test: install-test chromium nginx
	$(BIN)/ruff check .
	node --test tests/js/
	TEST_DATABASE=sqlite $(BIN)/python -m pytest -q
	TEST_DATABASE=postgresql $(BIN)/python -m pytest -q --ignore=tests/browser -m "not postgres"

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install -q -e ".[test]"
	touch $@

# The browser tests drive Debian's Chromium; nothing is downloaded at test time.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is not installed: the browser tests will be skipped (apt-get install chromium)"; \
	  fi; }
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null; \
	  else \
	    echo "fonts-dejavu-core is not installed: the PDF poster needs it (apt-get install fonts-dejavu-core)"; \
	  fi; }
	@command -v pdftotext >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; \
	  else \
	    echo "poppler-utils is not installed: the PDF poster's text is not checked (apt-get install poppler-utils)"; \
	  fi; }

# tests/server/test_nginx.py runs deploy/nginx.conf in front of two processes.
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; \
	  else \
	    echo "nginx is not installed: the test of deploy/nginx.conf will be skipped (apt-get install nginx-light)"; \
	  fi; }

# After changing texts: extract, merge into the catalogs, translate, compile.
translations: install-test
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d app/translations

lint: install-test
	$(BIN)/ruff check .

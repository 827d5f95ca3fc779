# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Links in emails (invitations, alerts, follow-ups) point where `make run` serves, unless given.
SITE_URL ?= http://127.0.0.1:$(PORT)
STAMP := $(VENV)/.installed

.PHONY: run test lint lock migrate seed clean help

help:
	@echo "make run   - install, migrate, seed demo data and start web + worker + beat on :$(PORT)"
	@echo "make test  - run the whole test suite"
	@echo "make lint  - ruff and mypy"

$(STAMP): pyproject.toml requirements/constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e ".[dev]"
	@touch $(STAMP)

# The translations (<app>/locale/*/LC_MESSAGES/django.po) are compiled here, never committed.
# compilemessages and the catalogue test's makemessages need GNU gettext (Debian's package),
# installed when missing as chromium is below.
MSGFMT := /usr/bin/msgfmt
$(MSGFMT):
	@if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; \
	else \
	  echo "make: $(MSGFMT) is missing and this is not root: install Debian's gettext" \
	    "package to compile the translations." >&2; exit 1; \
	fi

.PHONY: messages
messages: $(STAMP) $(MSGFMT)
	$(PY) manage.py compilemessages --ignore ".venv/*" --ignore "var/*" -v 0

migrate: $(STAMP) messages
	@mkdir -p var/broker/queue var/broker/control
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	@echo ""
	@echo "  Dashboard:  http://127.0.0.1:$(PORT)/today/  (physio@example.com / demo-pass-123)"
	@echo "  Admin:      http://127.0.0.1:$(PORT)/admin/  (admin@example.com / demo-pass-123, then a"
	@echo "              two-factor code: key DEMOADMINTOTPKEYDEMOADMINTOTPKEY in an authenticator"
	@echo "              app, or .venv/bin/python manage.py demo_totp)"
	@echo "  API docs:   http://127.0.0.1:$(PORT)/api/docs/"
	@echo "  Links in emails: $(SITE_URL)"
	@echo "  Patient app: http://127.0.0.1:$(PORT)/app/  (patient@example.com / demo-pass-123;"
	@echo "              a phone on your network needs HTTPS or localhost for its offline mode)"
	@echo "  Ctrl-C stops the web server, the worker and beat."
	@echo ""
	PORT=$(PORT) SITE_URL=$(SITE_URL) $(VENV)/bin/honcho -f Procfile.dev start -p $(PORT)

# The dashboard's browser tests drive Debian's Chromium through Playwright, which never
# downloads a browser of its own here. Installed when missing (CI runs as root, no sudo).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
	  echo "make test: $(CHROMIUM) is missing and this is not root: the browser tests will" \
	    "skip (or fail with CLINIC_REQUIRE_SERVICES=1). Install Debian's chromium package." >&2; \
	fi

test: $(STAMP) $(CHROMIUM) messages
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .

# Refresh the pinned versions after changing pyproject.toml.
lock:
	rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/pip install --quiet --disable-pip-version-check -e ".[dev]"
	var/lock-venv/bin/pip freeze --exclude-editable | grep -v '^-e' > requirements/constraints.txt
	rm -rf var/lock-venv

clean:
	rm -rf $(VENV) var

# Ratios of the API against the physical floor of the same work (docs/PERFORMANCE.md).
# PRESET=small (default, minutes) or full; DATABASE_URL=postgres://... and REDIS_URL=redis://...
# for PostgreSQL and the load run, else SQLite under var/bench/ and no load run.
PRESET ?= small
.PHONY: bench
bench: $(STAMP)
	$(PY) -m bench --preset $(PRESET) $(BENCH_ARGS)

# The two commands of the README: `make run` and `make test`. Everything else is optional.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install browser-tools bench deploy-check audit deps-audit backup restore clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "需要 Python 3.12 或更高版本 (Python 3.12+ is required)")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# Installs, migrates, loads the demo content, creates an administrator and serves the
# portal with gunicorn + WhiteNoise at http://127.0.0.1:$(PORT). Safe to run again.
run: export PORTAL_LOCAL ?= 1
run: export HTTPS ?= off
# Links that leave the page (QR code, feeds, sitemap, canonical) point at this server's port.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py load_demo
	$(PY) manage.py ensure_admin
	@echo "门户网站: http://127.0.0.1:$(PORT)/   后台: http://127.0.0.1:$(PORT)/admin/"
	$(VENV)/bin/gunicorn yanan_portal.wsgi --config deploy/gunicorn.conf.py --bind 127.0.0.1:$(PORT)

# The whole suite: SQLite when DATABASE_URL is unset, PostgreSQL when it is set.
# Browser tests run when Chromium is installed (.ci/run makes them mandatory).
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# Checkers for the browser tests (axe-core, the Nu HTML checker) from npm; needs node and Java.
browser-tools:
	bash tools/browser/install.sh

# Lighthouse (mobile) on home, a channel, an article and a programme page of a local server.
audit: $(STAMP)
	bash tools/audit/lighthouse.sh

# Known vulnerabilities in every package installed in .venv (requirements-dev.txt and what it
# pulls in), from PyPI's JSON API ($${DEPS_AUDIT_INDEX:-https://pypi.org}). Fails on a known
# vulnerability, on a package it cannot audit (a pin older than the newest release where the
# index only describes the newest) and when the index cannot be read; see docs/security.md.
deps-audit: $(STAMP)
	$(PY) tools/deps_audit.py

# The benchmark against the peer (../shared/peerbench) on PostgreSQL; see README, Benchmarks.
bench: $(STAMP)
	bash tools/bench/run.sh

# docs/performance-and-deployment.md's 部署 steps, as written, on a fresh Debian 13 system
# container (debootstrap + systemd-nspawn; root, network to Debian and PyPI); see README, Deployment.
deploy-check:
	bash tools/deploy_check/run.sh

# pg_dump (or the SQLite file) plus the media folder, timestamped under $${BACKUP_DIR:-var/backups}.
backup: $(STAMP)
	bash deploy/backup.sh

restore: $(STAMP)
	@test -n "$(FILE)" || { echo "用法: make restore FILE=var/backups/portal-….tar"; exit 2; }
	bash deploy/restore.sh "$(FILE)"

clean:
	rm -rf $(VENV) var

# `make run` and `make test` do all the set-up a fresh machine needs.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
FLASK  := FLASK_ENVIRONMENT=development $(VENV)/bin/flask --app app
HOST   ?= 127.0.0.1
PORT   ?= 5000

# Debian packages the app needs: Chromium draws the report's charts (kaleido), Pango and DejaVu lay out the PDF.
SYSTEM_PACKAGES ?= chromium fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0

# The interface's gettext catalogs (translations/LANG/LC_MESSAGES/messages.po) are compiled to .mo files here, not
# committed: every target that serves or tests the app depends on `install`, which compiles them.
CATALOGS := $(wildcard translations/*/LC_MESSAGES/messages.po)
PYBABEL  := $(VENV)/bin/pybabel

.PHONY: run test install system db screenshots clean translations-update

# Installs the Debian packages that are missing, when it can (as root, with apt-get). Without Chromium the app
# still works and the report shows tables in place of charts.
system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "warning: missing Debian packages:$$missing (install them as root: apt-get install$$missing)"; \
	fi

# The pinned packages, then Continuum itself as an editable install (pyproject.toml), so that scripts under bench/
# and docs/ import it from anywhere.
$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(PYBABEL) compile --statistics -l $* -i $< -o $@

install: system $(VENV)/.installed $(CATALOGS:.po=.mo)

# After changing interface text: extract it again into translations/messages.pot and merge it into every catalog,
# then translate what is new or changed in each messages.po (tests/test_languages.py lists what is missing).
# A new language: pybabel init -i translations/messages.pot -d translations -l LANG
translations-update: $(VENV)/.installed
	$(PYBABEL) extract -F babel.cfg -k _l --add-location=file --sort-by-file --no-wrap --project=Continuum \
		--copyright-holder="the Continuum authors" -c TRANSLATORS: -o translations/messages.pot .
	$(PYBABEL) update -i translations/messages.pot -d translations --no-wrap --ignore-obsolete

db: install
	$(FLASK) init-db
	FLASK_PUBLIC_URL=http://$(HOST):$(PORT) $(FLASK) seed-demo

run: db
	@echo "Serving Continuum on http://$(HOST):$(PORT) (Ctrl-C stops it). Open the survey link above to take the survey, or the console to run rounds."
	$(FLASK) run --host $(HOST) --port $(PORT)

# The whole suite twice, at the same time, each in three worker processes (pytest-xdist): on SQLite, and on a
# throwaway PostgreSQL server (tests/with_postgres.sh starts it, installing Debian's postgresql first when its
# binaries are missing, and stops it afterwards). TEST_WORKERS=0 runs each suite in one process. Three, on two
# cores: a worker waiting (for PostgreSQL, Chromium, a server it started) leaves the cores to the others; a fresh
# make test took 10.0 minutes with three, 11.1 with two, on the same machine within the hour.
TEST_WORKERS ?= 3
# Python keeps each module's compiled code (__pycache__) even where the machine says not to: the suite starts a
# dozen Python processes (workers, servers, commands), and each would compile the app and its tests again.
test: install
	env -u PYTHONDONTWRITEBYTECODE tests/run_suites.sh $(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# The README's pictures and sample report, from the demo (docs/screenshots.py); pdftoppm turns a PDF page to PNG.
screenshots: install
	@$(MAKE) --no-print-directory system SYSTEM_PACKAGES="$(SYSTEM_PACKAGES) poppler-utils"
	$(PY) docs/screenshots.py

clean:
	rm -rf $(VENV) instance .pytest_cache translations/*/LC_MESSAGES/messages.mo

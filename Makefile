# `make run` and `make test` do all the set-up a fresh machine needs.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app app
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install db clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

db: install
	$(FLASK) init-db
	FLASK_PUBLIC_URL=http://$(HOST):$(PORT) $(FLASK) seed-demo

run: db
	@echo "Serving Continuum on http://$(HOST):$(PORT) (Ctrl-C stops it). Open the survey link above to take the survey."
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install
	$(PY) -m pytest

clean:
	rm -rf $(VENV) instance .pytest_cache

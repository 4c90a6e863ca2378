# Cofund: `make run` serves the demo on http://127.0.0.1:5000, `make test` runs the test suite.
# Python 3.12 or newer (3.11's garbage collector crashes under SQLAlchemy at scale): the newest python3.x
# on the PATH (or in pyenv's versions) is taken, or set PYTHON=/path/to/python3.12.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) python3; do $$p -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := wsgi

.PHONY: run test lint db seed translations translations-update clean check-python

check-python:
	@if [ -z "$(PYTHON)" ]; then echo "Cofund needs Python 3.12 or newer (python3.12, python3.13 or python3.14 on the PATH)," \
	  "or PYTHON=/path/to/python3.12. None was found." >&2; exit 1; fi
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || \
	  { echo "$(PYTHON) is older than Python 3.12; Cofund needs 3.12 or newer." >&2; exit 1; }

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

# Compiled catalogues (.mo) are built here, never committed; the .po files are the source.
translations: $(VENV)/.runtime
	$(BIN)/pybabel --quiet compile -d translations

# After adding or changing messages: extract them and merge them into the Dutch catalogue, then translate.
translations-update: $(VENV)/.runtime
	$(BIN)/pybabel extract -F translations/babel.cfg -k lazy_gettext -k _l -o translations/messages.pot \
	  --no-location --sort-output --project Cofund --ignore-dirs ".venv tests bench migrations" .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --ignore-obsolete -w 120

db: $(VENV)/.runtime translations
	$(BIN)/flask db upgrade

seed: db
	$(BIN)/flask seed-demo

run: seed
	COFUND_ENV=development $(BIN)/flask run --host $(HOST) --port $(PORT)

test: $(VENV)/.dev translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Static checks: ruff everywhere; bandit on the code that runs in production (tests/ and bench/ assert, start
# processes and log in with the demo password on purpose; each exception in app/ is a `# nosec B... # reason`
# at its line); pip-audit against the advisory database, which says so and passes when it cannot be reached.
lint: $(VENV)/.dev
	$(BIN)/ruff check app reports tests bench
	$(BIN)/bandit -q -r app reports migrations wsgi.py
	$(BIN)/python .ci/pip_audit.py

clean:
	rm -rf $(VENV) .pytest_cache

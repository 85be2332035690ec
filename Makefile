# The one entry point. `make run` serves the portal with demo data on the
# embedded PostgreSQL; `make test` runs the whole suite. Both set up .venv
# first (runtime and development sets) and reinstall only when a lock file
# (requirements.txt, requirements-dev.txt) changes. `make lock` re-locks both
# after an edit of requirements.in or requirements-dev.in.

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
APPS := documents projects indicators proposals api opendata

.PHONY: run test lint format check bench setup lock worker messages backup restore

setup: $(STAMP)

# XStatic-Bootstrap ships as an sdist that imports pkg_resources: the build
# tools are installed first (same pins as requirements-dev.in) and the locked
# sets without build isolation.
$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the locked requirements (runtime and development) into $(VENV) ..."
	@$(BIN)/pip install --quiet --disable-pip-version-check "pip==26.3" "setuptools==80.9.0" "wheel==0.45.1"
	@$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-build-isolation \
		-r requirements.txt -r requirements-dev.txt
	@touch $(STAMP)

# Re-lock both sets with hashes after editing requirements.in or
# requirements-dev.in (the development set is constrained by the runtime lock).
# Works without a complete setup, e.g. while resolving a merge of the lock files.
PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-build-isolation --no-emit-index-url --no-emit-find-links
lock:
	@test -x $(BIN)/pip-compile || { test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); \
		$(BIN)/pip install --quiet --disable-pip-version-check "pip==26.3" "setuptools==80.9.0" "wheel==0.45.1" "pip-tools==7.6.2"; }
	@$(PIP_COMPILE) -o requirements.txt requirements.in
	@$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in
	@echo "Locked requirements.txt and requirements-dev.txt; \`make setup\` installs them."

run: $(STAMP)
	@$(MANAGE) preflight --port $(PORT)
	@$(MANAGE) migrate --noinput -v 0
	@$(MANAGE) seed_demo --port $(PORT)
	@# The task worker (e-mail, text extraction) beside the server, stopped with it.
	@$(MANAGE) db_worker --queue-name "*" & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(MANAGE) runserver 127.0.0.1:$(PORT)

test: $(STAMP)
	@$(MANAGE) preflight
	@$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

format: $(STAMP)
	@$(BIN)/ruff check --fix .
	@$(BIN)/ruff format .

check: $(STAMP)
	@$(MANAGE) makemigrations --check --dry-run
	@$(MANAGE) check

bench: $(STAMP)
	@for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

worker: $(STAMP)
	@$(MANAGE) db_worker --queue-name "*"

messages: $(STAMP)
	@$(MANAGE) makemessages -l ru --no-location --no-obsolete -i ".venv/*" -i "var/*" -i "tests/*" -i "bench/*" $(foreach a,$(APPS),-i "$(a)/*")
	@$(MANAGE) compilemessages -i .venv -i var $(foreach a,$(APPS),-i $(a))
	@for a in $(APPS); do (cd $$a && PYTHONPATH=.. DJANGO_SETTINGS_MODULE=leanedu.settings ../$(BIN)/django-admin makemessages -l ru --no-location --no-obsolete && PYTHONPATH=.. DJANGO_SETTINGS_MODULE=leanedu.settings ../$(BIN)/django-admin compilemessages) || exit 1; done

backup: $(STAMP)
	@$(MANAGE) backup

# make restore BACKUP=var/backups/20261126-101500 (asks for "yes"; YES=1 without a terminal)
restore: $(STAMP)
	@test -n "$(BACKUP)" || { echo "make restore: name the backup folder, e.g. make restore BACKUP=var/backups/20261126-023000" >&2; exit 2; }
	@$(MANAGE) restore "$(BACKUP)" $(if $(YES),--yes)

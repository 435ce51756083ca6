# Pizhu: `make run` serves the library on http://127.0.0.1:8000, `make test` runs everything.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test serve worker lint format check-deploy clean

run: .env $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_seeds
	$(BIN)/python manage.py create_demo_account
	@echo "Serving Pizhu on http://127.0.0.1:8000 with a background worker  (Ctrl-C stops both)"
	@$(BIN)/python manage.py run_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: .env $(VENV)/.installed
	scripts/test $(ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --editable ".[test]"
	touch $@

# A local, development-only environment file: DEBUG on, a random secret key.
.env:
	@printf 'DEBUG=1\nSECRET_KEY=%s\n' "$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "wrote .env (development settings: DEBUG=1)"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache *.egg-info

# One-word tasks. Each creates .venv itself on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: demo test test-sqlite test-postgres lint format bench bench-short soak clean install

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund --silent
	touch $@

demo: $(STAMP)
	$(BIN)/newsdesk demo --host 127.0.0.1 --port 8000

# The whole suite on SQLite, then again on PostgreSQL when it is reachable
# (NEWSDESK_REQUIRE_SERVICES=postgres makes a missing PostgreSQL an error).
test: $(STAMP) node_modules/axe-core/axe.min.js
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: $(STAMP)
	env -u NEWSDESK_DATABASE_URL $(BIN)/pytest -q $(PYTEST_ARGS)

test-postgres: $(STAMP)
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		NEWSDESK_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q $(PYTEST_ARGS); \
	elif echo "$$NEWSDESK_REQUIRE_SERVICES" | grep -qE 'postgres|all'; then \
		echo "PostgreSQL is required (NEWSDESK_REQUIRE_SERVICES) but $(PG_URL) is unreachable"; exit 1; \
	else \
		echo "Skipping the PostgreSQL run: $(PG_URL) is unreachable (set PG_URL to test on PostgreSQL)"; \
	fi

lint: $(STAMP)
	$(BIN)/ruff format --check newsdesk tests bench conftest.py
	$(BIN)/ruff check newsdesk tests bench conftest.py

format: $(STAMP)
	$(BIN)/ruff format newsdesk tests bench conftest.py
	$(BIN)/ruff check --fix newsdesk tests bench conftest.py

# The soak's long form: five minutes (SOAK_SECONDS) of publishing through the
# API while readers join, drop, resume and leave; `make test` runs it for 20 s.
SOAK_SECONDS ?= 300
soak: $(STAMP)
	NEWSDESK_SOAK_SECONDS=$(SOAK_SECONDS) $(BIN)/pytest -q -p no:cacheprovider tests/faults/test_soak.py $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench

bench-short: $(STAMP)
	$(BIN)/python -m bench --short

clean:
	rm -rf $(VENV) .newsdesk node_modules .pytest_cache

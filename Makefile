# One-word tasks. Each creates .venv itself on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: demo test test-sqlite test-postgres test-uvicorn-oldest lint format bench bench-short soak clean install

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

# The PostgreSQL run's test database is named after this checkout, so that two
# checkouts testing at once never drop each other's database.
NEWSDESK_TEST_DATABASE_NAME ?= test_newsdesk_$(shell printf '%s' '$(CURDIR)' | cksum | cut -d' ' -f1)

# The whole suite on SQLite and, at the same time, again on PostgreSQL when it is
# reachable (NEWSDESK_REQUIRE_SERVICES=postgres makes a missing PostgreSQL an
# error). The suites mostly wait on sockets, servers and browsers, so running
# both at once on two cores takes about as long as one. Each suite's output is
# printed whole when it ends; either failing (pytest exit 5, no tests collected,
# included) fails `make test`.
test: $(STAMP) node_modules/axe-core/axe.min.js
	@echo "Running the suite on SQLite and on PostgreSQL at once; each prints its report when it ends."
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres
	$(MAKE) --no-print-directory test-uvicorn-oldest

# The oldest uvicorn pyproject.toml allows (the newest is what `make install`
# brings), laid over the venv in a scratch directory: the compatibility tests
# and a real stream and cached page run against it.
UVICORN_OLDEST := 0.30.0
UVICORN_OLDEST_DIR := $(CURDIR)/.newsdesk/uvicorn-$(UVICORN_OLDEST)
test-uvicorn-oldest: $(STAMP)
	@echo "== uvicorn $(UVICORN_OLDEST) (the oldest allowed) =="
	test -d $(UVICORN_OLDEST_DIR) || $(BIN)/pip install --quiet --no-deps --target $(UVICORN_OLDEST_DIR) uvicorn==$(UVICORN_OLDEST)
	env -u NEWSDESK_DATABASE_URL -u NEWSDESK_TEST_DATABASE_NAME PYTHONPATH=$(UVICORN_OLDEST_DIR) \
		NEWSDESK_DATA_DIR=$(CURDIR)/.newsdesk/test-uvicorn-oldest \
		$(BIN)/pytest -q newsdesk/config/tests newsdesk/live/tests/test_stream.py

# Each suite keeps its own data directory (secret key, static root), so two
# suites starting at once never race to create one.
test-sqlite: $(STAMP)
	@echo "== SQLite =="
	env -u NEWSDESK_DATABASE_URL -u NEWSDESK_TEST_DATABASE_NAME NEWSDESK_DATA_DIR=$(CURDIR)/.newsdesk/test-sqlite \
		$(BIN)/pytest -q $(PYTEST_ARGS)

test-postgres: $(STAMP)
	@echo "== PostgreSQL ($(PG_URL), test database $(NEWSDESK_TEST_DATABASE_NAME)) =="
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		NEWSDESK_DATABASE_URL=$(PG_URL) NEWSDESK_TEST_DATABASE_NAME=$(NEWSDESK_TEST_DATABASE_NAME) \
		NEWSDESK_DATA_DIR=$(CURDIR)/.newsdesk/test-postgres $(BIN)/pytest -q $(PYTEST_ARGS); \
	elif echo "$$NEWSDESK_REQUIRE_SERVICES" | grep -qE 'postgres|all'; then \
		echo "PostgreSQL is required (NEWSDESK_REQUIRE_SERVICES) but $(PG_URL) is unreachable"; exit 1; \
	else \
		echo "Skipping the PostgreSQL run: $(PG_URL) is unreachable (set PG_URL to test on PostgreSQL)"; \
	fi

# mypy checks the modules pyproject.toml lists ([tool.mypy] files), strictly.
lint: $(STAMP)
	$(BIN)/ruff format --check newsdesk tests bench conftest.py
	$(BIN)/ruff check newsdesk tests bench conftest.py
	$(BIN)/mypy

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

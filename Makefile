# Kaushal: `make demo` starts the product with demo data, `make test` runs the whole suite.
# Both work on a fresh machine with Python 3.11 and pip only (chromium for the browser tests is
# installed from Debian's packages when missing and we may).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SEEDS ?= ../shared/seeds
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: venv demo test lint lock browser clean bench load load-smoke

$(BIN)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e ".[dev]"
	touch $@

venv: $(BIN)/.installed

browser:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    (apt-get install -y -q chromium >/dev/null 2>&1 || \
	     (apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null)); \
	  else echo "The browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

test: venv browser
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

demo: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo_setup --seeds $(SEEDS)
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

# Reference packages (girth, catsim, mirt) live in their own virtualenv, never in .venv.
bench:
	test -x .venv-bench/bin/python || { $(PYTHON) -m venv .venv-bench && \
	  .venv-bench/bin/pip install -q -r benchmarks/requirements.txt; }
	PYTHONPATH=. .venv-bench/bin/python benchmarks/irt_bench.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/bank_bench.py

# The load benchmark (benchmarks/load/run.py): gunicorn + Celery on PostgreSQL (database
# kaushal_load) and Redis (dbs 5 and 6), N candidates over HTTP. `load-smoke` is CI's short run
# (20 candidates, no think time): it fails on any error or any answer not stored exactly once.
load: venv
	$(BIN)/python benchmarks/load/run.py $(LOAD_ARGS)

load-smoke: venv
	$(BIN)/python benchmarks/load/run.py --smoke $(LOAD_ARGS)

clean:
	rm -rf $(VENV) var/*.sqlite3 .pytest_cache

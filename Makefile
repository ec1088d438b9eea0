# The two commands a newcomer needs: `make run` and `make test`.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ARGS   ?=

.PHONY: run test lint typecheck pytest browser postgres bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.run

## Install and start the sandbox on 127.0.0.1:8480 with the embedded SQLite store.
run: $(VENV)/.run
	$(BIN)/psp-sandbox serve $(ARGS)

## Install with dev extras and run every check: lint, types, the whole pytest suite.
test: $(VENV)/.dev browser postgres lint typecheck pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy -p psp_sandbox.simulator -p psp_sandbox.client

pytest: $(VENV)/.dev
	$(BIN)/pytest -n 2 --dist loadgroup -q

## Debian's Chromium, for the tests that drive the hosted pages in a real browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

## Debian's PostgreSQL server, which the tests start themselves (in a temporary directory).
postgres:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || command -v pg_ctl >/dev/null 2>&1 || { \
	  echo "installing Debian's postgresql for the PostgreSQL store tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql; }

## Throughput and latency against a bare aiohttp baseline (needs wrk; installed if missing);
## every provider's primary path and the CI mix (table, results/<time>.json, the README's chart);
## 1, 2 and 4 workers on SQLite and PostgreSQL; purchases while heavy admin reads run; where a
## purchase's time goes, layer by layer (py-spy).
bench: $(VENV)/.dev postgres
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.providers
	$(BIN)/python -m benchmarks.scale
	$(BIN)/python -m benchmarks.heavy_reads
	$(BIN)/python -m benchmarks.layers
	$(BIN)/python -m benchmarks.calls
	$(BIN)/python -m benchmarks.instructions --steps

## Retake docs/images/dashboard.png, the README's picture of the dashboard.
screenshots: $(VENV)/.dev browser
	$(BIN)/python docs/images/dashboard.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis

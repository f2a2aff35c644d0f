# 鸿雁 Hongyan — one command to set up, run the demo and test.
VENV ?= .venv
BIN := $(VENV)/bin
SCALE ?= county
SEED ?= 20220513
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup demo test test-fast lint typecheck pytest pytest-fast bench vendor lock docs messages

setup:
	bash scripts/setup.sh

demo: setup
	$(BIN)/hongyan db start
	$(BIN)/hongyan demo build --scale $(SCALE) --seed $(SEED)
	$(BIN)/hongyan serve --host $(HOST) --port $(PORT)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck:
	$(BIN)/mypy

# Every test: first all but the server ones, spread over one pytest-xdist worker per core (each worker has its
# own throwaway cluster), under the coverage floor in pyproject.toml ([tool.coverage.report] fail_under, which
# only goes up); then the ones that start `hongyan serve` processes, alone, since they watch how the server's
# workers share connections.
pytest:
	$(BIN)/pytest -q -n auto --dist loadfile -m "not server" --durations=15 --cov --cov-report=term:skip-covered
	$(BIN)/pytest -q -m server

# Lint, types and the tests that need no database, browser or server: the quick loop while coding.
pytest-fast:
	$(BIN)/pytest -q -m "not db and not browser and not server"

test: setup lint typecheck pytest

test-fast: setup lint typecheck pytest-fast

# The documentation site from docs/ into site/, offline; --strict turns a broken link or anchor into an error
# (mkdocs.yml's validation). The API reference is generated from the app during the build.
docs: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

# Re-pins what CI installs (constraints.txt) from a fresh resolve of pyproject.toml's dependencies.
lock:
	bash scripts/lock.sh

# Each benchmark builds the county demo in its own throwaway cluster; results go in docs/benchmarks.md.
bench:
	WITH_BENCH=1 bash scripts/setup.sh
	$(BIN)/pip install -q -c constraints.txt -e ".[dev,bench]"
	$(BIN)/python -m bench.demo_build
	$(BIN)/python -m bench.circles
	$(BIN)/python -m bench.tiles
	$(BIN)/python -m bench.imports
	$(BIN)/python -m bench.rebalance

# Re-vendors the Leaflet front-end assets from the npm registry (pinned in web_map/vendor/package-lock.json).
vendor:
	bash scripts/vendor_js.sh

# Re-extracts the workbench's messages and merges them into its catalogs (translate the new zh_CN entries).
messages:
	BIN=$(BIN) bash scripts/messages.sh

# 鸿雁 Hongyan — one command to set up, run the demo and test.
VENV ?= .venv
BIN := $(VENV)/bin
SCALE ?= county
SEED ?= 20220513
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup demo test lint typecheck pytest bench vendor

setup:
	bash scripts/setup.sh

demo: setup
	$(BIN)/hongyan db start
	$(BIN)/hongyan demo build --scale $(SCALE) --seed $(SEED)
	$(BIN)/hongyan serve --host $(HOST) --port $(PORT)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/pytest -q

test: setup lint typecheck pytest

# Each benchmark builds the county demo in its own throwaway cluster; results go in docs/benchmarks.md.
bench:
	WITH_BENCH=1 bash scripts/setup.sh
	$(BIN)/pip install -q -e ".[dev,bench]"
	$(BIN)/python -m bench.demo_build
	$(BIN)/python -m bench.circles
	$(BIN)/python -m bench.tiles
	$(BIN)/python -m bench.imports
	$(BIN)/python -m bench.rebalance

# Re-vendors the Leaflet front-end assets from the npm registry (pinned in web_map/vendor/package-lock.json).
vendor:
	bash scripts/vendor_js.sh

# One entry point for people and CI. Every target sets up what it needs itself.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: install demo test test-fast test-slow lint typecheck bench clean proxy test-docker bench-hub

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --constraint constraints.txt --editable '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# configurable-http-proxy for JupyterHub, from npm, under the repository (node_modules/ is gitignored).
CHP := node_modules/.bin/configurable-http-proxy
$(CHP):
	@command -v npm >/dev/null || { echo "npm is needed for JupyterHub's proxy: apt-get install -y npm"; exit 1; }
	npm install --no-save --no-audit --no-fund --prefix . configurable-http-proxy@5.3.0

proxy: $(CHP)

## make demo: initialise $$SANDBOX_HOME (default ./var), build the demo warehouse, start gateway + JupyterHub
demo: $(STAMP) $(CHP)
	$(BIN)/sandbox up

## make test: lint, type-check, then the unit and integration suites (PostgreSQL is started if down)
test: $(STAMP) $(CHP) lint typecheck
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-chromium.sh
	$(BIN)/pytest -m "not slow"

## make test-slow: the long audit crash and proof sweeps (120 kills, proofs up to size 257)
test-slow: $(STAMP)
	bash scripts/ensure-postgres.sh
	$(BIN)/pytest -m slow

test-fast: $(STAMP)
	$(BIN)/pytest tests/unit -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

## make bench: every benchmark below (figures in the README); bench_dp also builds a SmartNoise venv
bench: $(STAMP) $(CHP)
	$(BIN)/python bench/bench_demo_data.py small
	bash scripts/ensure-postgres.sh
	$(BIN)/python bench/bench_pg_load.py small
	$(BIN)/python bench/bench_gateway.py small
	$(BIN)/python bench/bench_audit.py
	$(BIN)/python bench/bench_dp.py small
	$(BIN)/python bench/bench_pii.py
	$(BIN)/python bench/bench_exports.py
	$(BIN)/python bench/bench_hub.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

## make test-docker: DockerSpawner isolation proof (installs docker.io, builds a local image, spawns, cleans up)
test-docker: $(STAMP)
	bash images/test-docker.sh

bench-hub: $(STAMP) $(CHP)
	$(BIN)/python bench/bench_hub.py

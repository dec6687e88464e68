# social-monitor — developer entry points. `make demo` and `make test` work on a fresh machine.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test unit soak lint format bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: install
	$(BIN)/socmon demo --workdir demo-output

# Lint, types, then every test (unit and integration, against the embedded broker and PostgreSQL).
test: lint
	$(BIN)/python -m pytest

# Only the tests that need no service.
unit: install
	$(BIN)/python -m pytest -m "not integration"

# The fault suite with many more random kills than CI runs (takes tens of minutes).
soak: install
	SOCMON_SOAK=1 $(BIN)/python -m pytest tests/reliability -s

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python benchmarks/ingest_throughput.py
	$(BIN)/python benchmarks/classify_throughput.py
	$(BIN)/python benchmarks/process_throughput.py
	$(BIN)/python benchmarks/redact_throughput.py

clean:
	rm -rf $(VENV) demo-output socmon-data .pytest_cache .mypy_cache .ruff_cache

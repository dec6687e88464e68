# social-monitor — developer entry points. `make demo` and `make test` work on a fresh machine.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo demo-serve test unit soak lint format bench clean browser screenshots

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: install
	$(BIN)/socmon demo --workdir demo-output

# The demo, then the review app its emails link to (Ctrl-C stops it).
demo-serve: install
	$(BIN)/socmon demo --workdir demo-output --serve

# Lint, types, then every test (unit and integration, against the embedded broker and PostgreSQL).
test: lint browser
	$(BIN)/python -m pytest

# Only the tests that need no service.
unit: install
	$(BIN)/python -m pytest -m "not integration"

# The fault suite with many more random kills than CI runs (takes tens of minutes).
soak: install
	SOCMON_SOAK=1 $(BIN)/python -m pytest tests/reliability -s

# Debian's Chromium for the review app's browser tests (Playwright drives it; it never
# downloads a browser of its own). Installed with apt when missing and run as root.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; } || \
		{ echo "the browser tests need Chromium: apt-get install chromium" >&2; exit 1; }

# PNGs of the review queue, an alert's page and a critical email in docs/screenshots/.
screenshots: install browser
	$(BIN)/python -m testing.screenshots docs/screenshots

# docs/data-dictionary.md from the comments a freshly migrated warehouse carries (the
# descriptions declared in schemas/tables.py and schemas/views.py); a test checks it is current.
data-dictionary: install
	$(BIN)/python -m pipelines.usecases.dictionary docs/data-dictionary.md

# docs/screenshots/report.png: `socmon report` on a seeded week, photographed by Chromium.
report-screenshot: install browser
	$(BIN)/python -m testing.report_screenshot docs/screenshots

# The demo's tick with `socmon process` on Beam's DaskRunner: a scheduler and two worker
# processes on 127.0.0.1 (testing/dask_cluster.py), stopped when the tick ends.
.PHONY: dask-demo
dask-demo: install
	$(BIN)/python -m testing.dask_demo --workdir demo-output-dask --workers 2

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
	rm -rf $(VENV) demo-output demo-output-dask socmon-data .pytest_cache .mypy_cache .ruff_cache

# --- Deployment (deploy/) -------------------------------------------------------------------
.PHONY: airflow-venv compose-secrets compose-up

# Apache Airflow in an environment of its own (its pins conflict with ours; build/ is not
# committed), so that
# tests/deploy/test_airflow_dag.py can import deploy/airflow/ with Airflow itself (~40 s).
AIRFLOW_VENV    ?= build/airflow-venv
AIRFLOW_VERSION ?= 3.3.2

airflow-venv: $(AIRFLOW_VENV)/.installed

$(AIRFLOW_VENV)/.installed:
	$(PYTHON) -m venv $(AIRFLOW_VENV)
	$(AIRFLOW_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(AIRFLOW_VENV)/bin/python -m pip install --quiet "apache-airflow==$(AIRFLOW_VERSION)"
	touch $@

# `make test` imports the Airflow DAG with Airflow present.
test: airflow-venv

# Random secrets for deploy/compose.yaml, written once (deploy/secrets/ is never committed).
COMPOSE_SECRETS := SOCMON_PRIVACY__PSEUDONYM_KEY SOCMON_WAREHOUSE__PASSWORD SOCMON_REVIEW__LINK_KEY

compose-secrets:
	@umask 077; for name in $(COMPOSE_SECRETS); do \
		[ -s deploy/secrets/$$name ] || $(PYTHON) -c "import secrets; print(secrets.token_hex(32))" \
			> deploy/secrets/$$name; done

# Kafka (KRaft), PostgreSQL, Mailpit, ticks every five minutes and the review app.
compose-up: compose-secrets
	docker compose -f deploy/compose.yaml up -d --build

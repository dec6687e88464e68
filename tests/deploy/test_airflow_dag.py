"""The Airflow DAGs in deploy/airflow/, imported by Airflow itself.

Airflow cannot share socmon's environment (its pins conflict, and socmon is installed
alone), so ``make airflow-venv`` builds ``build/airflow-venv`` with Apache Airflow 3.3 (about
40 s from the package index here) and these tests run ``tests/deploy/airflow_probe.py``
with that environment's Python: Airflow's DagBag loads the folder, and the probe prints
the DAGs, their tasks, schedules and retry rules as JSON. The tasks' callable then runs
the real ``socmon`` (this environment's) to show how each exit code is judged.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from connectors.broker import free_loopback_port
from pipelines.config import WarehouseSettings
from pipelines.warehouse import open_warehouse

ROOT = Path(__file__).resolve().parents[2]
DAG_FOLDER = ROOT / "deploy" / "airflow"
PROBE = Path(__file__).with_name("airflow_probe.py")
AIRFLOW_PYTHON = Path(
    os.environ.get("SOCMON_AIRFLOW_PYTHON", ROOT / "build/airflow-venv/bin/python")
)
SOCMON = Path(sys.executable).with_name("socmon")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def airflow_python() -> Path:
    if not AIRFLOW_PYTHON.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{AIRFLOW_PYTHON} is missing: `make test` builds it (make airflow-venv)")
        pytest.skip("no Airflow environment: run `make airflow-venv`")
    return AIRFLOW_PYTHON


def probe(
    airflow_python: Path, tmp_path: Path, *arguments: str, env: dict[str, str] | None = None
) -> dict[str, Any]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("SOCMON_")}
    environment.update(AIRFLOW_HOME=str(tmp_path / "airflow-home"), SOCMON_BIN=str(SOCMON))
    environment.update(env or {})
    completed = subprocess.run(
        [str(airflow_python), str(PROBE), str(DAG_FOLDER), *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
        cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    [document] = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    answer: dict[str, Any] = json.loads(document)
    return answer


def test_airflow_imports_the_dags_with_their_tasks_schedules_and_retries(
    airflow_python: Path, tmp_path: Path
) -> None:
    seen = probe(airflow_python, tmp_path)

    assert seen["import_errors"] == {}
    tick = seen["dags"]["socmon_tick"]
    assert tick["schedule"] == "*/5 * * * *"
    assert tick["catchup"] is False
    assert tick["max_active_runs"] == 1
    tasks = tick["tasks"]
    assert {name: task["downstream"] for name, task in tasks.items()} == {
        "ingest": ["process"],
        "process": ["notify"],
        "notify": [],
    }
    assert {name: task["op_args"] for name, task in tasks.items()} == {
        "ingest": ["ingest"],
        "process": ["process"],
        "notify": ["notify"],
    }
    assert all(task["retries"] > 0 for task in tasks.values())
    retention = seen["dags"]["socmon_retention"]
    assert retention["schedule"] == "@daily"
    assert list(retention["tasks"]) == ["retention"]
    # Retries only on 1 (and on a kill); 2 fails at once; 3 succeeds with a warning.
    assert seen["exit_codes"] == {
        "0": "success",
        "1": "fail and retry",
        "2": "fail without retry",
        "3": "success",
        "137": "fail and retry",
    }


@pytest.mark.parametrize(
    ("arguments", "env", "expected"),
    [
        (["--version"], {}, "success 0"),
        # A usage error: retrying cannot help.
        (["frobnicate"], {}, "fail without retry"),
        # The broker is down: a retry later can succeed.
        (
            ["ingest"],
            {"SOCMON_KAFKA__CONNECT_TIMEOUT_MS": "500", "SOCMON_CONNECTORS__ENABLED": "[]"},
            "fail and retry",
        ),
    ],
)
def test_the_tasks_run_the_real_socmon_and_judge_its_exit_code(
    airflow_python: Path,
    tmp_path: Path,
    arguments: list[str],
    env: dict[str, str],
    expected: str,
) -> None:
    if arguments == ["ingest"]:
        url = f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
        open_warehouse(WarehouseSettings(url=url)).close()  # created and migrated
        env = {
            **env,
            "SOCMON_WAREHOUSE__URL": url,
            "SOCMON_KAFKA__BOOTSTRAP_SERVERS": f"127.0.0.1:{free_loopback_port()}",
        }

    answer = probe(airflow_python, tmp_path, "run", *arguments, env=env)

    assert answer["outcome"] == expected

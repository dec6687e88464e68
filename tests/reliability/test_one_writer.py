"""One writer per warehouse: a second `socmon process` waits for the first, or exits 1 naming
what holds the warehouse — never two commits of the same range."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.config import Settings
from pipelines.warehouse import WarehouseBusy, open_warehouse
from testing.synthetic import demo_lines
from tests.integration.helpers import query, replay, run_cli, settings_environment
from tests.support import SettingsFactory

pytestmark = pytest.mark.integration

DEADLINE_S = 300


def with_wait(settings: Settings, seconds: float) -> Settings:
    warehouse = settings.warehouse.model_copy(update={"lock_wait_s": seconds})
    return settings.model_copy(update={"warehouse": warehouse})


def test_two_processes_at_once_commit_each_range_once(
    make_settings: SettingsFactory, warehouse_kind: str, tmp_path: Path
) -> None:
    settings = with_wait(make_settings(warehouse_kind), 120)
    lines = demo_lines(3000, seed=3)
    replay(settings, lines, tmp_path / "r.jsonl")
    environment = settings_environment(settings)
    command = [sys.executable, "-m", "pipelines.cli", "process"]
    first = subprocess.Popen(command, env=environment, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, env=environment, stderr=subprocess.PIPE, text=True)
    for running in (first, second):
        _, stderr = running.communicate(timeout=DEADLINE_S)
        assert running.returncode == 0, stderr

    runs = query(settings, "SELECT status, records_read FROM runs ORDER BY started_at")
    assert [run["status"] for run in runs] == ["succeeded", "succeeded"]
    assert sorted(run["records_read"] for run in runs) == [0, len(lines)]
    [letters] = query(
        settings, "SELECT count(*) AS n, count(DISTINCT value_sha256) AS d FROM dead_letters"
    )
    assert letters["n"] == letters["d"]


def test_a_writer_that_cannot_wait_exits_1_naming_the_holder(
    make_settings: SettingsFactory, warehouse_kind: str
) -> None:
    settings = with_wait(make_settings(warehouse_kind), 0.5)
    with open_warehouse(settings.warehouse, writer="process"):
        refused = run_cli(settings, "process")
        assert refused.returncode == 1
        assert "WarehouseBusy" in refused.stderr
        # PostgreSQL names the session's command; DuckDB the process holding the file (us).
        holder = "'socmon process'" if warehouse_kind == "postgresql" else f"process {os.getpid()}"
        assert holder in refused.stderr
        assert "Traceback" not in refused.stderr and len(refused.stderr.splitlines()) == 1
        if warehouse_kind == "postgresql":  # DuckDB shares an open file within one process
            with pytest.raises(WarehouseBusy):
                open_warehouse(settings.warehouse, writer="notify")

"""Analysts read while the pipeline writes: the analytics copy of a DuckDB warehouse.

An analyst holds a read-only connection to the copy during three `socmon run` ticks: every
tick succeeds (the pipeline's own file is never held by the analyst), the open connection
keeps its consistent view, and reopening shows each new commit.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.warehouse.duckdb_connection import analytics_copy_path
from testing.synthetic import generate_records, record_line
from tests.integration.helpers import run_cli
from tests.support import SettingsFactory

pytestmark = pytest.mark.integration


def records_in(connection: duckdb.DuckDBPyConnection) -> int:
    return int(connection.execute("SELECT count(*) FROM records").fetchone()[0])  # type: ignore[index]


def test_an_analyst_reading_the_copy_never_stops_a_tick(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    settings = make_settings()
    batches = list(generate_records(60, seed=17))
    copy = analytics_copy_path(settings.warehouse.url)
    analyst: duckdb.DuckDBPyConnection | None = None
    seen: list[int] = []
    try:
        for tick in range(3):
            source = tmp_path / f"tick-{tick}.jsonl"
            source.write_bytes(
                b"\n".join(record_line(r) for r in batches[tick * 20 : (tick + 1) * 20]) + b"\n"
            )
            ticked = settings.model_copy(
                update={"ingest": settings.ingest.model_copy(update={"replay_files": (source,)})}
            )
            completed = run_cli(ticked, "run")
            assert completed.returncode == 0, completed.stderr
            if analyst is not None:
                before = records_in(analyst)  # the connection held through the tick
                assert before == seen[-1]
                analyst.close()
            analyst = duckdb.connect(str(copy), read_only=True)
            seen.append(records_in(analyst))
    finally:
        if analyst is not None:
            analyst.close()

    assert seen[0] > 0
    assert seen[0] < seen[1] < seen[2]
    assert not list(copy.parent.glob(f".{copy.name}.*.partial"))

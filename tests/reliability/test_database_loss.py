"""PostgreSQL loses the pipeline's session in the middle of the commit (a restart, a failover,
an administrator's pg_terminate_backend): the run fails, nothing half-written stays, and the
next run stores every record exactly once."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from testing.synthetic import demo_lines
from tests.integration.helpers import count, query, replay, settings_environment
from tests.support import POSTGRES_URL, SettingsFactory

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DEADLINE_S = 300


def terminate_during_commit(stop: threading.Event, found: list[str]) -> None:
    """Cut the socmon session once it is inside the commit transaction's record upsert."""
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        while not stop.is_set():
            rows = admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = 'socmon process' "
                "AND state = 'active' "
                "AND (query ILIKE '%INSERT INTO records%' OR query ILIKE '%COPY%staged%')"
            ).fetchall()
            if rows:
                admin.execute("SELECT pg_terminate_backend(%s)", (rows[0][0],))
                found.append(str(rows[0][0]))
                return
            time.sleep(0.005)


def test_a_session_lost_during_the_commit_leaves_nothing_and_the_rerun_stores_all(
    make_settings: SettingsFactory, postgres_available: bool, tmp_path: Path
) -> None:
    if not postgres_available:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    settings = make_settings("postgresql")
    lines = demo_lines(20_000, seed=9)
    replay(settings, lines, tmp_path / "r.jsonl")
    stop, found = threading.Event(), []
    watcher = threading.Thread(target=terminate_during_commit, args=(stop, found), daemon=True)
    watcher.start()
    command = [sys.executable, "-m", "pipelines.cli", "process"]
    cut = subprocess.run(
        command,
        env=settings_environment(settings),
        capture_output=True,
        text=True,
        timeout=DEADLINE_S,
        check=False,
    )
    stop.set()
    watcher.join(timeout=10)
    assert found, "the commit was never seen: the test did not cut it"
    assert cut.returncode == 1, cut.stderr
    assert count(settings, "records") == 0  # the transaction went with the session
    assert count(settings, "offsets") == 0

    rerun = subprocess.run(
        command,
        env=settings_environment(settings),
        capture_output=True,
        text=True,
        timeout=DEADLINE_S,
        check=False,
    )
    assert rerun.returncode == 0, rerun.stderr
    [run] = query(settings, "SELECT * FROM runs WHERE status = 'succeeded'")
    assert run["records_read"] == len(lines)
    accounted = ("records_stored", "duplicates", "dead_letters", "out_of_scope")
    assert sum(run[name] for name in accounted) == len(lines)
    assert count(settings, "records") == run["records_stored"]
    statuses = sorted(row["status"] for row in query(settings, "SELECT status FROM runs"))
    assert statuses in (["abandoned", "succeeded"], ["failed", "succeeded"])

"""The README's promises: `socmon demo` works on a fresh directory and twice adds no rows."""

from __future__ import annotations

import queue
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

import duckdb
import pytest


def socmon(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


def row_counts(warehouse: Path) -> dict[str, int]:
    """Rows in the records and dead-letter tables, by table name."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        cursor = connection.execute(
            "SELECT (SELECT count(*) FROM records) AS records, "
            "(SELECT count(*) FROM dead_letters) AS dead_letters"
        )
        names = [column[0] for column in cursor.description or []]
        [counts] = cursor.fetchall()
        return dict(zip(names, counts, strict=True))


def first_line(stream: IO[str], what: str, timeout_s: float = 60.0) -> str:
    """The first line ``stream`` gives, or a failure naming ``what`` after ``timeout_s``."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout_s)
    except queue.Empty:
        raise AssertionError(f"{what} printed no line within {timeout_s:.0f} s") from None


@pytest.mark.integration
@pytest.mark.slow
def test_demo_twice_on_the_same_directory_adds_no_rows(tmp_path: Path) -> None:
    workdir = tmp_path / "demo"
    first = socmon("demo", "--workdir", str(workdir), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "reconciles                   : yes" in first.stdout
    assert "coverage gaps                : none" in first.stdout
    # What a person reads: a short page, no library chatter, a link to review the worst alert.
    output = (first.stderr + first.stdout).splitlines()
    assert len(output) < 60, "\n".join(output)
    assert not [line for line in output if "great_expectations" in line or "apitools" in line]
    assert "http://127.0.0.1:8765/alerts/" in first.stdout
    counts = row_counts(workdir / "warehouse.duckdb")
    # 3 accounts x 30 posts x 20 replies or comments, 2 x 25 mentions (the demo's seed plan)
    assert counts == {"records": 3 * 30 * 21 + 2 * 25, "dead_letters": 0}

    second = socmon("demo", "--workdir", str(workdir), cwd=tmp_path)

    assert second.returncode == 0, second.stderr
    # The connectors resume from their cursors: what is fetched again is not a new row.
    assert "stored (new/updated/same)    : " in second.stdout
    assert "(0/" in second.stdout.split("stored (new/updated/same)")[1].splitlines()[0]
    assert row_counts(workdir / "warehouse.duckdb") == counts


def test_help_does_not_import_the_heavy_parts(tmp_path: Path) -> None:
    heavy = "('apache_beam', 'kafka', 'duckdb', 'pyarrow', 'great_expectations')"
    program = "import sys; from pipelines import cli; "
    program += f"print(sorted(m for m in {heavy} if m in sys.modules))"
    completed = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True
    )
    assert completed.stdout.strip() == "[]"
    assert socmon("--help", cwd=tmp_path).returncode == 0


def test_unknown_command_exits_2(tmp_path: Path) -> None:
    completed = socmon("frobnicate", cwd=tmp_path)
    assert completed.returncode == 2
    assert "No such command" in completed.stderr


@pytest.mark.integration
def test_socmon_broker_says_where_it_listens_and_creates_the_topics(tmp_path: Path) -> None:
    from kafka import KafkaAdminClient

    from connectors.broker import free_loopback_port

    port = free_loopback_port()
    with subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "broker", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=tmp_path,
    ) as broker:
        try:
            assert broker.stdout is not None
            listening = first_line(broker.stdout, "socmon broker")
            assert f"127.0.0.1:{port}" in listening
            admin = KafkaAdminClient(bootstrap_servers=f"127.0.0.1:{port}")
            try:
                topics = set(admin.list_topics())
            finally:
                admin.close()
            assert {"socmon.records.v1", "socmon.alerts.v1", "socmon.deadletter.v1"} <= topics
        finally:
            broker.terminate()
            broker.wait(timeout=30)
    # SIGTERM unwinds the command, which stops its broker: nothing listens any more.
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


@pytest.mark.integration
@pytest.mark.slow
def test_socmon_run_is_one_tick_on_embedded_defaults(tmp_path: Path) -> None:
    sample = Path(__file__).parents[2] / "testing" / "demo_data" / "sample_records.jsonl"
    config = tmp_path / "socmon.toml"
    config.write_text(
        (Path(__file__).parents[2] / "testing" / "demo_data" / "demo.toml").read_text()
        + f'\n[ingest]\nreplay_files = ["{sample}"]\n[connectors]\nenabled = ["replay"]\n',
        encoding="utf-8",
    )
    completed = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stderr
    assert "ingested 2051 message(s)" in completed.stdout
    assert "stored 2000" in completed.stdout
    assert (tmp_path / "socmon-data" / "warehouse.duckdb").exists()

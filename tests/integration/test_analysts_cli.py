"""`socmon query` and `socmon export` through the real command line, on both warehouses.

The query connection refuses every write (and on DuckDB any file outside the warehouse);
an analyst reads the published analytics copy while the pipeline holds the DuckDB file;
exports are partitioned by date and carry the warehouse's descriptions; JSON columns are
read inside with the same SQL on both and come out as their text.
"""

from __future__ import annotations

import csv
import email
import email.policy
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest

from pipelines.config import Settings
from pipelines.warehouse import open_warehouse
from tests.integration.helpers import run_cli
from tests.pipelines.warehouse.analytics_data import RECORDS, REVIEWER, insert, load
from tests.support import SettingsFactory

pytestmark = pytest.mark.integration


def changed(settings: Settings, **warehouse: object) -> Settings:
    """The settings with these warehouse keys changed."""
    return settings.model_copy(
        update={"warehouse": settings.warehouse.model_copy(update=warehouse)}
    )


@pytest.fixture
def settings(make_settings: SettingsFactory, warehouse_kind: str) -> Settings:
    configured = changed(make_settings(warehouse_kind), analytics_copy=False)
    with open_warehouse(configured.warehouse) as warehouse:
        load(warehouse, configured)
    return configured


def test_query_prints_a_table_csv_and_json(settings: Settings) -> None:
    sql = "SELECT rule_id, alerts, precision FROM rule_precision ORDER BY rule_id"
    table = run_cli(settings, "query", sql)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["rule_id", "|", "alerts", "|", "precision"]
    assert lines[2].split() == ["abuse-received", "|", "2", "|", "1.0"]
    assert lines[-1] == "(4 rows)"

    as_csv = run_cli(settings, "query", "--csv", sql)
    assert list(csv.reader(as_csv.stdout.splitlines()))[:2] == [
        ["rule_id", "alerts", "precision"],
        ["abuse-received", "2", "1.0"],
    ]
    as_json = run_cli(settings, "query", "--json", sql)
    assert json.loads(as_json.stdout)[2] == {
        "rule_id": "offensive-received",
        "alerts": 1,
        "precision": None,
    }
    empty = run_cli(settings, "query", "--csv", "SELECT account FROM accounts WHERE false")
    assert empty.stdout == "account\n"


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO erasures (subject_kind, subject, erased_at, reason) "
        "VALUES ('record', 'x:1', now(), 'test')",
        "DELETE FROM records",
        "DROP VIEW rule_precision",
        "CREATE TABLE mine (a INTEGER)",
    ],
)
def test_query_refuses_every_write(settings: Settings, statement: str) -> None:
    refused = run_cli(settings, "query", statement)
    assert refused.returncode == 2, refused.stdout
    assert "read-only" in refused.stderr.lower() or "read only" in refused.stderr.lower()
    after = run_cli(settings, "query", "--json", "SELECT count(*) AS n FROM records")
    assert json.loads(after.stdout) == [{"n": len(RECORDS)}]


def test_query_cannot_turn_its_session_writable(settings: Settings) -> None:
    if settings.warehouse.url.startswith("duckdb"):
        attempts = ["SET access_mode = 'READ_WRITE'", "SET enable_external_access = true"]
    else:
        attempts = [
            "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE; DELETE FROM records",
            "SET default_transaction_read_only = off; DELETE FROM records",
        ]
    for attempt in attempts:
        assert run_cli(settings, "query", attempt).returncode == 2
    after = run_cli(settings, "query", "--json", "SELECT count(*) AS n FROM records")
    assert json.loads(after.stdout) == [{"n": len(RECORDS)}]


def test_query_on_duckdb_reaches_no_file_outside_the_warehouse(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    settings = make_settings("duckdb")
    open_warehouse(settings.warehouse).close()
    leaked = tmp_path / "leak.csv"
    for statement in (
        f"COPY (SELECT * FROM records) TO '{leaked}'",
        f"ATTACH '{tmp_path / 'other.duckdb'}' AS other",
        "SELECT * FROM read_csv('/etc/hostname')",
    ):
        refused = run_cli(settings, "query", statement)
        assert refused.returncode == 2, statement
        assert "disabled by configuration" in refused.stderr
    assert not leaked.exists()
    assert not (tmp_path / "other.duckdb").exists()


def test_an_analyst_reads_the_copy_while_the_pipeline_holds_the_file(
    make_settings: SettingsFactory,
) -> None:
    settings = changed(make_settings("duckdb"), lock_wait_s=0)
    with open_warehouse(settings.warehouse, writer="process") as pipeline:
        load(pipeline, settings)
        assert pipeline.connection.publish_for_readers() is not None
        with pipeline.transaction():  # committed after the copy was published
            insert(pipeline, "records", [{**RECORDS[0], "id": "x:99", "native_id": "99"}])
        # The pipeline still holds warehouse.duckdb: the analyst reads the copy.
        read = run_cli(settings, "query", "--json", "SELECT count(*) AS n FROM records")
        assert read.returncode == 0, read.stderr
        assert json.loads(read.stdout) == [{"n": len(RECORDS)}]
        assert "warehouse.analytics.duckdb" in read.stderr


def test_export_parquet_is_partitioned_by_date_and_described(
    settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "exports"
    done = run_cli(settings, "export", "--view", "alert_lifecycle", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "5 rows of alert_lifecycle" in done.stdout
    folders = sorted(path.name for path in (out / "alert_lifecycle").iterdir())
    assert folders == ["date=2026-11-16", "date=2026-11-23", "date=2026-11-24"]
    dataset = pads.dataset(out / "alert_lifecycle", format="parquet", partitioning="hive")
    table = dataset.to_table()
    assert sorted(table.column("alert_id").to_pylist()) == ["A1", "A2", "A3", "A4", "A5"]
    schema = pq.read_schema(next((out / "alert_lifecycle" / "date=2026-11-23").iterdir()))
    assert schema.metadata[b"relation"] == b"alert_lifecycle"
    assert schema.field("minutes_to_acknowledge").metadata == {
        b"description": b"From the alert to its first acknowledgement"
    }

    since = run_cli(
        settings, "export", "--table", "records", "--since", "2026-11-24", "--out", str(out)
    )
    assert since.returncode == 0, since.stderr
    records = pads.dataset(out / "records", format="parquet", partitioning="hive").to_table()
    assert sorted(records.column("id").to_pylist()) == ["facebook:5", "x:4"]
    assert str(records.schema.field("created_at").type) == "timestamp[us, tz=UTC]"


def test_json_columns_are_read_inside_and_come_out_as_their_text(
    settings: Settings, tmp_path: Path
) -> None:
    # The same SQL reads inside a JSON column on both back ends (JSON / jsonb, no cast).
    shown = run_cli(
        settings,
        "query",
        "--json",
        "SELECT alert_id, recipients, evidence -> 'findings' -> 1 ->> 'rule_id' AS second_rule "
        "FROM alerts WHERE alert_id = 'A2'",
    )
    assert shown.returncode == 0, shown.stderr
    [row] = json.loads(shown.stdout)
    assert row["second_rule"] == "hate-received"
    assert json.loads(row["recipients"]) == [REVIEWER]  # a document's text, on both

    done = run_cli(settings, "export", "--table", "records", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    records = pads.dataset(tmp_path / "records", format="parquet", partitioning="hive").to_table()
    assert records.schema.field("accounts").type == pa.string()
    accounts = dict(zip(records["id"].to_pylist(), records["accounts"].to_pylist(), strict=True))
    assert json.loads(accounts["x:4"]) == ["uni_main", "uni_research"]


def test_export_csv_and_refusals(settings: Settings, tmp_path: Path) -> None:
    done = run_cli(
        settings, "export", "--view", "rule_precision", "--format", "csv", "--out", str(tmp_path)
    )
    assert done.returncode == 0, done.stderr
    with open(tmp_path / "rule_precision.csv", encoding="utf-8") as exported:
        assert sorted(row["rule_id"] for row in csv.DictReader(exported)) == [
            "abuse-received",
            "hate-received",
            "offensive-received",
            "threat-received",
        ]
    for arguments, message in (
        (["--view", "nope"], "no view 'nope'; known: account_activity_daily"),
        (["--table", "rule_precision"], "no table 'rule_precision'"),
        (["--view", "rule_precision", "--since", "2026-11-01"], "no date or time column"),
        (["--view", "alert_lifecycle", "--table", "records"], "give one of --view"),
    ):
        refused = run_cli(settings, "export", *arguments, "--out", str(tmp_path))
        assert refused.returncode == 2
        assert message in refused.stderr


def test_the_report_is_emailed_to_its_recipients_once_per_period(
    settings: Settings, tmp_path: Path
) -> None:
    outbox = tmp_path / "outbox"
    asked = settings.model_copy(
        update={
            "operations": settings.operations.model_copy(
                update={
                    "outbox_dir": outbox,
                    "report_recipients": (
                        "comms@university.example",
                        "vc-office@university.example",
                    ),
                }
            )
        }
    )
    arguments = ("report", "--until", "2026-11-25", "--out", str(tmp_path / "r.html"), "--send")

    first = run_cli(asked, *arguments)
    again = run_cli(asked, *arguments)  # the same week again: the same Message-IDs

    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert "sent to 2 recipient(s) through .eml files" in first.stdout
    emails = sorted(outbox.glob("*.eml"))
    assert len(emails) == 2  # one file per Message-ID: the rerun wrote the same two
    read = [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in emails
    ]
    assert sorted(str(message["To"]) for message in read) == [
        "comms@university.example",
        "vc-office@university.example",
    ]
    for message in read:
        assert str(message["Subject"]).startswith("[socmon] Report on the official accounts")
        attached = [part.get_filename() for part in message.iter_attachments()]
        assert attached == ["report.html"]
    unasked = run_cli(settings, *arguments)
    assert unasked.returncode == 2 and "report_recipients" in unasked.stderr

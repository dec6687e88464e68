"""Typed JSON (migration 0013) on DuckDB and PostgreSQL.

A warehouse built at migration 0012, holding rows in every JSON column, upgrades in place:
each document reads back as the same JSON, the columns are ``JSON`` / ``jsonb``, and every
view returns the rows it returned before. After it, both back ends return a JSON column as
text, and the stores' filters over JSON arrays still find their rows. A DuckDB file killed
before its migrations were checkpointed opens again without a network.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

import pytest

from pipelines.audit import AuditEntry
from pipelines.warehouse import Warehouse, connect, open_warehouse
from pipelines.warehouse.connection import Connection
from pipelines.warehouse.duckdb_connection import duckdb_path
from pipelines.warehouse.migrations import applied_version, latest_version, migrate
from pipelines.warehouse.subject_access import SubjectAccessStore
from schemas.review import QueueFilter
from schemas.tables import TABLES
from schemas.views import VIEWS
from tests.pipelines.warehouse.analytics_data import MONDAY, at, insert, load
from tests.support import SettingsFactory

pytestmark = pytest.mark.integration

BEFORE_TYPED_JSON = 12
AUDIT = AuditEntry("erase", ("uni_main",), {"socmon": "test"}, "digest", "tester")
PSEUDONYM = "p" * 64
JSON_COLUMNS = [
    (table.name, column.name)
    for table in TABLES.values()
    for column in table.columns
    if column.json
]
#: Documents as other writers may have left them: keys unsorted, spaces, non-ASCII text.
EVIDENCE = '{"z": 1,   "excerpt": "café — 👍 [PERSON]", "nested": {"b": [1, 2.5, null], "a": true}}'


def more_json_rows(warehouse: Warehouse) -> None:
    """Rows in the JSON columns the analysts' data set leaves empty."""
    moment = at(MONDAY, 13)
    insert(
        warehouse,
        "audit_log",
        [
            {
                "audit_id": "audit-1",
                "created_at": moment,
                "command": "erase",
                "run_id": None,
                "accounts": '["uni_main"]',
                "counts": '{"erased": "author", "subject": "' + "a" * 64 + '", "records": 2}',
                "entity_counts": "{}",
                "versions": '{"socmon": "1.0"}',
                "config_digest": "digest",
                "operator": "tester",
            }
        ],
    )
    insert(
        warehouse,
        "cursor_checkpoints",
        [
            {
                "connector": "twitter",
                "account": "uni_main",
                "sequence": 1,
                "cursor_state": '{"since_id":  "17"}',
                "topic": "records",
                "cluster_id": "cluster",
                "positions": '{"0": 12, "1": 7}',
                "created_at": moment,
            }
        ],
    )
    insert(
        warehouse,
        "alert_deliveries",
        [
            {
                "delivery_id": "delivery-1",
                "alert_id": "A1",
                "recipient": "manager@university.example",
                "mode": "immediate",
                "due_at": moment,
                "status": "pending",
                "attempts": 0,
                "run_id": "run-2",
                "created_at": moment,
                "escalation_step": 1,
                "escalated_from": '["owner@university.example"]',
                "escalated_since": moment,
            }
        ],
    )
    insert(
        warehouse,
        "alert_events",
        [
            {
                "event_id": "event-1",
                "alert_id": "A1",
                "event": "noted",
                "actor": "reviewer@university.example",
                "detail": '{"note": "seen"}',
                "created_at": moment,
            }
        ],
    )
    insert(
        warehouse,
        "operations_problems",
        [
            {
                "kind": "failed_run",
                "subject": "process",
                "summary": "process failed",
                "detail": '{"lines": ["one", "two"]}',
                "opened_at": moment,
                "resolved_at": None,
            }
        ],
    )
    warehouse.connection.execute(
        "UPDATE runs SET ranges = ?, versions = ?, entity_counts = ?, coverage_gaps = ?",
        (
            '[{"topic": "records", "partition": 0, "start": 0, "end": 10}]',
            '{"socmon": "1.0"}',
            '{"EMAIL": 1}',
            '["uni_main/posts: partial — rate limited"]',
        ),
    )
    warehouse.connection.execute(
        "UPDATE alerts SET evidence = ? WHERE alert_id = 'A3'", (EVIDENCE,)
    )


def documents(connection: Connection) -> dict[tuple[str, str], list[tuple[Any, ...]]]:
    """Every JSON column's values, parsed, by table key."""
    found = {}
    for table, column in JSON_COLUMNS:
        key = ", ".join(TABLES[table].key)
        rows = connection.execute(f"SELECT {key}, {column} FROM {table} ORDER BY {key}")
        found[(table, column)] = [
            (*row[:-1], None if row[-1] is None else json.loads(row[-1])) for row in rows
        ]
    return found


def view_rows(connection: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every view's rows, in a fixed order, floats rounded (both back ends compare equal)."""
    found = {}
    for view in VIEWS.values():
        order = ", ".join(str(position) for position in range(1, len(view.columns) + 1))
        rows = connection.execute(f"SELECT * FROM {view.name} ORDER BY {order}")
        found[view.name] = [
            tuple(round(value, 6) if isinstance(value, float) else value for value in row)
            for row in rows
        ]
    return found


def column_types(connection: Connection) -> dict[tuple[str, str], str]:
    rows = connection.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema()"
    )
    return {(table, column): data_type for table, column, data_type in rows}


def test_a_warehouse_at_0012_upgrades_in_place_keeping_every_document_and_view_row(
    make_settings: SettingsFactory, warehouse_kind: str
) -> None:
    settings = make_settings(warehouse_kind)
    connection = connect(settings.warehouse)
    try:
        assert migrate(connection, up_to=BEFORE_TYPED_JSON)[-1] == BEFORE_TYPED_JSON
        old = Warehouse(connection)
        load(old, settings)
        more_json_rows(old)
        text_type, json_type = (
            ("VARCHAR", "JSON") if warehouse_kind == "duckdb" else ("text", "jsonb")
        )
        assert {column_types(connection)[column] for column in JSON_COLUMNS} == {text_type}
        stored, shown = documents(connection), view_rows(connection)
        assert all(stored.values()), [column for column, rows in stored.items() if not rows]

        assert migrate(connection) == [13]

        assert applied_version(connection) == latest_version()
        after = column_types(connection)
        assert {after[column] for column in JSON_COLUMNS} == {json_type}
        assert after[("connector_cursors", "cursor_state")] == text_type
        assert documents(connection) == stored
        assert view_rows(connection) == shown
        # Both back ends give a JSON column back as text, as every reader expects.
        [(evidence,)] = connection.execute("SELECT evidence FROM alerts WHERE alert_id = 'A3'")
        assert isinstance(evidence, str)
        assert json.loads(evidence) == json.loads(EVIDENCE)
        if warehouse_kind == "duckdb":
            assert evidence == EVIDENCE  # DuckDB keeps the text as written
        [(cursor,)] = connection.execute("SELECT cursor_state FROM cursor_checkpoints")
        assert cursor == '{"since_id":  "17"}'  # text, exactly as the connector wrote it
    finally:
        connection.close()


def test_after_the_upgrade_writes_and_filters_over_json_work(
    make_settings: SettingsFactory, warehouse_kind: str
) -> None:
    settings = make_settings(warehouse_kind)
    connection = connect(settings.warehouse)
    try:
        migrate(connection, up_to=BEFORE_TYPED_JSON)
        load(Warehouse(connection), settings)
        migrate(connection)
        warehouse = Warehouse(connection)
        moment = datetime(2026, 11, 24, 15, tzinfo=UTC)

        # Parameterised writes of text into JSON columns, read back parsed the same.
        warehouse.runs.start("run-3", "process", {"socmon": "2.0"})
        assert json.loads(warehouse.runs.row("run-3")["versions"]) == {"socmon": "2.0"}
        warehouse.privacy.audit(AUDIT, None, {"erased": "author", "subject": PSEUDONYM})
        # Filters that look inside a JSON array's text: hate is A2's second category.
        queue = warehouse.review.queue(QueueFilter(categories=("hate",), statuses=()), moment)
        assert [alert.alert_id for alert in queue.alerts] == ["A2"]
        alert = warehouse.review.get("A2")
        assert alert is not None and alert.categories == ("hate", "threat")
        [entry] = SubjectAccessStore(connection).audit_entries_naming(PSEUDONYM, [])
        assert json.loads(entry["counts"])["subject"] == PSEUDONYM
    finally:
        connection.close()


def test_a_duckdb_file_killed_right_after_its_migrations_opens_again_offline(
    make_settings: SettingsFactory,
) -> None:
    # The killed process leaves the JSON columns' definitions in the write-ahead log; DuckDB
    # needs its json extension to replay them and must load it, not try to download it.
    settings = make_settings("duckdb")
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sys; from pipelines.config import WarehouseSettings; "
            "from pipelines.warehouse import open_warehouse; "
            "open_warehouse(WarehouseSettings.model_validate_json(sys.argv[1])); os._exit(0)",
            settings.warehouse.model_dump_json(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == 0, killed.stderr
    path = duckdb_path(settings.warehouse.url)
    assert path.with_name(path.name + ".wal").stat().st_size > 0

    with open_warehouse(settings.warehouse.model_copy(update={"migrations": "explicit"})) as opened:
        assert applied_version(opened.connection) == latest_version()
        assert column_types(opened.connection)[("alerts", "evidence")] == "JSON"

"""What typed JSON columns (migration 0013) cost: bulk inserts, and the in-place upgrade.

For each back end, ``--repeats`` times, on fresh warehouses:

* ``insert text``: ``--records`` synthetic records and as many detections written by the
  commit's set-based statements (the records' upsert, the detections' insert) into a
  warehouse at migration 0012, where their JSON columns
  (``records.accounts``, ``records.pii_entities``, ``detections.evidence``) are text;
* ``insert JSON``: the same rows into a warehouse at the current schema, where those columns
  are ``JSON`` (DuckDB) or ``jsonb`` (PostgreSQL) and each document is cast (parsed and
  checked) on the way in;
* ``migrate 0013``: the upgrade of the text warehouse just filled, in place (every JSON
  column of every table converted, the views re-created).

Prints the median of each, and a machine-readable last line per back end:
``typed_json_<back end>_insert_text_s=A insert_json_s=B migrate_s=C``.

Usage: ``python benchmarks/typed_json.py [--records 100000] [--repeats 3]
[--warehouses duckdb postgresql]`` (PostgreSQL at 127.0.0.1:5432, database ``test``, in a
schema of its own that is dropped after).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pyarrow as pa

from pipelines.config import WarehouseSettings
from pipelines.warehouse import connect
from pipelines.warehouse import records as record_store
from pipelines.warehouse.bulk import insert_new, staged_values
from pipelines.warehouse.connection import Connection
from pipelines.warehouse.migrations import migrate
from schemas.tables import DETECTIONS, RECORDS, Table

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
BEFORE_TYPED_JSON = 12


def as_text(table: Table) -> Table:
    """The table as migration 0012 had it: its JSON columns plain text, inserted uncast."""
    columns = tuple(dataclasses.replace(column, json=False) for column in table.columns)
    return dataclasses.replace(table, columns=columns)


def staged(count: int) -> tuple[pa.Table, pa.Table]:
    """Records with one account and one redacted email each, and a detection per record."""
    start = datetime(2026, 11, 2, tzinfo=UTC)
    records, detections = [], []
    for number in range(count):
        record_id = f"x:{number}"
        moment = start + timedelta(seconds=number)
        records.append(
            RECORDS.row(
                id=record_id,
                platform="x",
                kind="reply",
                account="uni_main",
                accounts='["uni_main"]',
                native_id=str(number),
                parent_id="x:0",
                conversation_id="x:0",
                author_id=f"{number % 5000:064x}",
                author_is_official=False,
                text="write to [EMAIL] about the open day",
                lang="en",
                created_at=moment,
                observed_at=moment,
                url=None,
                deleted=False,
                schema_version=1,
                source_partition=number % 3,
                source_offset=number,
                pii_entities='[{"type": "EMAIL", "start": 9, "end": 16}]',
                text_lang="en",
                scored=True,
            )
        )
        evidence = {
            "threshold": 0.5,
            "lang": "en",
            "versions": {"offensive": "2026.11.1", "normalizer": "3"},
            "top_terms": [["open", 0.12], ["day", 0.08], ["write", 0.05]],
        }
        detections.append(
            DETECTIONS.row(
                detection_id=f"{number:064x}",
                record_id=record_id,
                account="uni_main",
                category="offensive",
                policy_clause="7.17",
                score=0.61,
                evidence=json.dumps(evidence, sort_keys=True),
                detector="classifiers",
                detector_version="offensive-2026.11.1",
            )
        )
    return RECORDS.staged_table(records), DETECTIONS.staged_table(detections)


def timed_insert(connection: Connection, typed: bool, rows: tuple[pa.Table, pa.Table]) -> float:
    """Seconds to upsert the records and insert the detections, as the commit does; on a text
    warehouse without the casts to the JSON type (the statements as they were before 0013)."""
    records, detections = rows
    values = (
        staged_values(connection, RECORDS, RECORDS.staged_columns)
        if typed
        else ", ".join(RECORDS.staged_columns)
    )
    started = time.perf_counter()
    with connection.transaction():
        with connection.loaded("staged_records", records):
            # The record store's own upsert statement, given the select list to use.
            connection.execute(record_store._UPSERT_RECORDS.format(values=values), ("r", "r"))
        insert_new(connection, DETECTIONS if typed else as_text(DETECTIONS), detections, "r")
    return time.perf_counter() - started


def place(kind: str, folder: Path) -> WarehouseSettings:
    if kind == "duckdb":
        path = folder / f"{uuid.uuid4().hex}.duckdb"
        return WarehouseSettings(url=f"duckdb:///{path}", analytics_copy=False)
    return WarehouseSettings(url=POSTGRES_URL, db_schema=f"bench_{uuid.uuid4().hex[:10]}")


def one_round(kind: str, folder: Path, rows: tuple[pa.Table, pa.Table]) -> dict[str, float]:
    """Insert into a text warehouse, migrate it, and insert into a typed one."""
    text_place, typed_place = place(kind, folder), place(kind, folder)
    found: dict[str, float] = {}
    try:
        connection = connect(text_place)
        try:
            migrate(connection, up_to=BEFORE_TYPED_JSON)
            found["insert_text_s"] = timed_insert(connection, False, rows)
            started = time.perf_counter()
            migrate(connection)
            found["migrate_s"] = time.perf_counter() - started
        finally:
            connection.close()
        connection = connect(typed_place)
        try:
            migrate(connection)
            found["insert_json_s"] = timed_insert(connection, True, rows)
        finally:
            connection.close()
    finally:
        if kind == "postgresql":
            with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
                for schema in (text_place.db_schema, typed_place.db_schema):
                    admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--warehouses", nargs="+", default=["duckdb", "postgresql"])
    arguments = parser.parse_args(argv)
    rows = staged(arguments.records)
    print(f"{arguments.records:,} records and {arguments.records:,} detections per insert")
    with tempfile.TemporaryDirectory() as folder:
        for kind in arguments.warehouses:
            rounds = [one_round(kind, Path(folder), rows) for _ in range(arguments.repeats)]
            medians = {
                name: statistics.median(each[name] for each in rounds)
                for name in ("insert_text_s", "insert_json_s", "migrate_s")
            }
            for name, value in medians.items():
                every = ", ".join(f"{each[name]:.2f}" for each in rounds)
                print(f"{kind:10} {name:14} median {value:6.2f} s  ({every})")
            figures = " ".join(f"{name}={value:.3f}" for name, value in medians.items())
            print(f"typed_json_{kind}_{figures}")


if __name__ == "__main__":
    main()

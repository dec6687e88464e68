"""Set-based inserts of staged Arrow tables: insert what is not there yet, count what was new."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from pipelines.warehouse.connection import Connection, now
from schemas.tables import JSON_SQL_TYPES, Table


def insert_new(connection: Connection, table: Table, rows: pa.Table, run_id: str) -> int:
    """Insert staged rows whose key is not there yet, stamped with the run; return how many."""
    columns = table.staged_columns
    unique = first_per_key(rows.select(list(columns)), table.key)
    with connection.loaded(f"staged_{table.name}", unique) as staged:
        before = connection.count(table.name)
        connection.execute(
            f"INSERT INTO {table.name} ({', '.join(columns)}, run_id, created_at) "
            f"SELECT {staged_values(connection, table, columns)}, ?, ? FROM {staged} "
            f"ON CONFLICT ({', '.join(table.key)}) DO NOTHING",
            (run_id, now()),
        )
        return connection.count(table.name) - before


def staged_values(connection: Connection, table: Table, columns: Sequence[str]) -> str:
    """The select list that reads ``columns`` of a loaded staged table into ``table``.

    A staged JSON document is text; it is cast to the back end's JSON type, because
    PostgreSQL assigns no ``text`` to a ``jsonb`` column (DuckDB would, the cast is the same).
    """
    json_type = JSON_SQL_TYPES[connection.kind]
    return ", ".join(
        f"CAST({name} AS {json_type})" if name in table.json_columns else name for name in columns
    )


def first_per_key(rows: pa.Table, key: Sequence[str]) -> pa.Table:
    """The first row of each key (the same bytes met twice are one dead letter)."""
    seen: set[tuple[Any, ...]] = set()
    keep = []
    for row_key in zip(*(rows.column(name).to_pylist() for name in key), strict=True):
        keep.append(row_key not in seen)
        seen.add(row_key)
    return rows.filter(pa.array(keep, type=pa.bool_()))

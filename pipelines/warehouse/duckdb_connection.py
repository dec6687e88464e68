"""The default warehouse: one DuckDB file, written by one process at a time."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pipelines.warehouse.connection import Connection, WarehouseError


def duckdb_path(url: str) -> Path:
    """The file named by ``duckdb:///path`` (relative) or ``duckdb:////abs/path``."""
    return Path(url.removeprefix("duckdb:///"))


class DuckDBConnection(Connection):
    """DuckDB back end. Analysts read a copy, or use PostgreSQL for shared access."""

    kind = "duckdb"

    def __init__(self, url: str) -> None:
        super().__init__()
        self.path = duckdb_path(url)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._connection = duckdb.connect(str(self.path))
        except duckdb.IOException as error:
            raise WarehouseError(
                f"cannot open {self.path}: {error} (DuckDB allows one writer at a time)"
            ) from None
        self._connection.execute("SET TimeZone = 'UTC'")

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self._connection.execute(sql, list(parameters))
        return [] if cursor.description is None else cursor.fetchall()

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._connection.executemany(sql, [list(row) for row in rows])

    def query_dicts(self, sql: str, parameters: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self._connection.execute(sql, list(parameters))
        names = [column[0] for column in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _begin(self) -> None:
        self._connection.execute("BEGIN TRANSACTION")

    def _commit(self) -> None:
        self._connection.execute("COMMIT")

    def _rollback(self) -> None:
        self._connection.execute("ROLLBACK")

    def _load(self, name: str, table: pa.Table) -> None:
        # DuckDB reads the Arrow table in place: no copy into a temporary table.
        self._connection.register(name, table)

    def _unload(self, name: str) -> None:
        self._connection.unregister(name)

    def prepare_schema(self) -> None:
        """DuckDB keeps the tables in the file's main schema."""

    def close(self) -> None:
        self._connection.close()

"""The default warehouse: one DuckDB file, written by one process at a time."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pipelines.warehouse.connection import Connection, WarehouseBusy, WarehouseError


def duckdb_path(url: str) -> Path:
    """The file named by ``duckdb:///path`` (relative) or ``duckdb:////abs/path``."""
    return Path(url.removeprefix("duckdb:///"))


class DuckDBConnection(Connection):
    """DuckDB back end. Analysts read a copy, or use PostgreSQL for shared access."""

    kind = "duckdb"

    def __init__(self, url: str, wait_s: float = 0.0, read_only: bool = False) -> None:
        super().__init__()
        self.path = duckdb_path(url)
        self.read_only = read_only
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = self._open(wait_s)
        self._connection.execute("SET TimeZone = 'UTC'")

    def _open(self, wait_s: float) -> duckdb.DuckDBPyConnection:
        """The file, once no other process holds it (DuckDB lets one process open it)."""
        deadline = time.monotonic() + wait_s
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=self.read_only)
            except duckdb.IOException as error:
                if "lock" not in str(error).lower():
                    raise WarehouseError(f"cannot open {self.path}: {error}") from None
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(
                        f"{self.path} is open in {_holder(str(error))}, and DuckDB lets one "
                        f"process open it at a time (waited {wait_s:g} s): another socmon "
                        "command, or an analyst's connection — analysts query a copy"
                    ) from None
                time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))

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

    def take_lease(self, command: str, wait_s: float) -> None:
        """Nothing more to take: the open file is already this process's alone."""

    def prepare_schema(self) -> None:
        """DuckDB keeps the tables in the file's main schema."""

    def close(self) -> None:
        self._connection.close()


def _holder(message: str) -> str:
    """ "process 1234 (socmon process)" from DuckDB's lock error, as far as it can be told."""
    found = re.search(r"PID (\d+)", message)
    if not found:
        return "another process"
    pid = found.group(1)
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as command:
            words = command.read().split(b"\0")
    except OSError:
        return f"process {pid}"
    shown = " ".join(word.decode(errors="replace") for word in words if word)
    return f"process {pid} ({shown[:120]})"

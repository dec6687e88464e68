"""Read-only connections for the commands that only look (`socmon status`, `socmon doctor`).

A DuckDB file that does not exist is an error rather than a new, empty warehouse; a
PostgreSQL session refuses every write and neither creates nor migrates its schema.
Opened through :func:`pipelines.warehouse.status.open_read_only`.
"""

from __future__ import annotations

import time

import duckdb

from pipelines.warehouse.connection import Connection, WarehouseBusy, WarehouseError
from pipelines.warehouse.duckdb_connection import DuckDBConnection, duckdb_path
from pipelines.warehouse.postgres_connection import PostgresConnection
from pipelines.warehouse.status import WarehouseMissing


class ReadOnlyDuckDB(DuckDBConnection):
    """A DuckDB file opened read-only; a missing file is an error, not a new warehouse."""

    def __init__(self, url: str, wait_s: float) -> None:
        Connection.__init__(self)
        self.path = duckdb_path(url)
        if not self.path.is_file():
            raise WarehouseMissing(
                f"no warehouse at {self.path} (warehouse.url {url}): wrong URL, or the "
                "warehouse was never created (`socmon migrate`)"
            )
        self._connection = self._open(wait_s)
        self._connection.execute("SET TimeZone = 'UTC'")

    def _open(self, wait_s: float) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=True)
            except duckdb.IOException as error:
                if "lock" not in str(error).lower():
                    raise WarehouseError(f"cannot open {self.path}: {error}") from None
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(
                        f"{self.path} is being written by another process (waited "
                        f"{wait_s:g} s); DuckDB lets a writer hold the file alone"
                    ) from None
                time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))

    def take_lease(self, command: str, wait_s: float) -> None:
        raise WarehouseError("a read-only warehouse cannot take the writer's lease")


class ReadOnlyPostgres(PostgresConnection):
    """A PostgreSQL session that refuses writes and reads the configured schema."""

    def __init__(self, url: str, schema: str, password: str | None) -> None:
        from psycopg import sql as pgsql

        super().__init__(url, schema, password)
        self._connection.execute("SET default_transaction_read_only = on")
        self._connection.execute(
            pgsql.SQL("SET search_path TO {}").format(pgsql.Identifier(schema))
        )

    def take_lease(self, command: str, wait_s: float) -> None:
        raise WarehouseError("a read-only warehouse cannot take the writer's lease")

    def prepare_schema(self) -> None:
        """Nothing is created through a read-only session."""

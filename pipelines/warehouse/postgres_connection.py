"""The shared warehouse: PostgreSQL, same schema and SQL as DuckDB."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
import pyarrow as pa
from psycopg import sql as pgsql
from psycopg.types.string import TextLoader

from pipelines.warehouse.connection import Connection, WarehouseBusy, WarehouseError


def _sql_type(arrow_type: pa.DataType) -> str:
    """The PostgreSQL column type for an Arrow type used in staged tables."""
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMPTZ"
    if pa.types.is_boolean(arrow_type):
        return "BOOLEAN"
    if pa.types.is_integer(arrow_type):
        return "BIGINT"
    if pa.types.is_floating(arrow_type):
        return "DOUBLE PRECISION"
    return "TEXT"


def read_json_as_text(connection: psycopg.Connection[Any]) -> None:
    """Make ``json`` and ``jsonb`` values come back as text, as DuckDB returns its ``JSON``.

    psycopg would parse them into dicts and lists; as text, every reader parses a document
    the one way, whatever the back end.
    """
    for json_type in ("json", "jsonb"):
        connection.adapters.register_loader(json_type, TextLoader)


#: The advisory lock's first key: ours, so other applications' locks never collide with it.
_LEASE_CLASS = 0x50C0


def _placeholders(statement: str) -> str:
    # Our SQL uses DuckDB's "?" placeholders; psycopg wants "%s" (and "%%" for "%").
    return statement.replace("%", "%%").replace("?", "%s")


class PostgresConnection(Connection):
    """PostgreSQL back end; tables live in the configured schema."""

    kind = "postgresql"

    def __init__(self, url: str, schema: str, password: str | None) -> None:
        super().__init__()
        self.schema = schema
        try:
            # Autocommit: a transaction is opened explicitly around what must land together.
            self._connection = psycopg.connect(
                url, password=password, autocommit=True, connect_timeout=10
            )
        except psycopg.OperationalError as error:
            # The message names host and port; the password never appears in it.
            raise WarehouseError(f"cannot connect to PostgreSQL: {error}".strip()) from None
        self._connection.execute("SET TIME ZONE 'UTC'")
        read_json_as_text(self._connection)

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self._connection.execute(_placeholders(sql), list(parameters))
        return cursor.fetchall() if cursor.description is not None else []

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            with self._connection.cursor() as cursor:
                cursor.executemany(_placeholders(sql), [list(row) for row in rows])

    def query_dicts(self, sql: str, parameters: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self._connection.execute(_placeholders(sql), list(parameters))
        names = [column.name for column in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def take_lease(self, command: str, wait_s: float) -> None:
        """A session advisory lock per schema: released when this connection closes, even by
        a killed process (the server ends its session)."""
        self.execute("SELECT set_config('application_name', ?, false)", (f"socmon {command}",))
        deadline = time.monotonic() + wait_s
        while not self.execute(
            "SELECT pg_try_advisory_lock(?, hashtext(?))", (_LEASE_CLASS, self.schema)
        )[0][0]:
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"PostgreSQL schema {self.schema} is being written by {self._holder()} "
                    f"(waited {wait_s:g} s); one socmon command writes at a time"
                )
            time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))

    def _holder(self) -> str:
        rows = self.execute(
            "SELECT a.application_name, a.pid, a.client_addr, a.backend_start FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
            "AND l.granted AND l.classid = ? AND l.objid::int = hashtext(?)",
            (_LEASE_CLASS, self.schema),
        )
        if not rows:
            return "another socmon command"
        name, pid, address, since = rows[0]
        where = f" from {address}" if address else ""
        return f"'{name or 'a client'}' (server pid {pid}{where}, connected {since:%H:%M:%S} UTC)"

    def _begin(self) -> None:
        self._connection.execute("BEGIN")

    def _commit(self) -> None:
        self._connection.execute("COMMIT")

    def _rollback(self) -> None:
        self._connection.execute("ROLLBACK")

    def _load(self, name: str, table: pa.Table) -> None:
        definitions = pgsql.SQL(", ").join(
            pgsql.SQL("{} {}").format(
                pgsql.Identifier(field.name), pgsql.SQL(_sql_type(field.type))
            )
            for field in table.schema
        )
        self._connection.execute(
            pgsql.SQL("CREATE TEMP TABLE {} ({})").format(pgsql.Identifier(name), definitions)
        )
        copy_sql = pgsql.SQL("COPY {} ({}) FROM STDIN").format(
            pgsql.Identifier(name),
            pgsql.SQL(", ").join(pgsql.Identifier(column) for column in table.schema.names),
        )
        columns = [table.column(column).to_pylist() for column in table.schema.names]
        with self._connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in zip(*columns, strict=True):
                copy.write_row(row)

    def _unload(self, name: str) -> None:
        self._connection.execute(pgsql.SQL("DROP TABLE {}").format(pgsql.Identifier(name)))

    def prepare_schema(self) -> None:
        self._connection.execute(
            pgsql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(pgsql.Identifier(self.schema))
        )
        self.use_schema()

    def use_schema(self) -> None:
        self._connection.execute(
            pgsql.SQL("SET search_path TO {}").format(pgsql.Identifier(self.schema))
        )

    def read_only(self) -> None:
        """This session changes nothing: PostgreSQL refuses any write it attempts."""
        self._connection.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")

    @contextlib.contextmanager
    def migration_lock(self) -> Iterator[None]:
        """A transaction-independent advisory lock of its own key, held while migrating."""
        key = f"migrate:{self.schema}"
        self.execute("SELECT pg_advisory_lock(?, hashtext(?))", (_LEASE_CLASS, key))
        try:
            yield
        finally:
            self.execute("SELECT pg_advisory_unlock(?, hashtext(?))", (_LEASE_CLASS, key))

    def close(self) -> None:
        self._connection.close()

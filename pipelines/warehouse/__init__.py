"""The warehouse: stores by role over one DuckDB or PostgreSQL connection, and the only SQL.

Both back ends run the same migrations (:mod:`schemas.migrations`) and the same SQL;
they differ only in how they connect, name parameters and bulk-load staged rows.
Tables are declared once in :mod:`schemas.tables`.
"""

from __future__ import annotations

from pipelines.config import WarehouseSettings
from pipelines.warehouse.connection import (
    Connection,
    SchemaNotCurrent,
    WarehouseBusy,
    WarehouseError,
)
from pipelines.warehouse.migrations import applied_version, latest_version, migrate
from pipelines.warehouse.warehouse import Warehouse


def connect(settings: WarehouseSettings, read_only: bool = False) -> Connection:
    """A connection to the configured warehouse, schema not yet checked."""
    if settings.url.startswith("duckdb://"):
        from pipelines.warehouse.duckdb_connection import DuckDBConnection

        return DuckDBConnection(
            settings.url, settings.lock_wait_s, read_only, settings.analytics_copy
        )
    from pipelines.warehouse.postgres_connection import PostgresConnection

    password = settings.password.get_secret_value() if settings.password else None
    connection = PostgresConnection(settings.url, settings.db_schema, password)
    if read_only:
        connection.read_only()
    return connection


def open_warehouse(
    settings: WarehouseSettings, writer: str | None = None, *, read_only: bool = False
) -> Warehouse:
    """Connect to the configured warehouse and check (or bring up to date) its schema.

    ``writer`` names a command that writes (process, ingest, notify, ...): it becomes the one
    writer of the warehouse until it closes it, after waiting for another to finish.
    ``read_only`` opens it for reading only (DuckDB: alongside other readers; PostgreSQL: a
    read-only session). What happens to an out-of-date schema is ``settings.migrations``:
    see :func:`bring_up_to_date`.
    """
    if settings.migrations != "automatic" or read_only:
        _require_existing_file(settings)
    connection = connect(settings, read_only)
    try:
        if writer is not None:
            connection.take_lease(writer, settings.lock_wait_s)
        bring_up_to_date(connection, "explicit" if read_only else settings.migrations)
    except BaseException:
        connection.close()
        raise
    return Warehouse(connection)


def bring_up_to_date(connection: Connection, policy: str) -> list[int]:
    """Apply missing migrations if ``policy`` allows, else refuse an out-of-date schema.

    ``automatic`` applies them; ``on_first_use`` applies them to a warehouse with no schema
    yet (and says so); ``explicit`` applies none. A schema newer than this code is always
    refused: an older socmon must not write into tables it does not know.
    """
    connection.use_schema()
    current = applied_version(connection)
    latest = latest_version()
    if current is not None and current > latest:
        raise SchemaNotCurrent(
            f"the warehouse's schema is version {current}, newer than this socmon's "
            f"({latest}): upgrade socmon before using this warehouse"
        )
    if current == latest:
        return []
    if policy == "automatic" or (policy == "on_first_use" and current is None):
        with connection.migration_lock():
            return migrate(connection)
    if current is None:
        raise SchemaNotCurrent("the warehouse has no tables yet: create them with `socmon migrate`")
    raise SchemaNotCurrent(
        f"the warehouse's schema is version {current}; this socmon needs {latest}: "
        "run `socmon migrate` (back up the warehouse first)"
    )


def _require_existing_file(settings: WarehouseSettings) -> None:
    """A DuckDB file that does not exist is not created by a command that may not create it."""
    if not settings.url.startswith("duckdb://"):
        return
    from pipelines.warehouse.duckdb_connection import duckdb_path

    path = duckdb_path(settings.url)
    if not path.exists() and settings.migrations != "on_first_use":
        raise SchemaNotCurrent(f"no warehouse at {path}: create it with `socmon migrate`")


__all__ = [
    "SchemaNotCurrent",
    "Warehouse",
    "WarehouseBusy",
    "WarehouseError",
    "bring_up_to_date",
    "connect",
    "open_warehouse",
]

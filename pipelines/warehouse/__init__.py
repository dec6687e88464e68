"""The warehouse: stores by role over one DuckDB or PostgreSQL connection, and the only SQL.

Both back ends run the same migrations (:mod:`schemas.migrations`) and the same SQL;
they differ only in how they connect, name parameters and bulk-load staged rows.
Tables are declared once in :mod:`schemas.tables`.
"""

from __future__ import annotations

from pipelines.config import WarehouseSettings
from pipelines.warehouse.connection import Connection, WarehouseBusy, WarehouseError
from pipelines.warehouse.migrations import migrate
from pipelines.warehouse.warehouse import Warehouse


def connect(settings: WarehouseSettings) -> Connection:
    """A connection to the configured warehouse, schema not yet checked."""
    if settings.url.startswith("duckdb://"):
        from pipelines.warehouse.duckdb_connection import DuckDBConnection

        return DuckDBConnection(settings.url, settings.lock_wait_s)
    from pipelines.warehouse.postgres_connection import PostgresConnection

    password = settings.password.get_secret_value() if settings.password else None
    return PostgresConnection(settings.url, settings.db_schema, password)


def open_warehouse(settings: WarehouseSettings, writer: str | None = None) -> Warehouse:
    """Connect to the configured warehouse and bring its schema up to date.

    ``writer`` names a command that writes (process, ingest, notify, ...): it becomes the one
    writer of the warehouse until it closes it, after waiting for another to finish.
    """
    connection = connect(settings)
    try:
        if writer is not None:
            connection.take_lease(writer, settings.lock_wait_s)
        migrate(connection)
    except BaseException:
        connection.close()
        raise
    return Warehouse(connection)


__all__ = ["Warehouse", "WarehouseBusy", "WarehouseError", "connect", "open_warehouse"]

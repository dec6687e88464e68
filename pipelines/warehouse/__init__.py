"""Warehouse access: one interface, a DuckDB and a PostgreSQL implementation.

Both run the same migrations (:mod:`schemas.migrations`) and the same SQL;
they differ only in how they connect, name parameters and bulk-load staged rows.
"""

from __future__ import annotations

from pipelines.config import WarehouseSettings
from pipelines.warehouse.base import Warehouse


def open_warehouse(settings: WarehouseSettings) -> Warehouse:
    """Connect to the configured warehouse and bring its schema up to date."""
    if settings.url.startswith("duckdb://"):
        from pipelines.warehouse.duckdb_store import DuckDBWarehouse

        warehouse: Warehouse = DuckDBWarehouse(settings)
    else:
        from pipelines.warehouse.postgres_store import PostgresWarehouse

        warehouse = PostgresWarehouse(settings)
    warehouse.migrate()
    return warehouse


__all__ = ["Warehouse", "open_warehouse"]

"""`socmon query "SQL"`: an analyst's SQL against the configured warehouse, read-only.

The warehouse is opened the way every analyst command opens it (:func:`open_for_analysts`):
on DuckDB the analytics copy when the pipeline publishes one (so the pipeline is never
held up), else the warehouse file read-only; on PostgreSQL a read-only session. The
server refuses every write, and on DuckDB file access outside the warehouse is switched
off (no ``COPY ... TO``, ``ATTACH`` or ``read_csv``). Results print as an aligned table, as
CSV or as JSON.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pipelines.config import WarehouseSettings
from pipelines.warehouse import SchemaNotCurrent, Warehouse, open_warehouse
from pipelines.warehouse.analytics import QueryResult


def analyst_source(settings: WarehouseSettings) -> WarehouseSettings:
    """The warehouse analysts read: DuckDB's published analytics copy when there is one."""
    if not settings.url.startswith("duckdb://") or not settings.analytics_copy:
        return settings
    from pipelines.warehouse.duckdb_connection import analytics_copy_path

    copy = analytics_copy_path(settings.url)
    if not copy.exists():
        return settings
    return settings.model_copy(update={"url": f"duckdb:///{copy.resolve()}"})


def open_for_analysts(settings: WarehouseSettings) -> Warehouse:
    """The warehouse opened read-only for an analyst (see :func:`analyst_source`).

    A copy whose schema is behind (`socmon migrate` ran, no commit has published a new copy
    yet) is passed over for the warehouse itself.
    """
    source = analyst_source(settings)
    if source is not settings:
        try:
            return open_warehouse(source, read_only=True)
        except SchemaNotCurrent:
            pass
    return open_warehouse(settings, read_only=True)


def source_name(settings: WarehouseSettings) -> str:
    """Where an analyst command reads, for a note on standard error."""
    source = analyst_source(settings)
    if source.url.startswith("duckdb://"):
        return str(Path(source.url.removeprefix("duckdb:///")))
    return f"PostgreSQL schema {source.db_schema}"


def run_query(warehouse: Warehouse, sql: str) -> QueryResult:
    """Run one statement of an analyst's SQL; nothing it does can change the warehouse."""
    warehouse.analytics.lock_down()
    return warehouse.analytics.read(sql.strip().rstrip(";"))


def plain(value: Any) -> Any:
    """A value as CSV and JSON show it: times ISO 8601, decimals as numbers."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def as_csv(result: QueryResult) -> str:
    """The result as CSV with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([plain(value) for value in row] for row in result.rows)
    return buffer.getvalue()


def as_json(result: QueryResult) -> str:
    """The result as a JSON array of objects keyed by column name."""
    rows = [
        {column: plain(value) for column, value in zip(result.columns, row, strict=True)}
        for row in result.rows
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False, default=str)


def as_table(result: QueryResult, max_width: int = 48) -> str:
    """The result as an aligned text table; long cells are cut to ``max_width`` with "…"."""

    def cell(value: Any) -> str:
        text = "NULL" if value is None else str(plain(value))
        text = " ".join(text.split())
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[cell(value) for value in row] for row in result.rows]
    widths = [
        max([len(name), *(len(row[index]) for row in cells)])
        for index, name in enumerate(result.columns)
    ]
    numeric = [
        all(
            isinstance(row[index], int | float | Decimal) or row[index] is None
            for row in result.rows
        )
        for index in range(len(result.columns))
    ]

    def line(values: list[str]) -> str:
        return " | ".join(
            value.rjust(width) if right else value.ljust(width)
            for value, width, right in zip(values, widths, numeric, strict=True)
        ).rstrip()

    rule = "-+-".join("-" * width for width in widths)
    body = [line(row) for row in cells]
    count = f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})"
    return "\n".join([line(list(result.columns)), rule, *body, count])

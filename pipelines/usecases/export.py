"""`socmon export`: a table or view to Parquet (partitioned by date) or CSV, read-only.

Parquet goes through pyarrow as a Hive-partitioned dataset, ``OUT/<name>/date=YYYY-MM-DD/
part-0.parquet``, the date being the UTC date of the relation's time column (``day``,
``week``, ``posted_at``, ``created_at``, ...: ``analytics.TIME_COLUMNS``); a relation with no
time column is one file, ``OUT/<name>/part-0.parquet``. Each file carries the warehouse's
descriptions: the table's in the schema metadata (``description``), each column's in its
field metadata, so a reader needs no other documentation. CSV is one file, ``OUT/<name>.csv``,
times in ISO 8601. Rows whose time is missing go to ``date=unknown``.

A re-export replaces the partitions it writes and leaves others: exporting each day
``--since`` yesterday keeps a growing dataset up to date.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.dataset as pads

from pipelines.usecases.query import plain
from pipelines.warehouse import Warehouse
from pipelines.warehouse.analytics import QueryResult
from schemas.tables import TABLES
from schemas.views import VIEWS

PARTITION = "date"


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote: the relation, rows, files, and the column it partitioned by."""

    name: str
    rows: int
    files: tuple[Path, ...]
    time_column: str | None


def descriptions(name: str) -> tuple[str, dict[str, str]]:
    """A table's or view's description and its columns', from their declarations."""
    if name in TABLES:
        table = TABLES[name]
        return table.description, {column.name: column.description for column in table.columns}
    view = VIEWS[name]
    return view.description, dict(view.columns)


def export(
    warehouse: Warehouse,
    name: str,
    out_dir: Path,
    file_format: Literal["parquet", "csv"],
    since: datetime | None = None,
) -> ExportResult:
    """Write the table or view ``name`` (rows from ``since`` on) under ``out_dir``."""
    result = warehouse.analytics.relation(name, since)
    time_column = warehouse.analytics.time_column(name)
    out_dir.mkdir(parents=True, exist_ok=True)
    if file_format == "csv":
        path = out_dir / f"{name}.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(result.columns)
            writer.writerows([plain(value) for value in row] for row in result.rows)
        return ExportResult(name, len(result.rows), (path,), time_column)
    table = arrow_table(name, result)
    target = out_dir / name
    if time_column is None:
        target.mkdir(parents=True, exist_ok=True)
        path = target / "part-0.parquet"
        pads.write_dataset(
            table,
            target,
            format="parquet",
            basename_template="part-{i}.parquet",
            existing_data_behavior="delete_matching",
            use_threads=False,
        )
        return ExportResult(name, table.num_rows, (path,), None)
    days = pa.array([_day(value) for value in table.column(time_column).to_pylist()], pa.string())
    # No Python callback from Arrow's writer threads (a `file_visitor` once aborted the
    # process at exit, "terminate called without an active exception"): the files written
    # are listed afterwards; an export is small enough to write on one thread.
    pads.write_dataset(
        table.append_column(PARTITION, days),
        target,
        format="parquet",
        partitioning=[PARTITION],
        partitioning_flavor="hive",
        basename_template="part-{i}.parquet",
        existing_data_behavior="delete_matching",
        use_threads=False,
    )
    days_written = {f"{PARTITION}={day}" for day in days.to_pylist()}
    written = sorted(
        path
        for path in target.glob(f"{PARTITION}=*/part-*.parquet")
        if path.parent.name in days_written
    )
    return ExportResult(name, table.num_rows, tuple(written), time_column)


def arrow_table(name: str, result: QueryResult) -> pa.Table:
    """The rows as an Arrow table whose schema carries the declared descriptions."""
    description, column_descriptions = descriptions(name)
    declared = (
        {column.name: column.arrow_type for column in TABLES[name].columns}
        if name in TABLES
        else {}
    )
    arrays = []
    fields = []
    for index, column in enumerate(result.columns):
        values = [_arrow_value(row[index]) for row in result.rows]
        array = pa.array(values, type=declared.get(column))
        arrays.append(array)
        fields.append(
            pa.field(
                column,
                array.type,
                metadata={"description": column_descriptions.get(column, "")},
            )
        )
    schema = pa.schema(fields, metadata={"description": description, "relation": name})
    return pa.Table.from_arrays(arrays, schema=schema)


def _arrow_value(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _day(value: Any) -> str:
    """The partition a time falls in: its UTC date."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return "unknown"

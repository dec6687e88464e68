"""What `socmon status` and `socmon doctor` read: backlogs, open alerts, coverage, the schema.

Both only look, so they open the warehouse read-only (:func:`open_read_only`): a DuckDB
file that does not exist is not created, a PostgreSQL schema is neither created nor
migrated, and PostgreSQL refuses any write for the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pipelines.config import WarehouseSettings
from pipelines.warehouse.connection import Connection, WarehouseError
from pipelines.warehouse.migrations import available_migrations

if TYPE_CHECKING:
    from pipelines.warehouse.warehouse import Warehouse

#: Alert states that still need a person (no verdict yet).
UNRESOLVED_ALERT_STATES = ("open", "acknowledged")
_SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


class WarehouseMissing(WarehouseError):
    """The configured warehouse does not exist (yet): nothing to read, a retry cannot help."""

    retry_helps = False


@dataclass(frozen=True)
class SchemaState:
    """Which migrations the warehouse has, against the ones this socmon ships."""

    applied: tuple[int, ...]
    shipped: tuple[int, ...]

    @property
    def missing(self) -> tuple[int, ...]:
        """Shipped migrations not applied yet."""
        return tuple(sorted(set(self.shipped) - set(self.applied)))

    @property
    def unknown(self) -> tuple[int, ...]:
        """Applied migrations this socmon does not know (the warehouse is newer)."""
        return tuple(sorted(set(self.applied) - set(self.shipped)))

    @property
    def current(self) -> bool:
        """Exactly the shipped migrations are applied."""
        return not self.missing and not self.unknown


class StatusStore:
    """Counts for operators: deliveries by state, unresolved alerts, per-account coverage."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def delivery_states(self) -> dict[str, int]:
        """Alert deliveries by state; 'retrying' are pending ones whose last attempt failed."""
        rows = self.connection.execute(
            "SELECT CASE WHEN status = 'pending' AND last_error IS NOT NULL THEN 'retrying' "
            "ELSE status END AS state, count(*) FROM alert_deliveries GROUP BY 1"
        )
        return {str(state): int(count) for state, count in rows}

    def unresolved_alerts(self) -> list[dict[str, Any]]:
        """Alerts without a verdict, by severity (most severe first): how many, the oldest."""
        marks = ", ".join("?" for _ in UNRESOLVED_ALERT_STATES)
        rows = self.connection.query_dicts(
            "SELECT severity, count(*) AS alerts, min(created_at) AS oldest FROM alerts "
            f"WHERE status IN ({marks}) GROUP BY severity",
            UNRESOLVED_ALERT_STATES,
        )
        return sorted(rows, key=lambda row: _SEVERITY_ORDER.get(row["severity"], 9))

    def last_complete_fetch(self) -> dict[tuple[str, str], Any]:
        """Per (account, stream): when an ingest last fetched it completely."""
        rows = self.connection.execute(
            "SELECT account, stream, max(checked_at) FROM coverage WHERE status = 'complete' "
            "GROUP BY account, stream"
        )
        return {(str(account), str(stream)): when for account, stream, when in rows}

    def schema_state(self, schema: str) -> SchemaState:
        """The migrations applied, read without creating anything."""
        shipped = tuple(migration.version for migration in available_migrations())
        [(tables,)] = self.connection.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = ? AND table_name = 'schema_migrations'",
            (schema,),
        )
        if not tables:
            return SchemaState((), shipped)
        applied = sorted(
            int(row[0]) for row in self.connection.execute("SELECT version FROM schema_migrations")
        )
        return SchemaState(tuple(applied), shipped)


def schema_name(settings: WarehouseSettings) -> str:
    """Where the tables live: DuckDB's main schema, or the configured PostgreSQL schema."""
    return "main" if settings.url.startswith("duckdb://") else settings.db_schema


def open_read_only(settings: WarehouseSettings, wait_s: float | None = None) -> Warehouse:
    """The warehouse for reading only; ``WarehouseMissing`` if there is none to read.

    Unlike ``open_warehouse(read_only=True)`` it does not refuse a schema that is behind:
    `socmon doctor` reports that state on its line. On DuckDB a writing command holds the
    file alone: this waits up to ``wait_s`` (default ``lock_wait_s``), then raises
    ``WarehouseBusy`` naming the holder.
    """
    from pipelines.warehouse import connect
    from pipelines.warehouse.duckdb_connection import duckdb_path
    from pipelines.warehouse.warehouse import Warehouse

    if settings.url.startswith("duckdb://") and not duckdb_path(settings.url).is_file():
        raise WarehouseMissing(
            f"no warehouse at {duckdb_path(settings.url)} (warehouse.url {settings.url}): "
            "wrong URL, or the warehouse was never created (`socmon migrate`)"
        )
    if wait_s is not None:
        settings = settings.model_copy(update={"lock_wait_s": wait_s})
    connection = connect(settings, read_only=True)
    try:
        connection.use_schema()  # PostgreSQL: look in the configured schema, create nothing
    except BaseException:
        connection.close()
        raise
    return Warehouse(connection)

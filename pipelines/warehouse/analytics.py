"""The analysts' side of the warehouse: reference tables, descriptions, catalog, reading SQL.

- ``accounts`` and ``policy_clauses`` are kept in step with the configuration and the policy
  file (:meth:`AnalyticsStore.sync_accounts`, :meth:`AnalyticsStore.sync_clauses`), so SQL
  can label ``uni_main`` as ``@UniOfficial`` and ``7.17`` with its title.
- :func:`describe_schema` writes the descriptions declared in :mod:`schemas.tables` and
  :mod:`schemas.views` with ``COMMENT ON``; :meth:`AnalyticsStore.catalog` reads them back
  from the warehouse's own catalog, which is what the data dictionary is generated from.
- :meth:`AnalyticsStore.read` runs an analyst's SQL on a read-only connection, and
  :meth:`AnalyticsStore.relation` reads a table or view since a date for exports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import psycopg

from pipelines.warehouse.connection import Connection, WarehouseError, now
from pipelines.warehouse.duckdb_connection import DuckDBConnection
from pipelines.warehouse.postgres_connection import PostgresConnection, _placeholders
from schemas.tables import ACCOUNTS, POLICY_CLAUSES, TABLES
from schemas.views import VIEWS

#: The column a table or view is filtered by date on (``--since``), first match wins.
TIME_COLUMNS = (
    "day",
    "week",
    "posted_at",
    "created_at",
    "checked_at",
    "started_at",
    "run_started_at",
    "raised_at",
    "updated_at",
    "erased_at",
    "applied_at",
)


def _literal(text: str) -> str:
    """A SQL string literal (COMMENT ON takes no parameters on PostgreSQL)."""
    return "'" + text.replace("'", "''") + "'"


def describe_schema(connection: Connection) -> None:
    """``COMMENT ON`` every declared table, view and column, from their declarations."""
    statements = []
    for table in TABLES.values():
        statements.append(f"COMMENT ON TABLE {table.name} IS {_literal(table.description)}")
        statements.extend(
            f"COMMENT ON COLUMN {table.name}.{column.name} IS {_literal(column.description)}"
            for column in table.columns
        )
    for view in VIEWS.values():
        statements.append(f"COMMENT ON VIEW {view.name} IS {_literal(view.description)}")
        statements.extend(
            f"COMMENT ON COLUMN {view.name}.{name} IS {_literal(description)}"
            for name, description in view.columns
        )
    with connection.transaction():
        for statement in statements:
            connection.execute(statement)


class QueryFailed(WarehouseError):
    """The warehouse refused an analyst's SQL (a syntax error, an unknown name, a write on a
    read-only connection): one line, exit 2, since running it again cannot help."""

    retry_helps = False


@dataclass(frozen=True, slots=True)
class CatalogColumn:
    """A column as the warehouse's catalog describes it."""

    name: str
    data_type: str
    description: str | None


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """A table or view as the warehouse's catalog describes it."""

    name: str
    kind: str  # "table" or "view"
    description: str | None
    columns: tuple[CatalogColumn, ...]


@dataclass(frozen=True, slots=True)
class QueryResult:
    """Rows of an analyst's query, with its column names."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


_DUCKDB_CATALOG = """
SELECT 'table' AS kind, table_name AS name, comment FROM duckdb_tables()
WHERE schema_name = current_schema() AND database_name = current_database()
UNION ALL
SELECT 'view', view_name, comment FROM duckdb_views()
WHERE NOT internal AND schema_name = current_schema() AND database_name = current_database()
"""
_DUCKDB_COLUMNS = """
SELECT table_name, column_name, data_type, comment FROM duckdb_columns()
WHERE schema_name = current_schema() AND database_name = current_database()
ORDER BY table_name, column_index
"""
_POSTGRES_CATALOG = """
SELECT CASE c.relkind WHEN 'v' THEN 'view' ELSE 'table' END, c.relname,
       obj_description(c.oid, 'pg_class')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'p')
"""
_POSTGRES_COLUMNS = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), col_description(c.oid, a.attnum)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'p')
ORDER BY c.relname, a.attnum
"""


class AnalyticsStore:
    """Reference tables, the catalog, and read-only SQL for analysts."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        #: What the weekly report shows.
        self.report = ReportQueries(self)

    def sync_accounts(self, accounts: Sequence[dict[str, Any]]) -> None:
        """Make ``accounts`` hold these configured accounts; others stay, not configured.

        Each dict has the table's columns except ``configured`` and ``updated_at``.
        """
        self._sync(ACCOUNTS.name, "account", accounts)

    def sync_clauses(self, clauses: Sequence[dict[str, Any]]) -> None:
        """Make ``policy_clauses`` hold these clauses of the policy file; others stay."""
        self._sync(POLICY_CLAUSES.name, "policy_clause", clauses)

    def _sync(self, table: str, key: str, rows: Sequence[dict[str, Any]]) -> None:
        declared = TABLES[table]
        columns = [
            name for name in declared.column_names if name not in ("configured", "updated_at")
        ]
        current = {row[key]: row for row in self._connection.query_dicts(f"SELECT * FROM {table}")}
        stamp = now()
        with self._connection.transaction():
            for row in rows:
                values = [row[name] for name in columns]
                known = current.pop(row[key], None)
                if known is None:
                    self._connection.execute(
                        f"INSERT INTO {table} ({', '.join(columns)}, configured, updated_at) "
                        f"VALUES ({', '.join('?' for _ in columns)}, TRUE, ?)",
                        (*values, stamp),
                    )
                elif known["configured"] is not True or any(
                    known[name] != row[name] for name in columns
                ):
                    assignments = ", ".join(f"{name} = ?" for name in columns if name != key)
                    self._connection.execute(
                        f"UPDATE {table} SET {assignments}, configured = TRUE, updated_at = ? "
                        f"WHERE {key} = ?",
                        (*[row[name] for name in columns if name != key], stamp, row[key]),
                    )
            for gone, known in current.items():
                if known["configured"]:
                    self._connection.execute(
                        f"UPDATE {table} SET configured = FALSE, updated_at = ? WHERE {key} = ?",
                        (stamp, gone),
                    )

    def catalog(self) -> list[CatalogEntry]:
        """Every table and view in the warehouse's schema, with its columns and comments."""
        duck = self._connection.kind == "duckdb"
        entries = self._connection.execute(_DUCKDB_CATALOG if duck else _POSTGRES_CATALOG)
        columns: dict[str, list[CatalogColumn]] = {}
        for table, name, data_type, comment in self._connection.execute(
            _DUCKDB_COLUMNS if duck else _POSTGRES_COLUMNS
        ):
            columns.setdefault(table, []).append(CatalogColumn(name, data_type, comment or None))
        return sorted(
            (
                CatalogEntry(name, kind, comment or None, tuple(columns.get(name, ())))
                for kind, name, comment in entries
            ),
            key=lambda entry: (entry.kind, entry.name),
        )

    def relations(self) -> dict[str, str]:
        """The tables and views analysts may read, by name: ``table`` or ``view``."""
        return {
            **{name: "table" for name in TABLES},
            **{name: "view" for name in VIEWS},
        }

    def time_column(self, name: str) -> str | None:
        """The column a table or view is filtered by date on, if it has one."""
        columns = TABLES[name].column_names if name in TABLES else VIEWS[name].column_names
        return next((column for column in TIME_COLUMNS if column in columns), None)

    def relation(self, name: str, since: datetime | None) -> QueryResult:
        """Every row of a table or view, those from ``since`` on if given (by its time column)."""
        if name not in self.relations():
            known = ", ".join(sorted(self.relations()))
            raise WarehouseError(f"no table or view {name!r}; known: {known}")
        column = self.time_column(name)
        if since is not None and column is None:
            raise WarehouseError(f"{name} has no date or time column to filter by --since")
        where, parameters = ("", ()) if since is None else (f" WHERE {column} >= ?", (since,))
        order = f" ORDER BY {column}" if column else ""
        return self.read(f"SELECT * FROM {name}{where}{order}", parameters)

    def lock_down(self) -> None:
        """Before running an analyst's SQL: nothing outside the warehouse can be reached.

        A read-only DuckDB still reads and writes other files (``COPY ... TO``, ``ATTACH``,
        ``read_csv``); file access is switched off for good on this connection. PostgreSQL
        runs each statement in a read-only transaction (see :meth:`read`).
        """
        if self._connection.kind == "duckdb":
            self._connection.execute("SET enable_external_access = false")
            self._connection.execute("SET lock_configuration = true")

    def read(self, sql: str, parameters: Sequence[Any] = ()) -> QueryResult:
        """Run one reading statement; its columns and rows. Writes are refused by the server.

        On PostgreSQL the statement runs in a ``READ ONLY`` transaction that is rolled back,
        so nothing it does can last (one statement per call: psycopg refuses several).
        """
        connection = self._connection
        try:
            if isinstance(connection, PostgresConnection):
                connection.execute("BEGIN READ ONLY")
                try:
                    return _described(
                        connection._connection.execute(_placeholders(sql), list(parameters))
                    )
                finally:
                    connection.execute("ROLLBACK")
            if isinstance(connection, DuckDBConnection):
                return _described(connection._connection.execute(sql, list(parameters)))
        except (duckdb.Error, psycopg.Error) as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise QueryFailed(first_line or type(error).__name__) from None
        raise WarehouseError(f"cannot run analysts' SQL on {connection.kind}")


def _described(cursor: Any) -> QueryResult:
    """Column names (also for no rows) and rows of a DB-API cursor that has run a query.

    The driver's own cursor is used because the stores' ``execute`` drops the column names
    of an empty result, which an analyst's table or CSV still needs.
    """
    if cursor.description is None:
        return QueryResult((), [])
    return QueryResult(tuple(column[0] for column in cursor.description), cursor.fetchall())


class ReportQueries:
    """What the weekly report shows, over ``[since, until)``: counts only, no personal data.

    Each reads the views, so the report and an analyst's SQL agree.
    """

    def __init__(self, store: AnalyticsStore) -> None:
        self._store = store

    def _rows(self, sql: str, since: Any, until: Any) -> list[dict[str, Any]]:
        result = self._store.read(sql, (since, until))
        return [dict(zip(result.columns, row, strict=True)) for row in result.rows]

    def activity(self, since: datetime, until: datetime) -> list[dict[str, Any]]:
        """Records per day and account (labelled with its handle), the days of ``since``
        and ``until`` included."""
        return self._rows(
            "SELECT day, account, COALESCE(handle, account) AS label, sum(records) AS records, "
            "sum(authors) AS authors FROM account_activity_daily "
            "WHERE day >= CAST(? AS DATE) AND day <= CAST(? AS DATE) "
            "GROUP BY day, account, COALESCE(handle, account) ORDER BY day, account",
            since,
            until,
        )

    def alerts_by_category(self, since: datetime, until: datetime) -> list[dict[str, Any]]:
        """Current alerts raised in the period per finding category and alert severity."""
        return self._rows(
            "SELECT category, alert_severity AS severity, count(DISTINCT alert_id) AS alerts "
            "FROM alert_findings WHERE is_current AND raised_at >= ? AND raised_at < ? "
            "GROUP BY category, alert_severity ORDER BY category, alert_severity",
            since,
            until,
        )

    def response(self, since: datetime, until: datetime) -> list[dict[str, Any]]:
        """Per severity: alerts raised, acknowledged, resolved, median and 90th percentile
        minutes to acknowledge."""
        return self._rows(
            "SELECT severity, count(*) AS alerts, count(acknowledged_at) AS acknowledged, "
            "count(*) FILTER (WHERE status IN ('confirmed', 'false_positive', 'duplicate')) "
            "AS resolved, "
            "percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes_to_acknowledge) AS median, "
            "percentile_cont(0.9) WITHIN GROUP (ORDER BY minutes_to_acknowledge) AS p90 "
            "FROM alert_lifecycle WHERE is_current AND raised_at >= ? AND raised_at < ? "
            "GROUP BY severity",
            since,
            until,
        )

    def precision(self, since: datetime, until: datetime) -> list[dict[str, Any]]:
        """Per rule, verdicts on the alerts raised in the period it fired on."""
        return self._rows(
            "SELECT rule_id, count(DISTINCT alert_id) AS alerts, "
            "count(DISTINCT alert_id) FILTER (WHERE status = 'confirmed') AS confirmed, "
            "count(DISTINCT alert_id) FILTER (WHERE status = 'false_positive') AS false_positive "
            "FROM alert_findings WHERE is_current AND raised_at >= ? AND raised_at < ? "
            "GROUP BY rule_id ORDER BY rule_id",
            since,
            until,
        )

    def coverage(self, since: datetime, until: datetime) -> list[dict[str, Any]]:
        """Per account and day, fetches and those that were not complete (days of ``since``
        and ``until`` included)."""
        return self._rows(
            "SELECT day, account, COALESCE(handle, account) AS label, sum(checks) AS checks, "
            "sum(gaps) AS gaps FROM coverage_daily "
            "WHERE day >= CAST(? AS DATE) AND day <= CAST(? AS DATE) "
            "GROUP BY day, account, COALESCE(handle, account) ORDER BY day, account",
            since,
            until,
        )

    def quality_stops(self, since: datetime, until: datetime) -> list[dict[str, Any]]:
        """Runs of the period with failed expectations: critical ones stopped a batch."""
        return self._rows(
            "SELECT run_id, run_started_at, run_status, "
            "count(*) FILTER (WHERE severity = 'critical') AS critical, "
            "count(*) FILTER (WHERE severity <> 'critical') AS warnings "
            "FROM dq_failures WHERE run_started_at >= ? AND run_started_at < ? "
            "GROUP BY run_id, run_started_at, run_status ORDER BY run_started_at",
            since,
            until,
        )

    def records_posted(self, since: datetime, until: datetime) -> int:
        """Records posted in the period (each once, however many accounts it involves)."""
        rows = self._rows(
            "SELECT count(*) AS records FROM records WHERE created_at >= ? AND created_at < ?",
            since,
            until,
        )
        return int(rows[0]["records"])

    def runs(self, since: datetime, until: datetime) -> dict[str, int]:
        """Runs of the period by status."""
        rows = self._rows(
            "SELECT status, count(*) AS runs FROM runs "
            "WHERE started_at >= ? AND started_at < ? GROUP BY status",
            since,
            until,
        )
        return {row["status"]: int(row["runs"]) for row in rows}

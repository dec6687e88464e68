"""Every warehouse table, declared once: its columns with their Arrow and SQL types.

The staged Parquet schemas, the insert column lists of the commit step and the
row builders all derive from these declarations, so a column is named in one
place. The migrations in :mod:`schemas.migrations` are the history that builds
the tables; a test checks that both back ends, migrated, have exactly the
columns and types declared here.

``staged`` columns travel in the staged files the Beam pipeline writes; the
others are set by the warehouse (run ids, times, review status, flags).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pyarrow as pa

_TEXT = pa.string()
_TIME = pa.timestamp("us", tz="UTC")
_SQL_TYPES = {
    pa.string(): "TEXT",
    pa.bool_(): "BOOLEAN",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE PRECISION",
    _TIME: "TIMESTAMPTZ",
}


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name, its Arrow type, and whether the staged files carry it."""

    name: str
    arrow_type: pa.DataType
    staged: bool = True

    @property
    def sql_type(self) -> str:
        """The SQL type both back ends use for this column."""
        return _SQL_TYPES[self.arrow_type]


@dataclass(frozen=True)
class Table:
    """A warehouse table: name, columns in order, primary key."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        """Every column, in declared order."""
        return tuple(column.name for column in self.columns)

    @cached_property
    def staged_columns(self) -> tuple[str, ...]:
        """The columns the staged files carry, in declared order."""
        return tuple(column.name for column in self.columns if column.staged)

    @property
    def staged_schema(self) -> pa.Schema:
        """The Arrow schema of this table's staged files."""
        return pa.schema([(c.name, c.arrow_type) for c in self.columns if c.staged])

    @cached_property
    def row(self) -> Callable[..., tuple[Any, ...]]:
        """Builds a staged row by name: ``RECORDS.row(id=..., text=..., ...)``.

        A named tuple of the staged columns, so a missing or unknown column is a
        ``TypeError`` and the row is still a plain tuple where Arrow wants one.
        """
        return namedtuple(f"{self.name}_row", self.staged_columns)

    def staged_table(self, rows: Sequence[tuple[Any, ...]]) -> pa.Table:
        """Arrow table of staged rows built by :meth:`row`."""
        return rows_to_arrow(rows, self.staged_schema)


def rows_to_arrow(rows: Sequence[tuple[Any, ...]], schema: pa.Schema) -> pa.Table:
    """An Arrow table of rows whose values are in the schema's column order."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema.names]
    return pa.Table.from_arrays(
        [pa.array(column, type=field.type) for column, field in zip(columns, schema, strict=True)],
        schema=schema,
    )


def _columns(*specs: tuple[str, pa.DataType] | tuple[str, pa.DataType, bool]) -> tuple[Column, ...]:
    return tuple(Column(*spec) for spec in specs)


RECORDS = Table(
    "records",
    _columns(
        ("id", _TEXT),
        ("platform", _TEXT),
        ("kind", _TEXT),
        ("account", _TEXT),
        ("accounts", _TEXT),
        ("native_id", _TEXT),
        ("parent_id", _TEXT),
        ("conversation_id", _TEXT),
        ("author_id", _TEXT),
        ("author_is_official", pa.bool_()),
        ("text", _TEXT),
        ("lang", _TEXT),
        ("created_at", _TIME),
        ("observed_at", _TIME),
        ("url", _TEXT),
        ("deleted", pa.bool_()),
        ("schema_version", pa.int32()),
        ("source_partition", pa.int32()),
        ("source_offset", pa.int64()),
        ("first_run_id", _TEXT, False),
        ("last_run_id", _TEXT, False),
        ("pii_entities", _TEXT),
        ("text_lang", _TEXT),
        ("scored", pa.bool_()),
    ),
    key=("id",),
)

DEAD_LETTERS = Table(
    "dead_letters",
    _columns(
        ("topic", _TEXT),
        ("kafka_partition", pa.int32()),
        ("kafka_offset", pa.int64()),
        ("kafka_key", _TEXT),
        ("reason", _TEXT),
        ("detail", _TEXT),
        ("value_sha256", _TEXT),
        ("value_size", pa.int64()),
        ("preview", _TEXT),
        ("run_id", _TEXT, False),
        ("created_at", _TIME, False),
        ("dlq_status", _TEXT, False),
        ("dlq_updated_at", _TIME, False),
    ),
    key=("topic", "value_sha256"),
)

#: Records of accounts that are not registered: only where they were, never their content.
#: Staged and counted, never stored.
OUT_OF_SCOPE = Table(
    "out_of_scope",
    _columns(
        ("id", _TEXT),
        ("account", _TEXT),
        ("kafka_partition", pa.int32()),
        ("kafka_offset", pa.int64()),
    ),
    key=("id",),
)

DETECTIONS = Table(
    "detections",
    _columns(
        ("detection_id", _TEXT),
        ("record_id", _TEXT),
        ("account", _TEXT),
        ("category", _TEXT),
        ("policy_clause", _TEXT),
        ("score", pa.float64()),
        ("evidence", _TEXT),
        ("detector", _TEXT),
        ("detector_version", _TEXT),
        ("run_id", _TEXT, False),
        ("created_at", _TIME, False),
        # Set when a newer version of the record no longer raises it (migration 0009).
        ("superseded_at", _TIME, False),
        ("superseded_by_run", _TEXT, False),
    ),
    key=("detection_id",),
)

RUNS = Table(
    "runs",
    _columns(
        ("run_id", _TEXT),
        ("command", _TEXT),
        ("status", _TEXT),
        ("started_at", _TIME),
        ("finished_at", _TIME),
        ("records_read", pa.int64()),
        ("records_stored", pa.int64()),
        ("records_inserted", pa.int64()),
        ("records_updated", pa.int64()),
        ("records_unchanged", pa.int64()),
        ("duplicates", pa.int64()),
        ("dead_letters", pa.int64()),
        ("ranges", _TEXT),
        ("versions", _TEXT),
        ("error", _TEXT),
        ("out_of_scope", pa.int64()),
        ("records_suppressed", pa.int64()),
        ("entity_counts", _TEXT),
        ("ingest_id", _TEXT),
        ("coverage_gaps", _TEXT),
        ("records_unscored", pa.int64()),
        ("alerts_raised", pa.int64()),
    ),
    key=("run_id",),
)

OFFSETS = Table(
    "offsets",
    _columns(
        ("consumer_group", _TEXT),
        ("topic", _TEXT),
        ("kafka_partition", pa.int32()),
        ("next_offset", pa.int64()),
        ("cluster_id", _TEXT),
        ("run_id", _TEXT),
        ("updated_at", _TIME),
        ("kafka_committed", pa.bool_()),
    ),
    key=("consumer_group", "topic", "kafka_partition"),
)

ERASURES = Table(
    "erasures",
    _columns(
        ("subject_kind", _TEXT),
        ("subject", _TEXT),
        ("erased_at", _TIME),
        ("reason", _TEXT),
    ),
    key=("subject_kind", "subject"),
)

AUDIT_LOG = Table(
    "audit_log",
    _columns(
        ("audit_id", _TEXT),
        ("created_at", _TIME),
        ("command", _TEXT),
        ("run_id", _TEXT),
        ("accounts", _TEXT),
        ("counts", _TEXT),
        ("entity_counts", _TEXT),
        ("versions", _TEXT),
        ("config_digest", _TEXT),
        ("operator", _TEXT),
    ),
    key=("audit_id",),
)

DQ_RESULTS = Table(
    "dq_results",
    _columns(
        ("run_id", _TEXT),
        ("position", pa.int32()),
        ("suite", _TEXT),
        ("expectation", _TEXT),
        ("column_name", _TEXT),
        ("severity", _TEXT),
        ("success", pa.bool_()),
        ("observed_value", _TEXT),
        ("unexpected_count", pa.int64()),
        ("explains", _TEXT),
        ("created_at", _TIME),
    ),
    key=("run_id", "position"),
)

CONNECTOR_CURSORS = Table(
    "connector_cursors",
    _columns(
        ("connector", _TEXT),
        ("account", _TEXT),
        ("cursor_state", _TEXT),
        ("updated_at", _TIME),
    ),
    key=("connector", "account"),
)

CURSOR_CHECKPOINTS = Table(
    "cursor_checkpoints",
    _columns(
        ("connector", _TEXT),
        ("account", _TEXT),
        ("sequence", pa.int64()),
        ("cursor_state", _TEXT),
        ("topic", _TEXT),
        ("cluster_id", _TEXT),
        ("positions", _TEXT),
        ("created_at", _TIME),
    ),
    key=("connector", "account", "sequence"),
)

COVERAGE = Table(
    "coverage",
    _columns(
        ("ingest_id", _TEXT),
        ("connector", _TEXT),
        ("account", _TEXT),
        ("stream", _TEXT),
        ("status", _TEXT),
        ("fetched", pa.int64()),
        ("newest_item_at", _TIME),
        ("reason", _TEXT),
        ("checked_at", _TIME),
    ),
    key=("ingest_id", "connector", "account", "stream"),
)

ALERTS = Table(
    "alerts",
    _columns(
        ("alert_id", _TEXT),
        ("record_id", _TEXT),
        ("account", _TEXT),
        ("rule_id", _TEXT),
        ("rule_version", _TEXT),
        ("category", _TEXT),
        ("policy_clause", _TEXT),
        ("severity", _TEXT),
        ("score", pa.float64()),
        ("evidence", _TEXT),
        ("recommended_action", _TEXT),
        ("recipients", _TEXT),
        ("conversation_id", _TEXT),
        ("url", _TEXT),
        ("status", _TEXT, False),
        ("published", pa.bool_(), False),
        ("run_id", _TEXT, False),
        ("created_at", _TIME, False),
        # Set when a newer version of the record no longer raises it (migration 0009).
        ("superseded_at", _TIME, False),
        ("superseded_by_run", _TEXT, False),
        # One alert per record, and the review lifecycle (migration 0010).
        ("categories", _TEXT),
        ("policy_clauses", _TEXT),
        ("acknowledged_at", _TIME, False),
        ("acknowledged_by", _TEXT, False),
        ("resolved_at", _TIME, False),
        ("resolved_by", _TEXT, False),
        ("action_taken", _TEXT, False),
        ("assigned_to", _TEXT, False),
        ("duplicate_of", _TEXT, False),
        ("record_deleted_at", _TIME, False),
    ),
    key=("alert_id",),
)

ALERT_EVENTS = Table(
    "alert_events",
    _columns(
        ("event_id", _TEXT),
        ("alert_id", _TEXT),
        ("event", _TEXT),
        ("actor", _TEXT),
        ("detail", _TEXT),
        ("created_at", _TIME),
    ),
    key=("event_id",),
)

ALERT_DELIVERIES = Table(
    "alert_deliveries",
    _columns(
        ("delivery_id", _TEXT),
        ("alert_id", _TEXT),
        ("recipient", _TEXT),
        ("mode", _TEXT),
        ("due_at", _TIME),
        ("status", _TEXT, False),
        ("attempts", pa.int32(), False),
        ("next_attempt_at", _TIME, False),
        ("last_error", _TEXT, False),
        ("message_id", _TEXT, False),
        ("sent_at", _TIME, False),
        ("run_id", _TEXT, False),
        ("created_at", _TIME, False),
        # pending | sending | uncertain | sent (migration 0007 says what each means),
        # or cancelled: its alert was superseded before it was sent (migration 0009)
        ("sending_at", _TIME, False),
    ),
    key=("delivery_id",),
)

ALERT_FEEDBACK = Table(
    "alert_feedback",
    _columns(
        ("alert_id", _TEXT),
        ("verdict", _TEXT),
        ("note", _TEXT),
        ("reviewer", _TEXT),
        ("created_at", _TIME),
    ),
    key=("alert_id", "created_at"),
)

SCHEMA_MIGRATIONS = Table(
    "schema_migrations",
    _columns(("version", pa.int32()), ("name", _TEXT), ("applied_at", _TIME)),
    key=("version",),
)

#: Every table of the warehouse, by name.
TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        RECORDS,
        DETECTIONS,
        DEAD_LETTERS,
        RUNS,
        OFFSETS,
        ERASURES,
        AUDIT_LOG,
        DQ_RESULTS,
        CONNECTOR_CURSORS,
        CURSOR_CHECKPOINTS,
        COVERAGE,
        ALERTS,
        ALERT_DELIVERIES,
        ALERT_FEEDBACK,
        ALERT_EVENTS,
        SCHEMA_MIGRATIONS,
    )
}

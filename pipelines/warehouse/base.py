"""The warehouse interface and the SQL both back ends share.

Subclasses supply a connection, the parameter style and the bulk load of
staged records; everything else — migrations, the one commit transaction,
offsets and run bookkeeping — is written once here.
"""

from __future__ import annotations

import json
import logging
import uuid
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.staging import DEAD_LETTER_COLUMNS, DETECTION_COLUMNS, RECORD_COLUMNS, StagedRun
from pipelines.warehouse.migrations import available_migrations
from schemas.errors import SocmonError

log = logging.getLogger(__name__)


class WarehouseError(SocmonError):
    """The warehouse refused an operation."""


@dataclass(frozen=True, slots=True)
class CommitCounts:
    """What a commit changed."""

    inserted: int
    updated: int
    unchanged: int
    dead_letters_new: int
    suppressed: int = 0
    detections_new: int = 0
    entity_counts: dict[str, int] = field(default_factory=dict)
    alerts_new: int = 0

    @property
    def stored(self) -> int:
        """Distinct records the run wrote or found already stored."""
        return self.inserted + self.updated + self.unchanged


@dataclass(frozen=True)
class StagedTables:
    """The staged records and detections of a run, read once."""

    records: pa.Table | None
    detections: pa.Table | None
    #: Built from the two above before the commit (pipelines/alerts/build.py).
    alerts: pa.Table | None = None
    deliveries: pa.Table | None = None

    @classmethod
    def read(cls, staged: StagedRun) -> StagedTables:
        """Read the staged Parquet files."""
        return cls(_read_tables(staged.record_files), _read_tables(staged.detection_files))


@dataclass(frozen=True)
class AuditEntry:
    """Who ran what, on which accounts, with which software and configuration (7.19)."""

    command: str
    accounts: tuple[str, ...]
    versions: dict[str, str]
    config_digest: str
    operator: str


@dataclass(frozen=True, slots=True)
class PendingDeadLetter:
    """A dead letter not yet copied to the dead-letter topic."""

    topic: str
    kafka_partition: int
    kafka_offset: int
    reason: str
    detail: str
    value_sha256: str


@dataclass(frozen=True, slots=True)
class StoredOffset:
    """The next offset to read for one partition, as the warehouse has it."""

    consumer_group: str
    topic: str
    kafka_partition: int
    next_offset: int
    cluster_id: str | None


#: Tables retention may prune, and the time column it judges them by.
RETAINED_TABLES = {
    "records": ("observed_at",),
    "detections": ("created_at",),
    "dead_letters": ("created_at",),
    "runs": ("started_at",),
    "audit_log": ("created_at",),
    "dq_results": ("created_at",),
    "alerts": ("created_at",),
    "alert_deliveries": ("created_at",),
    "alert_feedback": ("created_at",),
}
#: Alerts kept as redacted evidence when their record is deleted: confirmed, high or critical.
_ALERT_HOLD = "status = 'confirmed' AND severity IN ('high', 'critical')"

_UPDATABLE = [column for column in RECORD_COLUMNS if column != "id"]
_UPSERT_RECORDS = f"""
INSERT INTO records ({", ".join(RECORD_COLUMNS)}, first_run_id, last_run_id)
SELECT {", ".join(RECORD_COLUMNS)}, ?, ? FROM staged_records
ON CONFLICT (id) DO UPDATE SET
    {", ".join(f"{column} = excluded.{column}" for column in _UPDATABLE)},
    last_run_id = excluded.last_run_id
WHERE excluded.observed_at > records.observed_at
"""
_COUNT_CHANGES = """
SELECT count(*), count(r.id),
       count(*) FILTER (WHERE r.id IS NOT NULL AND s.observed_at > r.observed_at)
FROM staged_records s LEFT JOIN records r ON r.id = s.id
"""
_INSERT_AUDIT = """
INSERT INTO audit_log (audit_id, created_at, command, run_id, accounts, counts, entity_counts,
                       versions, config_digest, operator)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_UPSERT_OFFSET = """
INSERT INTO offsets (consumer_group, topic, kafka_partition, next_offset, cluster_id, run_id,
                     updated_at, kafka_committed)
VALUES (?, ?, ?, ?, ?, ?, ?, FALSE)
ON CONFLICT (consumer_group, topic, kafka_partition) DO UPDATE SET
    next_offset = excluded.next_offset, cluster_id = excluded.cluster_id, run_id = excluded.run_id,
    updated_at = excluded.updated_at, kafka_committed = FALSE
"""


class Warehouse(ABC):
    """Where records, dead letters, runs and consumed offsets are kept."""

    #: Human name of the back end, for logs and summaries.
    kind: str

    # -- what subclasses provide -------------------------------------------------
    @abstractmethod
    def _execute(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement with ``?`` placeholders; return its rows (empty if none)."""

    @abstractmethod
    def _execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each row of parameters."""

    @abstractmethod
    def _begin(self) -> None: ...

    @abstractmethod
    def _commit(self) -> None: ...

    @abstractmethod
    def _rollback(self) -> None: ...

    @abstractmethod
    def _load_table(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable under ``name`` for set-based SQL."""

    @abstractmethod
    def _drop_table(self, name: str) -> None:
        """Remove what ``_load_table`` created."""

    @abstractmethod
    def _prepare_schema(self) -> None:
        """Make sure the place the tables live in exists."""

    @abstractmethod
    def close(self) -> None:
        """Close the connection."""

    # -- schema ----------------------------------------------------------------
    def migrate(self) -> list[int]:
        """Apply every migration not yet applied; return the versions applied now."""
        self._prepare_schema()
        self._execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
        )
        done = {row[0] for row in self._execute("SELECT version FROM schema_migrations")}
        applied = []
        for migration in available_migrations():
            if migration.version in done:
                continue
            self._begin()
            try:
                for statement in migration.statements:
                    self._execute(statement)
                self._execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, _now()),
                )
                self._commit()
            except Exception:
                self._rollback()
                raise
            applied.append(migration.version)
            log.info("applied warehouse migration %04d_%s", migration.version, migration.name)
        return applied

    # -- offsets ---------------------------------------------------------------
    def stored_offsets(self, consumer_group: str, topic: str) -> dict[int, tuple[int, str | None]]:
        """Next offset to read, and the cluster it belongs to, per partition read before."""
        rows = self._execute(
            "SELECT kafka_partition, next_offset, cluster_id FROM offsets "
            "WHERE consumer_group = ? AND topic = ?",
            (consumer_group, topic),
        )
        return {int(partition): (int(offset), cluster) for partition, offset, cluster in rows}

    def offsets_not_in_kafka(self, consumer_group: str) -> list[StoredOffset]:
        """Offsets committed here but not yet copied to the Kafka consumer group."""
        rows = self._execute(
            "SELECT consumer_group, topic, kafka_partition, next_offset, cluster_id FROM offsets "
            "WHERE consumer_group = ? AND NOT kafka_committed ORDER BY topic, kafka_partition",
            (consumer_group,),
        )
        return [StoredOffset(row[0], row[1], int(row[2]), int(row[3]), row[4]) for row in rows]

    def mark_offsets_in_kafka(self, offsets: Sequence[StoredOffset]) -> None:
        """Flag offsets as copied to Kafka, unless a later run has moved them since."""
        self._execute_many(
            "UPDATE offsets SET kafka_committed = TRUE WHERE consumer_group = ? AND topic = ? "
            "AND kafka_partition = ? AND next_offset = ?",
            [(o.consumer_group, o.topic, o.kafka_partition, o.next_offset) for o in offsets],
        )

    # -- runs ------------------------------------------------------------------
    def start_run(self, run_id: str, command: str, versions: dict[str, str]) -> None:
        """Record that a run began; earlier runs still marked running were killed."""
        abandoned = self._execute(
            "UPDATE runs SET status = 'abandoned', finished_at = ? WHERE status = 'running' "
            "RETURNING run_id",
            (_now(),),
        )
        for (stale,) in abandoned:
            log.warning("run %s never finished (killed?); marked abandoned", stale)
        self._execute(
            "INSERT INTO runs (run_id, command, status, started_at, versions) "
            "VALUES (?, ?, 'running', ?, ?)",
            (run_id, command, _now(), json.dumps(versions, sort_keys=True)),
        )

    def note_staged(self, staged: StagedRun) -> None:
        """Record what a run read and staged, before the gate and the commit decide its fate."""
        self._execute(
            "UPDATE runs SET records_read = ?, duplicates = ?, dead_letters = ?, out_of_scope = ?, "
            "ranges = ? WHERE run_id = ?",
            (
                staged.records_read,
                staged.duplicates,
                staged.dead_letters,
                staged.out_of_scope,
                json.dumps([piece.to_json() for piece in staged.ranges]),
                staged.run_id,
            ),
        )

    def fail_run(self, run_id: str, error: str) -> None:
        """Mark a run failed with a one-line reason."""
        self._execute(
            "UPDATE runs SET status = 'failed', finished_at = ?, error = ? WHERE run_id = ?",
            (_now(), error[:2000], run_id),
        )

    def run_row(self, run_id: str) -> dict[str, Any]:
        """One run's row as a dict."""
        rows = self._query_dicts("SELECT * FROM runs WHERE run_id = ?", (run_id,))
        if not rows:
            raise WarehouseError(f"no run {run_id}")
        return rows[0]

    # -- the commit transaction -------------------------------------------------
    def commit_run(
        self,
        staged: StagedRun,
        consumer_group: str,
        cluster_id: str | None,
        audit: AuditEntry,
        loaded: StagedTables | None = None,
    ) -> CommitCounts:
        """Write a staged run in ONE transaction: records, detections, dead letters, offsets,
        the run row and its audit entry. ``loaded`` saves reading the files again."""
        tables = loaded or StagedTables.read(staged)
        records, detections = tables.records, tables.detections
        dead_letters = _read_tables(staged.dead_letter_files)
        now = _now()
        self._begin()
        try:
            inserted = updated = unchanged = suppressed = unscored = 0
            entity_counts: Counter[str] = Counter()
            if records is not None and records.num_rows:
                records, suppressed = self._without_erased(records)
                entity_counts = _count_entities(records)
                # Texts in a language the classifiers do not know: a coverage gap.
                unscored = int(pc.sum(pc.invert(records["scored"].fill_null(True))).as_py() or 0)
            if records is not None and records.num_rows:
                self._load_table("staged_records", records.select(list(RECORD_COLUMNS)))
                total, existing, newer = self._execute(_COUNT_CHANGES)[0]
                inserted, updated, unchanged = total - existing, newer, existing - newer
                self._execute(_UPSERT_RECORDS, (staged.run_id, staged.run_id))
                # A tombstone erases what was found in the record, too, and its alerts —
                # except those a reviewer confirmed as high or critical (kept as evidence).
                self._execute(
                    "DELETE FROM detections WHERE record_id IN "
                    "(SELECT id FROM records WHERE deleted AND last_run_id = ?)",
                    (staged.run_id,),
                )
                self._delete_alerts(
                    "record_id IN (SELECT id FROM records WHERE deleted AND last_run_id = ?) "
                    f"AND NOT ({_ALERT_HOLD})",
                    (staged.run_id,),
                )
                self._drop_table("staged_records")
            detections_new = 0
            if detections is not None and detections.num_rows:
                detections_new = self._insert_new(
                    "detections", detections, DETECTION_COLUMNS, ("detection_id",), staged.run_id
                )
            alerts_new = 0
            if tables.alerts is not None and tables.alerts.num_rows:
                alerts_new = self._insert_new(
                    "alerts",
                    tables.alerts,
                    tables.alerts.column_names,
                    ("alert_id",),
                    staged.run_id,
                )
            if tables.deliveries is not None and tables.deliveries.num_rows:
                self._insert_new(
                    "alert_deliveries",
                    tables.deliveries,
                    tables.deliveries.column_names,
                    ("delivery_id",),
                    staged.run_id,
                )
            dead_new = 0
            if dead_letters is not None and dead_letters.num_rows:
                dead_new = self._insert_new(
                    "dead_letters",
                    dead_letters,
                    DEAD_LETTER_COLUMNS,
                    ("topic", "value_sha256"),
                    staged.run_id,
                )
            self._execute_many(
                _UPSERT_OFFSET,
                [
                    (
                        consumer_group,
                        piece.topic,
                        piece.partition,
                        piece.end,
                        cluster_id,
                        staged.run_id,
                        now,
                    )
                    for piece in _furthest_ends(staged.ranges)
                ],
            )
            counts = CommitCounts(
                inserted,
                updated,
                unchanged,
                dead_new,
                suppressed,
                detections_new,
                dict(sorted(entity_counts.items())),
                alerts_new,
            )
            self._execute(
                "UPDATE runs SET status = 'succeeded', finished_at = ?, records_read = ?, "
                "records_stored = ?, records_inserted = ?, records_updated = ?, "
                "records_unchanged = ?, duplicates = ?, dead_letters = ?, out_of_scope = ?, "
                "records_suppressed = ?, entity_counts = ?, ranges = ?, records_unscored = ?, "
                "alerts_raised = ? WHERE run_id = ?",
                (
                    _now(),
                    staged.records_read,
                    counts.stored,
                    inserted,
                    updated,
                    unchanged,
                    staged.duplicates,
                    staged.dead_letters,
                    staged.out_of_scope,
                    suppressed,
                    json.dumps(counts.entity_counts),
                    json.dumps([piece.to_json() for piece in staged.ranges]),
                    unscored,
                    alerts_new,
                    staged.run_id,
                ),
            )
            self._audit(
                audit,
                staged.run_id,
                {
                    "records_read": staged.records_read,
                    "records_stored": counts.stored,
                    "duplicates": staged.duplicates,
                    "out_of_scope": staged.out_of_scope,
                    "suppressed": suppressed,
                    "dead_letters": staged.dead_letters,
                    "detections_new": detections_new,
                },
                counts.entity_counts,
            )
            self._commit()
        except Exception:
            self._rollback()
            raise
        return counts

    def _without_erased(self, records: pa.Table) -> tuple[pa.Table, int]:
        """Drop staged records that were erased on request (by record or by author)."""
        erased = self._execute("SELECT subject_kind, subject FROM erasures")
        if not erased:
            return records, 0
        record_ids = pa.array([s for kind, s in erased if kind == "record"], type=pa.string())
        authors = pa.array([s for kind, s in erased if kind == "author"], type=pa.string())
        drop = pc.or_(
            pc.is_in(records.column("id"), value_set=record_ids),
            pc.is_in(records.column("author_id"), value_set=authors),
        )
        kept = records.filter(pc.invert(drop))
        return kept, records.num_rows - kept.num_rows

    def _insert_new(
        self,
        target: str,
        rows: pa.Table,
        columns: Sequence[str],
        key: Sequence[str],
        run_id: str,
    ) -> int:
        """Insert rows whose key is not there yet, set-based; return how many were new."""
        unique = _first_per_key(rows.select(list(columns)), key)
        staging_name = f"staged_{target}"
        self._load_table(staging_name, unique)
        try:
            before = self._count(target)
            column_list = ", ".join(columns)
            self._execute(
                f"INSERT INTO {target} ({column_list}, run_id, created_at) "
                f"SELECT {column_list}, ?, ? FROM {staging_name} "
                f"ON CONFLICT ({', '.join(key)}) DO NOTHING",
                (run_id, _now()),
            )
            return self._count(target) - before
        finally:
            self._drop_table(staging_name)

    def _audit(
        self,
        audit: AuditEntry,
        run_id: str | None,
        counts: dict[str, Any],
        entity_counts: dict[str, int],
    ) -> None:
        self._execute(
            _INSERT_AUDIT,
            (
                uuid.uuid4().hex,
                _now(),
                audit.command,
                run_id,
                json.dumps(list(audit.accounts)),
                json.dumps(counts, sort_keys=True),
                json.dumps(entity_counts, sort_keys=True),
                json.dumps(audit.versions, sort_keys=True),
                audit.config_digest,
                audit.operator,
            ),
        )

    def finish_empty_run(self, run_id: str, ranges: Sequence[Any], audit: AuditEntry) -> None:
        """Mark a run that found nothing new as succeeded with zero counts."""
        self._begin()
        try:
            self._execute(
                "UPDATE runs SET status = 'succeeded', finished_at = ?, records_read = 0, "
                "records_stored = 0, records_inserted = 0, records_updated = 0, "
                "records_unchanged = 0, duplicates = 0, dead_letters = 0, out_of_scope = 0, "
                "records_suppressed = 0, entity_counts = '{}', ranges = ? WHERE run_id = ?",
                (_now(), json.dumps([piece.to_json() for piece in ranges]), run_id),
            )
            self._audit(audit, run_id, {"records_read": 0}, {})
            self._commit()
        except Exception:
            self._rollback()
            raise

    # -- dead letters ----------------------------------------------------------
    def unpublished_dead_letters(self) -> list[PendingDeadLetter]:
        """Dead letters not yet copied to the dead-letter topic, oldest first."""
        rows = self._execute(
            "SELECT topic, kafka_partition, kafka_offset, reason, detail, value_sha256 "
            "FROM dead_letters WHERE dlq_status IS NULL "
            "ORDER BY topic, kafka_partition, kafka_offset"
        )
        return [PendingDeadLetter(r[0], int(r[1]), int(r[2]), r[3], r[4], r[5]) for r in rows]

    def mark_dead_letters(self, letters: Sequence[PendingDeadLetter], status: str) -> None:
        """Record what became of copying dead letters: ``published`` or ``source_gone``."""
        if status not in ("published", "source_gone"):
            raise WarehouseError(f"unknown dead-letter status {status!r}")
        if not letters:
            return
        marked = pa.table(
            {
                "topic": [letter.topic for letter in letters],
                "value_sha256": [letter.value_sha256 for letter in letters],
            }
        )
        self._load_table("marked_dead_letters", marked)
        try:
            self._execute(
                "UPDATE dead_letters SET dlq_status = ?, dlq_updated_at = ? WHERE EXISTS "
                "(SELECT 1 FROM marked_dead_letters m WHERE m.topic = dead_letters.topic "
                "AND m.value_sha256 = dead_letters.value_sha256)",
                (status, _now()),
            )
        finally:
            self._drop_table("marked_dead_letters")

    # -- erasure and retention -------------------------------------------------
    def erase(
        self, subject_kind: str, subject: str, reason: str, audit: AuditEntry
    ) -> dict[str, int]:
        """Delete everything about one record or one author, and keep it erased."""
        column = {"record": "id", "author": "author_id"}.get(subject_kind)
        if column is None:
            raise WarehouseError(f"unknown erasure subject {subject_kind!r}")
        self._begin()
        try:
            detections = self._execute(
                f"DELETE FROM detections WHERE record_id IN "
                f"(SELECT id FROM records WHERE {column} = ?) RETURNING detection_id",
                (subject,),
            )
            if subject_kind == "record":
                detections += self._execute(
                    "DELETE FROM detections WHERE record_id = ? RETURNING detection_id", (subject,)
                )
            alerts = self._delete_alerts(
                f"record_id IN (SELECT id FROM records WHERE {column} = ?) OR record_id = ?",
                (subject, subject if subject_kind == "record" else ""),
            )
            records = self._execute(
                f"DELETE FROM records WHERE {column} = ? RETURNING id", (subject,)
            )
            self._execute(
                "INSERT INTO erasures (subject_kind, subject, erased_at, reason) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (subject_kind, subject) DO NOTHING",
                (subject_kind, subject, _now(), reason[:500]),
            )
            counts = {"records": len(records), "detections": len(detections), "alerts": alerts}
            self._audit(audit, None, {"erased": subject_kind, **counts}, {})
            self._commit()
        except Exception:
            self._rollback()
            raise
        return counts

    def _delete_alerts(self, condition: str, parameters: Sequence[Any]) -> int:
        """Delete matching alerts with their deliveries and verdicts (inside a transaction)."""
        chosen = f"SELECT alert_id FROM alerts WHERE {condition}"
        for table in ("alert_deliveries", "alert_feedback"):
            self._execute(f"DELETE FROM {table} WHERE alert_id IN ({chosen})", parameters)
        return len(self._execute(f"DELETE FROM alerts WHERE {condition} RETURNING 1", parameters))

    def delete_older_than(
        self, cutoffs: dict[tuple[str, str], datetime], audit: AuditEntry
    ) -> dict[str, int]:
        """Delete rows whose time column is before its cutoff, per (table, column), in one go."""
        self._begin()
        try:
            deleted: dict[str, int] = {}
            for (table, column), cutoff in cutoffs.items():
                if table not in RETAINED_TABLES or column not in RETAINED_TABLES[table]:
                    raise WarehouseError(f"retention does not apply to {table}.{column}")
                rows = self._execute(
                    f"DELETE FROM {table} WHERE {column} < ? RETURNING 1", (cutoff,)
                )
                deleted[table] = len(rows)
            # Detections never outlive their record.
            orphans = self._execute(
                "DELETE FROM detections WHERE record_id NOT IN (SELECT id FROM records) RETURNING 1"
            )
            deleted["detections"] = deleted.get("detections", 0) + len(orphans)
            # Deliveries and verdicts never outlive their alert.
            for table in ("alert_deliveries", "alert_feedback"):
                gone = self._execute(
                    f"DELETE FROM {table} WHERE alert_id NOT IN (SELECT alert_id FROM alerts) "
                    "RETURNING 1"
                )
                deleted[table] = deleted.get(table, 0) + len(gone)
            self._audit(audit, None, {"deleted": deleted}, {})
            self._commit()
        except Exception:
            self._rollback()
            raise
        return deleted

    # -- data quality ----------------------------------------------------------
    def record_dq_results(self, run_id: str, results: Sequence[Any]) -> None:
        """Store a run's expectation results (their own transaction: kept if the commit fails)."""
        if not results:
            return
        now = _now()
        self._begin()
        try:
            self._execute_many(
                "INSERT INTO dq_results (run_id, position, suite, expectation, column_name, "
                "severity, success, observed_value, unexpected_count, explains, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (run_id, position) DO NOTHING",
                [
                    (
                        run_id,
                        position,
                        r.suite,
                        r.expectation,
                        r.column,
                        r.severity,
                        r.success,
                        r.observed_value,
                        r.unexpected_count,
                        r.explains,
                        now,
                    )
                    for position, r in enumerate(results)
                ],
            )
            self._commit()
        except Exception:
            self._rollback()
            raise

    def write(self, sql: str, parameters: Sequence[Any] = ()) -> None:
        """Run one writing statement in its own transaction (small state updates)."""
        self._begin()
        try:
            self._execute(sql, parameters)
            self._commit()
        except Exception:
            self._rollback()
            raise

    def write_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one writing statement per row, all in one transaction."""
        if not rows:
            return
        self._begin()
        try:
            self._execute_many(sql, rows)
            self._commit()
        except Exception:
            self._rollback()
            raise

    # -- reading ---------------------------------------------------------------
    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a read-only query (``?`` placeholders) and return its rows."""
        return self._execute(sql, parameters)

    @abstractmethod
    def _query_dicts(self, sql: str, parameters: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run a query and return rows as dicts keyed by column name."""

    def _count(self, table: str) -> int:
        return int(self._execute(f"SELECT count(*) FROM {table}")[0][0])

    def count(self, table: str) -> int:
        """Rows in one of our tables."""
        if table not in {
            "records",
            "dead_letters",
            "runs",
            "offsets",
            "schema_migrations",
            "detections",
            "erasures",
            "audit_log",
            "dq_results",
            "connector_cursors",
            "coverage",
            "alerts",
            "alert_deliveries",
            "alert_feedback",
        }:
            raise WarehouseError(f"unknown table {table!r}")
        return self._count(table)


def _first_per_key(table: pa.Table, key: Sequence[str]) -> pa.Table:
    """The first row of each key (the same bytes met twice are one dead letter)."""
    seen: set[tuple[Any, ...]] = set()
    keep = []
    for row_key in zip(*(table.column(name).to_pylist() for name in key), strict=True):
        keep.append(row_key not in seen)
        seen.add(row_key)
    return table.filter(pa.array(keep, type=pa.bool_()))


def _count_entities(records: pa.Table) -> Counter[str]:
    counts: Counter[str] = Counter()
    for entities in records.column("pii_entities").to_pylist():
        if entities and entities != "[]":
            counts.update(entity["type"] for entity in orjson.loads(entities))
    return counts


def _furthest_ends(ranges: Sequence[Any]) -> list[Any]:
    # A partition split into several pieces advances to the end of its last piece.
    furthest: dict[tuple[str, int], Any] = {}
    for piece in ranges:
        key = (piece.topic, piece.partition)
        if key not in furthest or piece.end > furthest[key].end:
            furthest[key] = piece
    return list(furthest.values())


def _read_tables(paths: Sequence[Any]) -> pa.Table | None:
    if not paths:
        return None
    return pa.concat_tables([pq.read_table(path) for path in paths])


def _now() -> datetime:
    return datetime.now(UTC)

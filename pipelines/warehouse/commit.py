"""The commit step: a staged run written in ONE transaction, as a short sequence of named steps.

Records are upserted (erased subjects left out), tombstones take their detections and
unheld alerts with them, what an edited record's new version no longer raises is superseded
(:mod:`pipelines.warehouse.edits`), detections, alerts with their deliveries and dead letters
are inserted if absent, the offsets advance, connector cursors move up to what is now stored,
and the run row and its audit entry are written.
A crash anywhere before the end leaves the warehouse as it was; the next run reads the
same ranges again and changes nothing twice.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import orjson
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.audit import AuditEntry
from pipelines.ranges import PartitionRange
from pipelines.staging import StagedRun, of_kept_versions, read_staged_table
from pipelines.warehouse.connection import now
from pipelines.warehouse.edits import settle_findings
from pipelines.warehouse.records import TOMBSTONED_BY_RUN, UpsertCounts, without_erased
from pipelines.warehouse.warehouse import Warehouse


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
    #: Stamped because an edited record's new version no longer raises them.
    detections_superseded: int = 0
    alerts_superseded: int = 0

    @property
    def stored(self) -> int:
        """Distinct records the run wrote or found already stored."""
        return self.inserted + self.updated + self.unchanged


@dataclass(frozen=True)
class StagedTables:
    """The staged records and detections of a run, read once, and the alerts built from them."""

    records: pa.Table | None
    detections: pa.Table | None
    #: Built from the two above before the commit (pipelines/alerts/build.py).
    alerts: pa.Table | None = None
    deliveries: pa.Table | None = None
    dead_letters: pa.Table | None = None

    @classmethod
    def read(cls, staged: StagedRun) -> StagedTables:
        """Read the staged Parquet files."""
        records = read_tables(staged.record_files)
        return cls(
            records,
            of_kept_versions(records, read_tables(staged.detection_files)),
            dead_letters=read_tables(staged.dead_letter_files),
        )


def commit_run(
    warehouse: Warehouse,
    staged: StagedRun,
    tables: StagedTables,
    consumer_group: str,
    cluster_id: str | None,
    audit: AuditEntry,
) -> CommitCounts:
    """Write a staged run in one transaction; return what changed."""
    run_id = staged.run_id
    with warehouse.transaction():
        records, suppressed = _records_to_store(warehouse, tables.records)
        upserted = _upsert_records(warehouse, records, run_id)
        findings = settle_findings(
            warehouse, records, tables.detections, tables.alerts, tables.deliveries, run_id
        )
        detections_new = _insert_if_present(
            warehouse.records.insert_detections, findings.detections, run_id
        )
        alerts_new = (
            warehouse.alerts.insert(findings.alerts, findings.deliveries, run_id)
            if findings.alerts is not None and _present(findings.alerts)
            else 0
        )
        dead_new = _insert_if_present(warehouse.dead_letters.insert, tables.dead_letters, run_id)
        warehouse.offsets.advance(consumer_group, staged.ranges, cluster_id, run_id)
        _promote_cursors(warehouse, consumer_group, staged.ranges, cluster_id)
        counts = CommitCounts(
            upserted.inserted,
            upserted.updated,
            upserted.unchanged,
            dead_new,
            suppressed,
            detections_new,
            dict(sorted(count_entities(records).items())),
            alerts_new,
            findings.detections_superseded,
            findings.alerts_superseded,
        )
        _finish_run(warehouse, staged, counts, unscored_count(records), audit)
    return counts


def finish_empty_run(
    warehouse: Warehouse,
    run_id: str,
    ranges: Sequence[PartitionRange],
    audit: AuditEntry,
    consumer_group: str,
    cluster_id: str | None,
) -> None:
    """Mark a run that found nothing new as succeeded with zero counts."""
    zero = dict.fromkeys(
        (
            "records_read records_stored records_inserted records_updated records_unchanged "
            "duplicates dead_letters out_of_scope records_suppressed"
        ).split(),
        0,
    )
    with warehouse.transaction():
        _promote_cursors(warehouse, consumer_group, ranges, cluster_id)
        warehouse.runs.succeed(run_id, {**zero, "entity_counts": "{}"}, ranges)
        warehouse.privacy.audit(audit, run_id, {"records_read": 0})


def _promote_cursors(
    warehouse: Warehouse,
    consumer_group: str,
    ranges: Sequence[PartitionRange],
    cluster_id: str | None,
) -> None:
    """Connector cursors move up to what the warehouse now holds (in the same transaction)."""
    for topic in sorted({piece.topic for piece in ranges}):
        stored = warehouse.offsets.stored(consumer_group, topic)
        committed = {p: end for p, (end, cluster) in stored.items() if cluster == cluster_id}
        warehouse.connectors.promote(topic, cluster_id, committed)


def _records_to_store(
    warehouse: Warehouse, records: pa.Table | None
) -> tuple[pa.Table | None, int]:
    """The staged records minus those erased on request, and how many were left out."""
    if not _present(records):
        return records, 0
    assert records is not None
    return without_erased(records, warehouse.privacy.erased_subjects())


def _upsert_records(warehouse: Warehouse, records: pa.Table | None, run_id: str) -> UpsertCounts:
    """Upsert the records; a tombstone erases its detections and its unheld alerts too."""
    if not _present(records):
        return UpsertCounts()
    assert records is not None
    counts = warehouse.records.upsert(records, run_id)
    warehouse.records.delete_detections_of_tombstones(run_id)
    warehouse.alerts.delete_unheld(TOMBSTONED_BY_RUN, (run_id,), now())
    return counts


def _insert_if_present(
    insert: Callable[[pa.Table, str], int], rows: pa.Table | None, run_id: str
) -> int:
    if rows is None or not rows.num_rows:
        return 0
    return insert(rows, run_id)


def _finish_run(
    warehouse: Warehouse, staged: StagedRun, counts: CommitCounts, unscored: int, audit: AuditEntry
) -> None:
    """The run row's final counts and the run's audit entry."""
    warehouse.runs.succeed(
        staged.run_id,
        {
            "records_read": staged.records_read,
            "records_stored": counts.stored,
            "records_inserted": counts.inserted,
            "records_updated": counts.updated,
            "records_unchanged": counts.unchanged,
            "duplicates": staged.duplicates,
            "dead_letters": staged.dead_letters,
            "out_of_scope": staged.out_of_scope,
            "records_suppressed": counts.suppressed,
            "entity_counts": json.dumps(counts.entity_counts),
            "records_unscored": unscored,
            "alerts_raised": counts.alerts_new,
        },
        staged.ranges,
    )
    warehouse.privacy.audit(
        audit,
        staged.run_id,
        {
            "records_read": staged.records_read,
            "records_stored": counts.stored,
            "duplicates": staged.duplicates,
            "out_of_scope": staged.out_of_scope,
            "suppressed": counts.suppressed,
            "dead_letters": staged.dead_letters,
            "detections_new": counts.detections_new,
            "detections_superseded": counts.detections_superseded,
            "alerts_superseded": counts.alerts_superseded,
        },
        counts.entity_counts,
    )


def _present(table: pa.Table | None) -> bool:
    return table is not None and table.num_rows > 0


def count_entities(records: pa.Table | None) -> Counter[str]:
    """How many of each personal-data type were redacted in these records."""
    counts: Counter[str] = Counter()
    if not _present(records):
        return counts
    assert records is not None
    for entities in records.column("pii_entities").to_pylist():
        if entities and entities != "[]":
            counts.update(entity["type"] for entity in orjson.loads(entities))
    return counts


def unscored_count(records: pa.Table | None) -> int:
    """Texts in a language the classifiers do not know: a coverage gap."""
    if not _present(records):
        return 0
    assert records is not None
    return int(pc.sum(pc.invert(records["scored"].fill_null(True))).as_py() or 0)


def read_tables(paths: Sequence[str]) -> pa.Table | None:
    """The staged files of one table (local paths or URLs), concatenated (None if none)."""
    if not paths:
        return None
    return pa.concat_tables([read_staged_table(path) for path in paths])

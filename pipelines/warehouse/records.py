"""Stored records and their detections: the upsert of a run's staged records, thread context,
and the summaries the demo prints."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.warehouse.bulk import insert_new
from pipelines.warehouse.connection import Connection
from schemas.tables import DETECTIONS, RECORDS

_UPDATABLE = [column for column in RECORDS.staged_columns if column != "id"]
_UPSERT_RECORDS = f"""
INSERT INTO records ({", ".join(RECORDS.staged_columns)}, first_run_id, last_run_id)
SELECT {", ".join(RECORDS.staged_columns)}, ?, ? FROM staged_records
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
#: Records a run turned into tombstones (their detections and alerts go with them).
TOMBSTONED_BY_RUN = "SELECT id FROM records WHERE deleted AND last_run_id = ?"


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """What an upsert of staged records changed."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


class RecordStore:
    """Records (redacted, pseudonymous) and what was detected in them."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def upsert(self, records: pa.Table, run_id: str) -> UpsertCounts:
        """Insert new records, update those observed later; a rerun changes nothing."""
        with self.connection.loaded("staged_records", records.select(list(RECORDS.staged_columns))):
            total, existing, newer = self.connection.execute(_COUNT_CHANGES)[0]
            self.connection.execute(_UPSERT_RECORDS, (run_id, run_id))
        return UpsertCounts(total - existing, newer, existing - newer)

    def delete_detections_of_tombstones(self, run_id: str) -> None:
        """A tombstone erases what was found in the record, too."""
        self.connection.execute(
            f"DELETE FROM detections WHERE record_id IN ({TOMBSTONED_BY_RUN})", (run_id,)
        )

    def insert_detections(self, detections: pa.Table, run_id: str) -> int:
        """Insert detections not stored yet; return how many were new."""
        return insert_new(self.connection, DETECTIONS, detections, run_id)

    def texts(self, record_ids: Iterable[str]) -> dict[str, str]:
        """Redacted text of the given records that are stored and not tombstones."""
        wanted = sorted(set(record_ids))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            marks = ", ".join("?" for _ in part)
            for record_id, text in self.connection.execute(
                f"SELECT id, text FROM records WHERE id IN ({marks}) AND NOT deleted", part
            ):
                found[str(record_id)] = str(text)
        return found

    def count_by_account_and_kind(self) -> list[dict[str, Any]]:
        """Records per account and kind."""
        return self.connection.query_dicts(
            "SELECT account, kind, count(*) AS records FROM records "
            "GROUP BY account, kind ORDER BY account, kind"
        )

    def count_detections_by_category(self) -> list[dict[str, Any]]:
        """Detections per category and clause."""
        return self.connection.query_dicts(
            "SELECT category, policy_clause, count(*) AS detections "
            "FROM detections GROUP BY category, policy_clause ORDER BY category"
        )


def without_erased(records: pa.Table, erased: Iterable[tuple[str, str]]) -> tuple[pa.Table, int]:
    """Drop staged records erased on request (by record or by author); also how many."""
    subjects = list(erased)
    if not subjects:
        return records, 0
    record_ids = pa.array([s for kind, s in subjects if kind == "record"], type=pa.string())
    authors = pa.array([s for kind, s in subjects if kind == "author"], type=pa.string())
    drop = pc.or_(
        pc.is_in(records.column("id"), value_set=record_ids),
        pc.is_in(records.column("author_id"), value_set=authors),
    )
    kept = records.filter(pc.invert(drop))
    return kept, records.num_rows - kept.num_rows

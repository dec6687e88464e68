"""What the warehouse holds about one person, for a subject access request (UK GDPR art. 15).

A person is known here only by their pseudonym: their records are those they wrote; the
detections, alerts, verdicts and review history hang off those records; pattern alerts
name them as their subject or list their items; audit entries and erasures name their
pseudonym. Rows come back whole, by column name: :mod:`pipelines.usecases.sar` decides
what of them the person may see (nothing of anyone else).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from pipelines.warehouse.connection import Connection

#: Pattern alerts carry a synthetic record id with this prefix (pipelines/alerts/patterns.py).
PATTERN_RECORD_PREFIX = "pattern:"


class SubjectAccessStore:
    """Reads everything about one pseudonym."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def records_by(self, pseudonym: str) -> list[dict[str, Any]]:
        """The person's records, with whether the item each answers is theirs or official."""
        return self.connection.query_dicts(
            "SELECT r.*, p.author_id = r.author_id AS parent_is_own, "
            "p.author_is_official AS parent_is_official "
            "FROM records r LEFT JOIN records p ON p.id = r.parent_id "
            "WHERE r.author_id = ? ORDER BY r.created_at, r.id",
            (pseudonym,),
        )

    def replies_to(self, pseudonym: str) -> int:
        """How many stored records by others answer one of the person's records."""
        [(count,)] = self.connection.execute(
            "SELECT count(*) FROM records r JOIN records p ON p.id = r.parent_id "
            "WHERE p.author_id = ? AND r.author_id <> ?",
            (pseudonym, pseudonym),
        )
        return int(count)

    def _of(self, table: str, column: str, ids: Sequence[str], order: str) -> list[dict[str, Any]]:
        if not ids:
            return []
        wanted = pa.table({"id": pa.array(sorted(set(ids)), pa.string())})
        with self.connection.loaded("subject_ids", wanted):
            return self.connection.query_dicts(
                f"SELECT t.* FROM {table} t JOIN subject_ids s ON s.id = t.{column} "
                f"ORDER BY {order}"
            )

    def detections_of(self, record_ids: Sequence[str]) -> list[dict[str, Any]]:
        return self._of("detections", "record_id", record_ids, "t.created_at, t.detection_id")

    def alerts_of(self, record_ids: Sequence[str]) -> list[dict[str, Any]]:
        return self._of("alerts", "record_id", record_ids, "t.created_at, t.alert_id")

    def pattern_alerts_naming(
        self, pseudonym: str, record_ids: Sequence[str]
    ) -> list[dict[str, Any]]:
        """Pattern alerts whose subject is the person or whose items include theirs."""
        theirs = set(record_ids)
        rows = self.connection.query_dicts(
            "SELECT * FROM alerts WHERE record_id LIKE ? ORDER BY created_at, alert_id",
            (PATTERN_RECORD_PREFIX + "%",),
        )
        found = []
        for row in rows:
            evidence = json.loads(row["evidence"] or "{}")
            subject = evidence.get("pattern", {}).get("subject")
            items = {item.get("record_id") for item in evidence.get("items", [])}
            if subject == pseudonym or items & theirs:
                found.append(row)
        return found

    def feedback_of(self, alert_ids: Sequence[str]) -> list[dict[str, Any]]:
        return self._of("alert_feedback", "alert_id", alert_ids, "t.created_at")

    def events_of(self, alert_ids: Sequence[str]) -> list[dict[str, Any]]:
        return self._of("alert_events", "alert_id", alert_ids, "t.created_at, t.event_id")

    def deliveries_of(self, alert_ids: Sequence[str]) -> list[dict[str, Any]]:
        return self._of("alert_deliveries", "alert_id", alert_ids, "t.due_at, t.delivery_id")

    def audit_entries_naming(
        self, pseudonym: str, alert_ids: Sequence[str]
    ) -> list[dict[str, Any]]:
        """Audit entries whose counts name the pseudonym (erasures, access requests) or one
        of the alerts about the person (reviewers' views and actions)."""
        names = [pseudonym, *sorted(set(alert_ids))]
        condition = " OR ".join("CAST(counts AS TEXT) LIKE ?" for _ in names)
        return self.connection.query_dicts(
            f"SELECT * FROM audit_log WHERE {condition} ORDER BY created_at, audit_id",
            [f"%{name}%" for name in names],
        )

    def erasures_of(self, pseudonym: str, record_ids: Sequence[str]) -> list[dict[str, Any]]:
        """Erasures of the person, or of one of their records."""
        subjects = [pseudonym, *record_ids]
        marks = ", ".join("?" for _ in subjects)
        return self.connection.query_dicts(
            f"SELECT * FROM erasures WHERE subject IN ({marks}) ORDER BY erased_at", subjects
        )

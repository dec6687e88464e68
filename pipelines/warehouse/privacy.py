"""Privacy in the warehouse (policy 7.13, 7.19): erasure on request, retention, the audit log."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pipelines.audit import AuditEntry
from pipelines.warehouse.alerts import AlertStore
from pipelines.warehouse.connection import Connection, WarehouseError, now

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
ERASURE_SUBJECTS = {"record": "id", "author": "author_id"}


class PrivacyStore:
    """Erasures (kept, so erased data never comes back), retention and the audit log."""

    def __init__(self, connection: Connection, alerts: AlertStore) -> None:
        self.connection = connection
        self.alerts = alerts

    def audit(
        self,
        entry: AuditEntry,
        run_id: str | None,
        counts: dict[str, Any],
        entity_counts: dict[str, int] | None = None,
    ) -> None:
        """Append one audit entry (inside the caller's transaction)."""
        self.connection.execute(
            "INSERT INTO audit_log (audit_id, created_at, command, run_id, accounts, counts, "
            "entity_counts, versions, config_digest, operator) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                uuid.uuid4().hex,
                now(),
                entry.command,
                run_id,
                json.dumps(list(entry.accounts)),
                json.dumps(counts, sort_keys=True),
                json.dumps(entity_counts or {}, sort_keys=True),
                json.dumps(entry.versions, sort_keys=True),
                entry.config_digest,
                entry.operator,
            ),
        )

    def erased_subjects(self) -> list[tuple[str, str]]:
        """Every (subject kind, subject) erased on request."""
        rows = self.connection.execute("SELECT subject_kind, subject FROM erasures")
        return [(str(kind), str(subject)) for kind, subject in rows]

    def erase(
        self, subject_kind: str, subject: str, reason: str, entry: AuditEntry
    ) -> dict[str, int]:
        """Delete everything about one record or one author, and keep it erased."""
        column = ERASURE_SUBJECTS.get(subject_kind)
        if column is None:
            raise WarehouseError(f"unknown erasure subject {subject_kind!r}")
        chosen = f"SELECT id FROM records WHERE {column} = ?"
        with self.connection.transaction():
            detections = self.connection.execute(
                f"DELETE FROM detections WHERE record_id IN ({chosen}) RETURNING detection_id",
                (subject,),
            )
            if subject_kind == "record":
                detections += self.connection.execute(
                    "DELETE FROM detections WHERE record_id = ? RETURNING detection_id", (subject,)
                )
            alerts = self.alerts.delete(
                f"record_id IN ({chosen}) OR record_id = ?",
                (subject, subject if subject_kind == "record" else ""),
            )
            records = self.connection.execute(
                f"DELETE FROM records WHERE {column} = ? RETURNING id", (subject,)
            )
            self.connection.execute(
                "INSERT INTO erasures (subject_kind, subject, erased_at, reason) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (subject_kind, subject) DO NOTHING",
                (subject_kind, subject, now(), reason[:500]),
            )
            counts = {"records": len(records), "detections": len(detections), "alerts": alerts}
            self.audit(entry, None, {"erased": subject_kind, "subject": subject, **counts})
        return counts

    def erase_from_patterns(self, subject: str, record_ids: Sequence[str]) -> dict[str, int]:
        """Pattern alerts about an erased person or listing erased records.

        One whose subject is the person is deleted with its deliveries and verdicts; one that
        lists their items keeps the rest, each of theirs removed from its evidence (the
        count notes how many were erased on request). Inside the caller's transaction.
        Returns how many pattern alerts were deleted and how many items removed.
        """
        erased = set(record_ids)
        deleted: list[str] = []
        removed = 0
        rows = self.connection.execute(
            "SELECT alert_id, evidence FROM alerts WHERE record_id LIKE ?", ("pattern:%",)
        )
        for alert_id, text in rows:
            evidence = json.loads(text or "{}")
            pattern = evidence.get("pattern", {})
            items = evidence.get("items", [])
            kept = [item for item in items if item.get("record_id") not in erased]
            if pattern.get("subject") == subject:
                deleted.append(alert_id)
            elif len(kept) < len(items):
                removed += len(items) - len(kept)
                pattern["items_erased"] = pattern.get("items_erased", 0) + len(items) - len(kept)
                evidence["items"] = kept
                self.connection.execute(
                    "UPDATE alerts SET evidence = ?, published = FALSE WHERE alert_id = ?",
                    (json.dumps(evidence, sort_keys=True, ensure_ascii=False), alert_id),
                )
        if deleted:
            marks = ", ".join("?" for _ in deleted)
            self.alerts.delete(f"alert_id IN ({marks})", deleted)
        return {"pattern_alerts": len(deleted), "pattern_items": removed}

    def record_ids_of(self, subject_kind: str, subject: str) -> list[str]:
        """The stored records one erasure subject covers."""
        column = ERASURE_SUBJECTS.get(subject_kind)
        if column is None:
            raise WarehouseError(f"unknown erasure subject {subject_kind!r}")
        rows = self.connection.execute(f"SELECT id FROM records WHERE {column} = ?", (subject,))
        return [str(row[0]) for row in rows]

    def delete_older_than(
        self, cutoffs: dict[tuple[str, str], datetime], entry: AuditEntry
    ) -> dict[str, int]:
        """Delete rows whose time column is before its cutoff, per (table, column), in one go."""
        with self.connection.transaction():
            deleted: dict[str, int] = {}
            for (table, column), cutoff in cutoffs.items():
                if column not in RETAINED_TABLES.get(table, ()):
                    raise WarehouseError(f"retention does not apply to {table}.{column}")
                rows = self.connection.execute(
                    f"DELETE FROM {table} WHERE {column} < ? RETURNING 1", (cutoff,)
                )
                deleted[table] = len(rows)
            # Detections never outlive their record, nor deliveries and verdicts their alert.
            for table, orphaned in (
                ("detections", "record_id NOT IN (SELECT id FROM records)"),
                ("alert_deliveries", "alert_id NOT IN (SELECT alert_id FROM alerts)"),
                ("alert_feedback", "alert_id NOT IN (SELECT alert_id FROM alerts)"),
                ("alert_events", "alert_id NOT IN (SELECT alert_id FROM alerts)"),
            ):
                gone = self.connection.execute(f"DELETE FROM {table} WHERE {orphaned} RETURNING 1")
                deleted[table] = deleted.get(table, 0) + len(gone)
            self.audit(entry, None, {"deleted": deleted})
        return deleted

"""`socmon retention`: delete what is older than its retention period.

Content (records, detections, dead letters, alerts with their deliveries and verdicts) goes
after ``retention.content_days``;
the runs table after ``retention.runs_days``; the audit log after
``retention.audit_days`` — longer, since it shows that monitoring stayed within
the law (policy 7.19). Offsets and erasures are state and are never pruned:
losing an erasure would let erased data come back.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pipelines.audit import AuditEntry
from pipelines.config import RetentionSettings, Settings
from pipelines.warehouse import Warehouse, open_warehouse


def apply_retention(settings: Settings, now: datetime | None = None) -> dict[str, int]:
    """Delete expired rows with these settings; return how many per table."""
    from pipelines.usecases.compose import audit_entry

    with open_warehouse(settings.warehouse, writer="retention") as warehouse:
        return delete_expired(
            warehouse, settings.retention, audit_entry(settings, "retention"), now
        )


def delete_expired(
    warehouse: Warehouse, retention: RetentionSettings, audit: AuditEntry, now: datetime | None
) -> dict[str, int]:
    """Delete expired rows; return how many per table."""
    moment = now or datetime.now(UTC)
    content = moment - timedelta(days=retention.content_days)
    runs = moment - timedelta(days=retention.runs_days)
    cutoffs = {
        ("records", "observed_at"): content,
        ("detections", "created_at"): content,
        ("dead_letters", "created_at"): content,
        ("alerts", "created_at"): content,
        ("alert_deliveries", "created_at"): content,
        ("alert_feedback", "created_at"): content,
        ("runs", "started_at"): runs,
        ("dq_results", "created_at"): runs,
        ("audit_log", "created_at"): moment - timedelta(days=retention.audit_days),
    }
    return warehouse.privacy.delete_older_than(cutoffs, audit)

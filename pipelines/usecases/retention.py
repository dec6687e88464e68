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

from pipelines.config import Settings
from pipelines.usecases.process import audit_entry
from pipelines.warehouse import open_warehouse


def apply_retention(settings: Settings, now: datetime | None = None) -> dict[str, int]:
    """Delete expired rows; return how many per table."""
    moment = now or datetime.now(UTC)
    content = moment - timedelta(days=settings.retention.content_days)
    cutoffs = {
        ("records", "observed_at"): content,
        ("detections", "created_at"): content,
        ("dead_letters", "created_at"): content,
        ("alerts", "created_at"): content,
        ("alert_deliveries", "created_at"): content,
        ("alert_feedback", "created_at"): content,
        ("runs", "started_at"): moment - timedelta(days=settings.retention.runs_days),
        ("dq_results", "created_at"): moment - timedelta(days=settings.retention.runs_days),
        ("audit_log", "created_at"): moment - timedelta(days=settings.retention.audit_days),
    }
    warehouse = open_warehouse(settings.warehouse)
    try:
        return warehouse.delete_older_than(cutoffs, audit_entry(settings, "retention"))
    finally:
        warehouse.close()

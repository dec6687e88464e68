"""`socmon alerts list|show|resolve|precision|export-labels`: reviewers' side of alerts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from pipelines.audit import operator
from pipelines.warehouse import Warehouse
from schemas.alerts import Alert, ReviewedAlert


def list_alerts(warehouse: Warehouse, status: str | None, limit: int) -> list[Alert]:
    """Newest first, optionally only those with ``status``."""
    return warehouse.alerts.recent(status, limit)


def find_alert(warehouse: Warehouse, prefix: str) -> ReviewedAlert:
    """The alert whose id starts with ``prefix`` (at least 8 characters), with its verdicts."""
    return warehouse.alerts.find(prefix)


def resolve(warehouse: Warehouse, prefix: str, verdict: str, note: str | None) -> str:
    """Record a reviewer's verdict; the alert's status follows the latest verdict."""
    alert_id = find_alert(warehouse, prefix).alert.alert_id
    warehouse.alerts.record_verdict(alert_id, verdict, note, operator(), datetime.now(UTC))
    return alert_id


def precision(warehouse: Warehouse) -> dict[str, list[tuple[str, int, int, float]]]:
    """Per rule and per category: reviewed, confirmed, precision (duplicates left out)."""
    return {
        column: [
            (name, reviewed, confirmed, confirmed / reviewed if reviewed else 0.0)
            for name, reviewed, confirmed in warehouse.alerts.precision(column)
        ]
        for column in ("rule_id", "category")
    }


def export_labels(warehouse: Warehouse, output: Path) -> int:
    """Reviewed alerts as training labels: the stored (redacted) text, category, label."""
    rows = warehouse.alerts.reviewed_texts()
    with output.open("w", encoding="utf-8") as handle:
        for row in rows:
            label = 1 if row["status"] == "confirmed" else 0
            line = {"id": row["alert_id"], "text": row["text"], "category": row["category"]}
            handle.write(json.dumps({**line, "label": label}) + "\n")
    return len(rows)

"""`socmon alerts list|show|resolve|precision|export-labels`: reviewing alerts.

Uncertain emails and settling them are in :mod:`pipelines.usecases.uncertain`.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

from pipelines.warehouse import Warehouse, WarehouseError
from schemas.alerts import Alert, ReviewedAlert
from schemas.errors import SocmonError

log = logging.getLogger(__name__)


def list_alerts(warehouse: Warehouse, status: str | None, limit: int) -> list[Alert]:
    """Newest first, optionally only those with ``status``."""
    return warehouse.review.recent(status, limit)


class UnknownAlert(SocmonError):
    """No single alert matches what was typed: a usage error (exit 2), not a failure."""

    retry_helps = False


def find_alert(warehouse: Warehouse, prefix: str) -> ReviewedAlert:
    """The alert whose id starts with ``prefix`` (at least 8 characters), with its verdicts."""
    try:
        return warehouse.review.find(prefix)
    except WarehouseError as error:
        raise UnknownAlert(str(error)) from None


def resolve(
    warehouse: Warehouse,
    prefix: str,
    verdict: str,
    note: str | None,
    reviewer: str,
    action_taken: str | None = None,
) -> str:
    """Record a reviewer's verdict (the reviewer is an email address, never a Unix user);
    the alert's status follows the latest verdict and its waiting deliveries stop."""
    alert_id = find_alert(warehouse, prefix).alert.alert_id
    warehouse.review.resolve(
        alert_id, verdict, reviewer, datetime.now(UTC), action_taken=action_taken, note=note
    )
    return alert_id


def precision(warehouse: Warehouse) -> dict[str, list[tuple[str, int, int, float]]]:
    """Per rule and per category: reviewed, confirmed, precision (duplicates left out)."""
    return {
        column: [
            (name, reviewed, confirmed, confirmed / reviewed if reviewed else 0.0)
            for name, reviewed, confirmed in warehouse.review.precision(column)
        ]
        for column in ("rule_id", "category")
    }


def export_labels(warehouse: Warehouse, output: Path) -> int:
    """Reviewed alerts as training labels: the stored (redacted) text, category, label."""
    rows = warehouse.review.reviewed_texts()
    with output.open("w", encoding="utf-8") as handle:
        for row in rows:
            label = 1 if row["status"] == "confirmed" else 0
            line = {"id": row["alert_id"], "text": row["text"], "category": row["category"]}
            handle.write(json.dumps({**line, "label": label}) + "\n")
    return len(rows)

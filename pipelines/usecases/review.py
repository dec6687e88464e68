"""`socmon alerts list|show|resolve|precision|export-labels`: reviewers' side of alerts."""

from __future__ import annotations

import getpass
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipelines.warehouse.base import Warehouse, WarehouseError

VERDICTS = ("confirmed", "false_positive", "duplicate")


def list_alerts(warehouse: Warehouse, status: str | None, limit: int) -> list[tuple[Any, ...]]:
    """Newest first: id, created, account, severity, category, clause, rule, status."""
    where, parameters = ("WHERE status = ?", [status]) if status else ("", [])
    return warehouse.query(
        "SELECT alert_id, created_at, account, severity, category, policy_clause, rule_id, status "
        f"FROM alerts {where} ORDER BY created_at DESC, alert_id LIMIT ?",
        (*parameters, limit),
    )


def find_alert(warehouse: Warehouse, prefix: str) -> dict[str, Any]:
    """The alert whose id starts with ``prefix`` (at least 8 characters)."""
    if len(prefix) < 8:
        raise WarehouseError("give at least 8 characters of the alert id")
    rows = warehouse.query("SELECT alert_id FROM alerts WHERE alert_id LIKE ?", (f"{prefix}%",))
    if len(rows) != 1:
        raise WarehouseError(f"{len(rows)} alerts match {prefix!r}")
    columns = (
        "alert_id record_id account rule_id rule_version category policy_clause severity score "
        "evidence recommended_action recipients status created_at url"
    ).split()
    row = warehouse.query(f"SELECT {', '.join(columns)} FROM alerts WHERE alert_id = ?", rows[0])
    alert = dict(zip(columns, row[0], strict=True))
    alert["feedback"] = warehouse.query(
        "SELECT verdict, note, reviewer, created_at FROM alert_feedback WHERE alert_id = ? "
        "ORDER BY created_at",
        (alert["alert_id"],),
    )
    return alert


def resolve(warehouse: Warehouse, prefix: str, verdict: str, note: str | None) -> str:
    """Record a reviewer's verdict; the alert's status follows the latest verdict."""
    if verdict not in VERDICTS:
        raise WarehouseError(f"verdict must be one of {', '.join(VERDICTS)}")
    alert_id = find_alert(warehouse, prefix)["alert_id"]
    reviewer = getpass.getuser()
    now = datetime.now(UTC)
    warehouse.write_many(
        "INSERT INTO alert_feedback (alert_id, verdict, note, reviewer, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [(alert_id, verdict, note, reviewer, now)],
    )
    warehouse.write("UPDATE alerts SET status = ? WHERE alert_id = ?", (verdict, alert_id))
    return str(alert_id)


def precision(warehouse: Warehouse) -> dict[str, list[tuple[str, int, int, float]]]:
    """Per rule and per category: reviewed, confirmed, precision (duplicates left out)."""
    result = {}
    for column in ("rule_id", "category"):
        rows = warehouse.query(
            f"SELECT {column}, count(*) FILTER (WHERE status IN ('confirmed', 'false_positive')), "
            "count(*) FILTER (WHERE status = 'confirmed') FROM alerts "
            f"GROUP BY {column} ORDER BY {column}"
        )
        result[column] = [
            (str(name), int(reviewed), int(confirmed), confirmed / reviewed if reviewed else 0.0)
            for name, reviewed, confirmed in rows
        ]
    return result


def export_labels(warehouse: Warehouse, output: Path) -> int:
    """Reviewed alerts as training labels: the stored (redacted) text, category, label."""
    rows: Sequence[tuple[Any, ...]] = warehouse.query(
        "SELECT a.alert_id, a.category, a.status, r.text FROM alerts a "
        "JOIN records r ON r.id = a.record_id "
        "WHERE a.status IN ('confirmed', 'false_positive') AND NOT r.deleted ORDER BY a.alert_id"
    )
    with output.open("w", encoding="utf-8") as handle:
        for alert_id, category, status, text in rows:
            label = 1 if status == "confirmed" else 0
            handle.write(
                json.dumps({"id": alert_id, "text": text, "category": category, "label": label})
                + "\n"
            )
    return len(rows)

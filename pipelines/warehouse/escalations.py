"""Escalations: open alerts, who was told at each step and when, and the next step's delivery.

An escalation is one more row of ``alert_deliveries`` (the same outbox, states and retries
as any delivery) with ``escalation_step``, ``escalated_from`` and ``escalated_since`` set, its
id ``delivery_id_of(alert_id, "escalation-step:N")``: inserted only if absent, so an alert
reaches each step at most once however often the notifier runs. An acknowledgement cancels
it while it is pending, like every waiting delivery (``review.py``).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pipelines.warehouse.connection import Connection
from schemas.alerts import delivery_id_of
from schemas.escalations import EscalationNote, OpenAlertSteps

#: Who the notifier is in alert histories and the audit log.
ACTOR = "socmon"


def escalation_delivery_id(alert_id: str, step: int) -> str:
    """The one delivery of an alert's escalation to step ``step``."""
    return delivery_id_of(alert_id, f"escalation-step:{step}")


class EscalationStore:
    """Open alerts' steps, escalation deliveries, and the notes their emails carry."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def open_alerts(self, severities: Sequence[str]) -> list[OpenAlertSteps]:
        """Open (not acknowledged, resolved or superseded) alerts of these severities."""
        if not severities:
            return []
        marks = ", ".join("?" for _ in severities)
        rows = self.connection.query_dicts(
            "SELECT a.alert_id, a.account, a.severity, d.recipient, d.status, d.sent_at, "
            "d.escalation_step FROM alerts a JOIN alert_deliveries d ON d.alert_id = a.alert_id "
            f"WHERE a.status = 'open' AND a.superseded_at IS NULL AND a.severity IN ({marks}) "
            "ORDER BY a.alert_id",
            tuple(severities),
        )
        grouped: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            grouped.setdefault(row["alert_id"], []).append(row)
        return [_steps(deliveries) for deliveries in grouped.values()]

    def add(
        self,
        alert_id: str,
        step: int,
        recipient: str,
        escalated_from: Sequence[str],
        since: datetime,
        moment: datetime,
    ) -> bool:
        """Send the alert at once to ``recipient`` as step ``step``, if not already done;
        history and audit are written in the same transaction. True if it was new."""
        with self.connection.transaction():
            still_open = self.connection.execute(
                "SELECT 1 FROM alerts WHERE alert_id = ? AND status = 'open'", (alert_id,)
            )
            if not still_open:
                return False
            inserted = self.connection.execute(
                "INSERT INTO alert_deliveries (delivery_id, alert_id, recipient, mode, due_at, "
                "status, attempts, run_id, created_at, escalation_step, escalated_from, "
                "escalated_since) VALUES (?, ?, ?, 'immediate', ?, 'pending', 0, 'escalation', "
                "?, ?, ?, ?) ON CONFLICT (delivery_id) DO NOTHING RETURNING 1",
                (
                    escalation_delivery_id(alert_id, step),
                    alert_id,
                    recipient,
                    moment,
                    moment,
                    step,
                    json.dumps(list(escalated_from)),
                    since,
                ),
            )
            if not inserted:
                return False
            detail = {
                "to": [recipient],
                "step": step,
                "not_acknowledged_by": list(escalated_from),
                "since": since.isoformat(),
            }
            self._history(alert_id, detail, moment)
        return True

    def notes(self, delivery_ids: Sequence[str]) -> dict[str, EscalationNote]:
        """The escalation notes of those of these deliveries that are escalations."""
        if not delivery_ids:
            return {}
        marks = ", ".join("?" for _ in delivery_ids)
        rows = self.connection.query_dicts(
            "SELECT delivery_id, escalation_step, escalated_from, escalated_since "
            f"FROM alert_deliveries WHERE delivery_id IN ({marks}) "
            "AND escalation_step IS NOT NULL",
            tuple(delivery_ids),
        )
        return {
            row["delivery_id"]: EscalationNote(
                int(row["escalation_step"]),
                tuple(json.loads(row["escalated_from"] or "[]")),
                _utc(row["escalated_since"]),
            )
            for row in rows
        }

    def _history(self, alert_id: str, detail: dict[str, Any], moment: datetime) -> None:
        # The same shape as a reviewer's escalation (review.py): one alert event, one audit row.
        event_id = f"{time.time_ns():020d}-{uuid.uuid4().hex}"
        self.connection.execute(
            "INSERT INTO alert_events (event_id, alert_id, event, actor, detail, created_at) "
            "VALUES (?, ?, 'escalated', ?, ?, ?)",
            (event_id, alert_id, ACTOR, json.dumps(detail, sort_keys=True), moment),
        )
        account = self.connection.execute(
            "SELECT account FROM alerts WHERE alert_id = ?", (alert_id,)
        )
        self.connection.execute(
            "INSERT INTO audit_log (audit_id, created_at, command, run_id, accounts, counts, "
            "entity_counts, versions, config_digest, operator) "
            "VALUES (?, ?, 'notify:escalated', NULL, ?, ?, '{}', '{}', '', ?)",
            (
                uuid.uuid4().hex,
                moment,
                json.dumps([str(row[0]) for row in account]),
                json.dumps({"alert_id": alert_id, **detail}, sort_keys=True),
                ACTOR,
            ),
        )


def _steps(deliveries: list[dict[str, Any]]) -> OpenAlertSteps:
    first = deliveries[0]
    step = max(int(row["escalation_step"] or 0) for row in deliveries)
    told = tuple(
        dict.fromkeys(
            row["recipient"]
            for row in sorted(deliveries, key=lambda row: int(row["escalation_step"] or 0))
            if row["status"] == "sent"
        )
    )
    current = [
        _utc(row["sent_at"])
        for row in deliveries
        if int(row["escalation_step"] or 0) == step and row["status"] == "sent" and row["sent_at"]
    ]
    return OpenAlertSteps(
        alert_id=first["alert_id"],
        account=first["account"],
        severity=first["severity"],
        step=step,
        told=told,
        step_told_at=min(current) if current else None,
    )


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

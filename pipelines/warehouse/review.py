"""Reviewers' side of the alerts: the queue, an alert's page, and the lifecycle's actions.

An alert is ``open`` → ``acknowledged`` (someone is on it) → resolved (``confirmed``,
``false_positive`` or ``duplicate``), with the action taken on the content. An
acknowledgement or a verdict cancels the alert's deliveries still waiting to be sent
(digests, and anything held back), so a settled alert never reaches another inbox; an
escalation adds an immediate delivery to a colleague. Every view and action is one row of
``alert_events`` (the alert's history) and one of ``audit_log`` (policy 7.19), written in
the same transaction as the change. Reviewers are email addresses, never Unix users.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from pipelines.warehouse.alerts import alert_from_row
from pipelines.warehouse.connection import Connection, WarehouseError
from schemas.alerts import Alert, ReviewedAlert, Verdict, delivery_id_of
from schemas.review import AlertDetail, AlertEventRow, DeliveryRow, QueueFilter, QueuePage
from schemas.vocabulary import ACTIONS_TAKEN, SEVERITIES, VERDICTS

_RANK = (
    "CASE severity "
    + " ".join(f"WHEN '{severity}' THEN {rank}" for rank, severity in enumerate(SEVERITIES))
    + " ELSE -1 END"
)
#: Deliveries that have not reached the mail server: an acknowledgement or verdict stops them.
_CANCEL_WAITING = (
    "UPDATE alert_deliveries SET status = 'cancelled' WHERE alert_id = ? AND status = 'pending' "
    "RETURNING delivery_id"
)


def _where(chosen: QueueFilter, now: datetime) -> tuple[str, list[Any]]:
    clauses: list[str] = ["TRUE"]
    parameters: list[Any] = []

    def among(column: str, values: Sequence[str]) -> None:
        clauses.append(f"{column} IN ({', '.join('?' for _ in values)})")
        parameters.extend(values)

    if chosen.accounts is not None:
        mine: list[str] = []
        if chosen.accounts:
            mine.append(f"account IN ({', '.join('?' for _ in chosen.accounts)})")
            parameters.extend(chosen.accounts)
        if chosen.also_assigned_to:
            mine.append("assigned_to = ?")
            parameters.append(chosen.also_assigned_to.lower())
        if not mine:
            return "FALSE", []
        clauses.append(" OR ".join(mine))
    if chosen.severities:
        among("severity", chosen.severities)
    if chosen.statuses:
        among("status", chosen.statuses)
    for lead, every, values in (
        ("category", "categories", chosen.categories),
        ("policy_clause", "policy_clauses", chosen.clauses),
    ):
        # The lead value, or one of every value fired (a JSON array of strings: match the
        # quoted value in its text); alerts from before the review lifecycle have only the
        # lead one.
        if values:
            clauses.append(
                " OR ".join(f"{lead} = ? OR CAST({every} AS TEXT) LIKE ?" for _ in values)
            )
            for value in values:
                parameters.extend((value, f'%"{value}"%'))
    if chosen.max_age_hours is not None:
        clauses.append("created_at >= ?")
        parameters.append(now - timedelta(hours=chosen.max_age_hours))
    if chosen.assigned_to:
        clauses.append("assigned_to = ?")
        parameters.append(chosen.assigned_to.lower())
    return " AND ".join(f"({clause})" for clause in clauses), parameters


class ReviewStore:
    """The queue, one alert with its history, and reviewers' actions."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    # -- reading ------------------------------------------------------------------
    def queue(
        self, chosen: QueueFilter, now: datetime, limit: int = 50, offset: int = 0
    ) -> QueuePage:
        """One page of matching alerts, most severe first, then oldest first."""
        where, parameters = _where(chosen, now)
        rows = self.connection.query_dicts(
            f"SELECT * FROM alerts WHERE {where} "
            f"ORDER BY {_RANK} DESC, created_at, alert_id LIMIT ? OFFSET ?",
            (*parameters, limit, offset),
        )
        # The three counts in one pass over the matching alerts.
        grouped = self.connection.execute(
            "SELECT severity, status, account, GROUPING(severity), GROUPING(status), count(*) "
            f"FROM alerts WHERE {where} "
            "GROUP BY GROUPING SETS ((severity), (status), (account))",
            parameters,
        )
        counts: dict[str, dict[str, int]] = {"severity": {}, "status": {}, "account": {}}
        for severity, status, account, no_severity, no_status, n in grouped:
            if not no_severity:
                counts["severity"][str(severity)] = int(n)
            elif not no_status:
                counts["status"][str(status)] = int(n)
            else:
                counts["account"][str(account)] = int(n)
        return QueuePage(
            alerts=tuple(alert_from_row(row) for row in rows),
            total=sum(counts["severity"].values()),
            by_severity=counts["severity"],
            by_status=counts["status"],
            by_account=counts["account"],
        )

    def get(self, alert_id: str) -> Alert | None:
        """The alert with this exact id, or None."""
        rows = self.connection.query_dicts("SELECT * FROM alerts WHERE alert_id = ?", (alert_id,))
        return alert_from_row(rows[0]) if rows else None

    def detail(self, alert_id: str) -> AlertDetail | None:
        """The alert with its history, its deliveries and its post's times, or None."""
        alert = self.get(alert_id)
        if alert is None:
            return None
        events = self.connection.query_dicts(
            "SELECT event, actor, detail, created_at FROM alert_events WHERE alert_id = ? "
            "ORDER BY created_at, event_id",
            (alert_id,),
        )
        deliveries = self.connection.query_dicts(
            "SELECT recipient, mode, status, due_at, sent_at FROM alert_deliveries "
            "WHERE alert_id = ? ORDER BY due_at, recipient",
            (alert_id,),
        )
        record = self.connection.query_dicts(
            "SELECT created_at, observed_at, deleted FROM records WHERE id = ?", (alert.record_id,)
        )
        found = record[0] if record else {}
        return AlertDetail(
            alert=alert,
            events=tuple(
                AlertEventRow(
                    row["event"], row["actor"], json.loads(row["detail"] or "{}"), row["created_at"]
                )
                for row in events
            ),
            deliveries=tuple(DeliveryRow(**row) for row in deliveries),
            posted_at=found.get("created_at"),
            observed_at=found.get("observed_at"),
            record_deleted=bool(found.get("deleted")) or alert.record_deleted_at is not None,
        )

    def find(self, prefix: str) -> ReviewedAlert:
        """The alert whose id starts with ``prefix`` (at least 8 characters), with its verdicts."""
        if len(prefix) < 8:
            raise WarehouseError("give at least 8 characters of the alert id")
        rows = self.connection.query_dicts(
            "SELECT * FROM alerts WHERE alert_id LIKE ?", (f"{prefix}%",)
        )
        if len(rows) != 1:
            raise WarehouseError(f"{len(rows)} alerts match {prefix!r}")
        alert = alert_from_row(rows[0])
        feedback = self.connection.query_dicts(
            "SELECT verdict, note, reviewer, created_at FROM alert_feedback WHERE alert_id = ? "
            "ORDER BY created_at",
            (alert.alert_id,),
        )
        return ReviewedAlert(alert, tuple(Verdict(**row) for row in feedback))

    def recent(self, status: str | None, limit: int) -> list[Alert]:
        """Newest first, optionally only those with ``status``."""
        where, parameters = ("WHERE status = ?", [status]) if status else ("", [])
        rows = self.connection.query_dicts(
            f"SELECT * FROM alerts {where} ORDER BY created_at DESC, alert_id LIMIT ?",
            (*parameters, limit),
        )
        return [alert_from_row(row) for row in rows]

    # -- the lifecycle ------------------------------------------------------------
    def viewed(self, alert_id: str, actor: str, moment: datetime, via: str) -> None:
        """A reviewer opened the alert's page (``via``: link, sso or session)."""
        with self.connection.transaction():
            self._event(alert_id, "viewed", actor, {"via": via}, moment)

    def acknowledge(self, alert_id: str, actor: str, moment: datetime) -> bool:
        """Someone is on it: open → acknowledged; waiting deliveries stop. False if not open."""
        with self.connection.transaction():
            changed = self.connection.execute(
                "UPDATE alerts SET status = 'acknowledged', acknowledged_at = ?, "
                "acknowledged_by = ?, published = FALSE "
                "WHERE alert_id = ? AND status = 'open' RETURNING 1",
                (moment, actor, alert_id),
            )
            if not changed:
                return False
            cancelled = self.connection.execute(_CANCEL_WAITING, (alert_id,))
            self._event(alert_id, "acknowledged", actor, {"cancelled": len(cancelled)}, moment)
        return True

    def resolve(
        self,
        alert_id: str,
        verdict: str,
        actor: str,
        moment: datetime,
        *,
        action_taken: str | None = None,
        note: str | None = None,
        duplicate_of: str | None = None,
    ) -> None:
        """A verdict: the alert is resolved, waiting deliveries stop, the verdict is kept."""
        if verdict not in VERDICTS:
            raise WarehouseError(f"verdict must be one of {', '.join(VERDICTS)}")
        _check_action(action_taken)
        with self.connection.transaction():
            changed = self.connection.execute(
                "UPDATE alerts SET status = ?, resolved_at = ?, resolved_by = ?, "
                "action_taken = COALESCE(?, action_taken), duplicate_of = ?, "
                "acknowledged_at = COALESCE(acknowledged_at, ?), "
                "acknowledged_by = COALESCE(acknowledged_by, ?), published = FALSE "
                "WHERE alert_id = ? AND status <> 'superseded' RETURNING 1",
                (verdict, moment, actor, action_taken, duplicate_of, moment, actor, alert_id),
            )
            if not changed:
                raise WarehouseError(f"no alert {alert_id} to resolve (or it was superseded)")
            self.connection.execute(
                "INSERT INTO alert_feedback (alert_id, verdict, note, reviewer, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (alert_id, verdict, note, actor, moment),
            )
            cancelled = self.connection.execute(_CANCEL_WAITING, (alert_id,))
            detail = {"action_taken": action_taken, "note": note, "duplicate_of": duplicate_of}
            detail = {key: value for key, value in detail.items() if value}
            self._event(alert_id, verdict, actor, {**detail, "cancelled": len(cancelled)}, moment)

    def assign(self, alert_id: str, assignee: str, actor: str, moment: datetime) -> None:
        """Hand the alert to a colleague (an email address)."""
        with self.connection.transaction():
            self._require_update(
                "UPDATE alerts SET assigned_to = ? WHERE alert_id = ? RETURNING 1",
                (assignee.lower(), alert_id),
            )
            self._event(alert_id, "assigned", actor, {"assignee": assignee.lower()}, moment)

    def note_action(
        self,
        alert_id: str,
        action_taken: str | None,
        note: str | None,
        actor: str,
        moment: datetime,
    ) -> None:
        """Record what was done about the content, or a note, without a verdict."""
        _check_action(action_taken)
        with self.connection.transaction():
            if action_taken:
                self._require_update(
                    "UPDATE alerts SET action_taken = ?, published = FALSE "
                    "WHERE alert_id = ? RETURNING 1",
                    (action_taken, alert_id),
                )
            event = "action_taken" if action_taken else "noted"
            pairs = (("action_taken", action_taken), ("note", note))
            detail = {key: value for key, value in pairs if value}
            self._event(alert_id, event, actor, detail, moment)

    def escalate(
        self,
        alert_id: str,
        recipients: Sequence[str],
        actor: str,
        moment: datetime,
        note: str | None,
    ) -> int:
        """Send the alert at once to ``recipients`` (each once per alert); how many were new."""
        with self.connection.transaction():
            if self.get(alert_id) is None:
                raise WarehouseError(f"no alert {alert_id}")
            added = 0
            for recipient in dict.fromkeys(address.lower() for address in recipients):
                inserted = self.connection.execute(
                    "INSERT INTO alert_deliveries (delivery_id, alert_id, recipient, mode, due_at, "
                    "status, attempts, run_id, created_at) "
                    "VALUES (?, ?, ?, 'immediate', ?, 'pending', 0, ?, ?) "
                    "ON CONFLICT (delivery_id) DO NOTHING RETURNING 1",
                    (
                        delivery_id_of(alert_id, f"escalated:{recipient}"),
                        alert_id,
                        recipient,
                        moment,
                        "review",
                        moment,
                    ),
                )
                added += len(inserted)
            detail: dict[str, Any] = {"to": list(recipients)}
            if note:
                detail["note"] = note
            self._event(alert_id, "escalated", actor, detail, moment)
        return added

    def audit_view(
        self,
        actor: str,
        what: str,
        accounts: Sequence[str],
        details: dict[str, Any],
        moment: datetime,
    ) -> None:
        """A view that is not one alert's (a queue page): only to the audit log."""
        with self.connection.transaction():
            self._audit(f"review:{what}", actor, accounts, details, moment)

    # -- helpers --------------------------------------------------------------------
    def _require_update(self, sql: str, parameters: Sequence[Any]) -> None:
        if not self.connection.execute(sql, parameters):
            raise WarehouseError("no such alert")

    def _event(
        self, alert_id: str, event: str, actor: str, detail: dict[str, Any], moment: datetime
    ) -> None:
        # Written-time first: an alert's events of one moment (a bulk action's acknowledgement
        # and action taken) read back in the order they were written.
        unique = hashlib.sha256(
            f"{alert_id}|{event}|{actor}|{moment.isoformat()}|{uuid.uuid4().hex}".encode()
        ).hexdigest()
        event_id = f"{time.time_ns():020d}-{unique[:40]}"
        self.connection.execute(
            "INSERT INTO alert_events (event_id, alert_id, event, actor, detail, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (event_id, alert_id, event, actor, json.dumps(detail, sort_keys=True), moment),
        )
        account = self.connection.execute(
            "SELECT account FROM alerts WHERE alert_id = ?", (alert_id,)
        )
        accounts = [str(account[0][0])] if account else []
        self._audit(f"review:{event}", actor, accounts, {"alert_id": alert_id, **detail}, moment)

    def _audit(
        self,
        command: str,
        actor: str,
        accounts: Sequence[str],
        details: dict[str, Any],
        moment: datetime,
    ) -> None:
        self.connection.execute(
            "INSERT INTO audit_log (audit_id, created_at, command, run_id, accounts, counts, "
            "entity_counts, versions, config_digest, operator) "
            "VALUES (?, ?, ?, NULL, ?, ?, '{}', '{}', '', ?)",
            (
                uuid.uuid4().hex,
                moment,
                command,
                json.dumps(list(accounts)),
                json.dumps(details, sort_keys=True, default=str),
                actor,
            ),
        )

    # -- what reviewers' verdicts add up to ------------------------------------------
    def precision(self, column: str) -> list[tuple[str, int, int]]:
        """Per rule id or category: (name, reviewed, confirmed); duplicates left out."""
        if column not in ("rule_id", "category"):
            raise WarehouseError(f"precision is per rule_id or category, not {column!r}")
        rows = self.connection.execute(
            f"SELECT {column}, count(*) FILTER (WHERE status IN ('confirmed', 'false_positive')), "
            "count(*) FILTER (WHERE status = 'confirmed') FROM alerts "
            f"GROUP BY {column} ORDER BY {column}"
        )
        return [(str(name), int(reviewed), int(confirmed)) for name, reviewed, confirmed in rows]

    def reviewed_texts(self) -> list[dict[str, Any]]:
        """Reviewed alerts with the stored (redacted) text: alert_id, category, status, text."""
        return self.connection.query_dicts(
            "SELECT a.alert_id, a.category, a.status, r.text FROM alerts a "
            "JOIN records r ON r.id = a.record_id "
            "WHERE a.status IN ('confirmed', 'false_positive') AND NOT r.deleted "
            "ORDER BY a.alert_id"
        )

    def count_by_severity(self) -> list[dict[str, Any]]:
        """Alerts per severity, most severe first."""
        rows = self.connection.query_dicts(
            "SELECT severity, count(*) AS alerts FROM alerts GROUP BY severity"
        )
        return sorted(rows, key=lambda row: -SEVERITIES.index(row["severity"]))


def _check_action(action_taken: str | None) -> None:
    if action_taken is not None and action_taken not in ACTIONS_TAKEN:
        raise WarehouseError(f"action taken must be one of {', '.join(ACTIONS_TAKEN)}")

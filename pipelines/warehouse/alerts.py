"""Alerts and their deliveries (the email outbox); reviewers' side: ``review.py``.

The only place that knows the alert tables' columns: typed :class:`~schemas.alerts.Alert`
and :class:`~schemas.alerts.Delivery` records go in and come out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa

from pipelines.warehouse.bulk import insert_new
from pipelines.warehouse.connection import Connection, WarehouseError
from pipelines.warehouse.records import MODEL_CATEGORY_LIST, CurrentVersions
from schemas.alerts import Alert, Delivery, DueDelivery, StartedEmail
from schemas.tables import ALERT_DELIVERIES, ALERTS

#: Alerts kept as redacted evidence when their record is deleted: high or critical ones not
#: resolved as a false alarm or a duplicate (open ones too: a threat must not vanish because
#: its author deleted it before anyone looked).
HOLD = "severity IN ('high', 'critical') AND status IN ('open', 'acknowledged', 'confirmed')"
_ALERT_COLUMNS = ", ".join(f"a.{name}" for name in ALERTS.column_names)
_DUE = f"""
SELECT d.delivery_id, d.recipient, d.mode, d.due_at, d.attempts, {_ALERT_COLUMNS}
FROM alert_deliveries d JOIN alerts a ON a.alert_id = d.alert_id
WHERE d.status = 'pending' AND d.due_at <= ?
  AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?)
  AND a.status IN ('open', 'acknowledged')
ORDER BY d.recipient, a.created_at, d.delivery_id
"""
_SUPERSEDE = f"""
UPDATE alerts SET superseded_at = ?, superseded_by_run = ?,
    status = CASE WHEN status = 'open' THEN 'superseded' ELSE status END, published = FALSE
WHERE superseded_at IS NULL
  AND EXISTS (SELECT 1 FROM rescored_records r WHERE r.id = alerts.record_id
              AND (r.models_judged OR alerts.category NOT IN ({MODEL_CATEGORY_LIST})))
  AND NOT EXISTS (SELECT 1 FROM raised_again s WHERE s.record_id = alerts.record_id)
RETURNING alert_id
"""
#: Deliveries the mail server has not been given yet ('uncertain' ones may have reached it).
_CANCEL_UNSENT = """
UPDATE alert_deliveries SET status = 'cancelled'
WHERE status IN ('pending', 'sending')
  AND alert_id IN (SELECT alert_id FROM alerts
                   WHERE status = 'superseded' AND superseded_by_run = ?)
"""


def alerts_table(alerts: Sequence[Alert]) -> pa.Table:
    """Alerts as the staged Arrow table the gate checks and the commit inserts."""
    return ALERTS.staged_table(
        [
            ALERTS.row(
                alert_id=alert.alert_id,
                record_id=alert.record_id,
                account=alert.account,
                rule_id=alert.rule_id,
                rule_version=alert.rule_version,
                category=alert.category,
                policy_clause=alert.policy_clause,
                severity=alert.severity,
                score=alert.score,
                evidence=json.dumps(alert.evidence, sort_keys=True, ensure_ascii=False),
                recommended_action=alert.recommended_action,
                recipients=json.dumps(list(alert.recipients)),
                conversation_id=alert.conversation_id,
                url=alert.url,
                categories=json.dumps(list(alert.every_category)),
                policy_clauses=json.dumps(list(alert.every_clause)),
            )
            for alert in alerts
        ]
    )


def deliveries_table(deliveries: Sequence[Delivery]) -> pa.Table:
    """Deliveries as the staged Arrow table the commit inserts."""
    return ALERT_DELIVERIES.staged_table(
        [
            ALERT_DELIVERIES.row(
                delivery_id=delivery.delivery_id,
                alert_id=delivery.alert_id,
                recipient=delivery.recipient,
                mode=delivery.mode,
                due_at=delivery.due_at,
            )
            for delivery in deliveries
        ]
    )


def _due_from_row(row: dict[str, Any]) -> DueDelivery:
    delivery = Delivery(
        delivery_id=row["delivery_id"],
        alert_id=row["alert_id"],
        recipient=row["recipient"],
        mode=row["mode"],
        due_at=row["due_at"],
        attempts=int(row["attempts"]),
    )
    return DueDelivery(delivery, alert_from_row(row))


def alert_from_row(row: dict[str, Any]) -> Alert:
    """An alert from its row, read by column name."""
    return Alert(
        alert_id=row["alert_id"],
        record_id=row["record_id"],
        account=row["account"],
        rule_id=row["rule_id"],
        rule_version=row["rule_version"],
        category=row["category"],
        policy_clause=row["policy_clause"],
        severity=row["severity"],
        score=float(row["score"]),
        evidence=json.loads(row["evidence"]),
        recommended_action=row["recommended_action"],
        recipients=tuple(json.loads(row["recipients"])),
        conversation_id=row["conversation_id"],
        url=row["url"],
        status=row["status"],
        created_at=row["created_at"],
        categories=tuple(json.loads(row.get("categories") or "[]")),
        policy_clauses=tuple(json.loads(row.get("policy_clauses") or "[]")),
        acknowledged_at=row.get("acknowledged_at"),
        acknowledged_by=row.get("acknowledged_by"),
        resolved_at=row.get("resolved_at"),
        resolved_by=row.get("resolved_by"),
        action_taken=row.get("action_taken"),
        assigned_to=row.get("assigned_to"),
        duplicate_of=row.get("duplicate_of"),
        record_deleted_at=row.get("record_deleted_at"),
    )


class AlertStore:
    """Alerts, the outbox of their deliveries, and verdicts."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    # -- written by the commit step -------------------------------------------
    def insert(self, alerts: pa.Table, deliveries: pa.Table | None, run_id: str) -> int:
        """Insert alerts and deliveries not stored yet; return how many alerts were new."""
        new = insert_new(self.connection, ALERTS, alerts, run_id)
        if deliveries is not None and deliveries.num_rows:
            insert_new(self.connection, ALERT_DELIVERIES, deliveries, run_id)
        return new

    def delete(self, condition: str, parameters: Sequence[Any]) -> int:
        """Delete matching alerts with their deliveries and verdicts (inside a transaction)."""
        chosen = f"SELECT alert_id FROM alerts WHERE {condition}"
        for table in ("alert_deliveries", "alert_feedback", "alert_events"):
            self.connection.execute(f"DELETE FROM {table} WHERE alert_id IN ({chosen})", parameters)
        deleted = self.connection.execute(
            f"DELETE FROM alerts WHERE {condition} RETURNING 1", parameters
        )
        return len(deleted)

    def delete_unheld(
        self, record_condition: str, parameters: Sequence[Any], moment: datetime
    ) -> int:
        """The chosen records were deleted by their authors: delete their alerts, except
        unresolved or confirmed high and critical ones, which are stamped 'deleted by
        author' and keep their redacted evidence."""
        self.connection.execute(
            "UPDATE alerts SET record_deleted_at = ?, published = FALSE "
            f"WHERE record_id IN ({record_condition}) "
            f"AND ({HOLD}) AND record_deleted_at IS NULL",
            (moment, *parameters),
        )
        return self.delete(f"record_id IN ({record_condition}) AND NOT ({HOLD})", parameters)

    def supersede(
        self, versions: CurrentVersions, raised: pa.Table, run_id: str, moment: datetime
    ) -> int:
        """Stamp the live alerts that the rescored records' new versions no longer raise.

        ``raised`` holds (record_id, rule_id) of what the new versions raised. An open alert
        becomes 'superseded' and its unsent deliveries 'cancelled'; one a reviewer has given a
        verdict keeps its status and deliveries, the stamp saying that the post changed.
        Returns how many alerts were stamped.
        """
        again = raised.select(["record_id", "rule_id"])
        with (
            self.connection.loaded("rescored_records", versions.rescored_table()),
            self.connection.loaded("raised_again", again),
        ):
            stamped = self.connection.execute(_SUPERSEDE, (moment, run_id))
        if stamped:
            self.connection.execute(_CANCEL_UNSENT, (run_id,))
        return len(stamped)

    def alerts_of(self, record_ids: Sequence[str]) -> list[dict[str, Any]]:
        """Every stored alert of these records: alert_id, record_id, rule_id, live."""
        wanted = pa.table({"id": pa.array(sorted(set(record_ids)), pa.string())})
        with self.connection.loaded("records_asked", wanted):
            return self.connection.query_dicts(
                "SELECT a.alert_id, a.record_id, a.rule_id, a.superseded_at IS NULL AS live "
                "FROM alerts a JOIN records_asked r ON r.id = a.record_id"
            )

    # -- the notifier ----------------------------------------------------------
    # A delivery goes pending -> sending -> uncertain -> sent, one statement per email at
    # each step (see pipelines/usecases/notify.py for what each state promises); one whose
    # alert was superseded before it reached the server is 'cancelled' and never sent.
    def due(self, moment: datetime) -> list[DueDelivery]:
        """Pending deliveries whose time has come and whose retry (if any) is due."""
        return [_due_from_row(row) for row in self.connection.query_dicts(_DUE, (moment, moment))]

    def started(self, statuses: Sequence[str] = ("sending",)) -> list[StartedEmail]:
        """Emails begun and not finished, in these states, each with its fixed deliveries."""
        if not statuses or not set(statuses) <= {"sending", "uncertain"}:
            raise WarehouseError(f"started emails are 'sending' or 'uncertain', not {statuses}")
        marks = ", ".join("?" for _ in statuses)
        rows = self.connection.query_dicts(
            f"SELECT d.delivery_id, d.recipient, d.mode, d.due_at, d.attempts, d.status "
            f"AS delivery_status, d.message_id, d.sending_at, d.last_error, {_ALERT_COLUMNS} "
            "FROM alert_deliveries d JOIN alerts a ON a.alert_id = d.alert_id "
            f"WHERE d.status IN ({marks}) "
            "ORDER BY d.sending_at, d.message_id, a.created_at, d.delivery_id",
            tuple(statuses),
        )
        emails: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            emails.setdefault(row["message_id"], []).append(row)
        return [
            StartedEmail(
                message_id=message_id,
                status=grouped[0]["delivery_status"],
                items=tuple(_due_from_row(row) for row in grouped),
                since=grouped[0]["sending_at"],
                last_error=grouped[0]["last_error"],
            )
            for message_id, grouped in emails.items()
        ]

    def emails_sent_last_hour(self, moment: datetime) -> dict[str, int]:
        """Emails sent per recipient in the hour before ``moment``."""
        rows = self.connection.execute(
            "SELECT recipient, count(DISTINCT message_id) FROM alert_deliveries "
            "WHERE status = 'sent' AND sent_at > ? GROUP BY recipient",
            (moment - timedelta(hours=1),),
        )
        return {str(recipient): int(count) for recipient, count in rows}

    def begin_email(self, delivery_ids: Sequence[str], message_id: str, moment: datetime) -> int:
        """Pending deliveries become one email, 'sending' under ``message_id``; how many did."""
        marks = ", ".join("?" for _ in delivery_ids)
        changed = self.connection.execute(
            "UPDATE alert_deliveries SET status = 'sending', message_id = ?, sending_at = ? "
            f"WHERE status = 'pending' AND delivery_id IN ({marks}) RETURNING 1",
            (message_id, moment, *delivery_ids),
        )
        return len(changed)

    def hand_over(self, message_id: str) -> None:
        """Written just before the final dot: from now on the server may accept the email."""
        self.connection.execute(
            "UPDATE alert_deliveries SET status = 'uncertain' "
            "WHERE message_id = ? AND status = 'sending'",
            (message_id,),
        )

    def mark_sent(self, message_id: str, moment: datetime) -> None:
        """The server accepted the email: all its deliveries sent, in one statement."""
        self.connection.execute(
            "UPDATE alert_deliveries SET status = 'sent', sent_at = ?, last_error = NULL "
            "WHERE message_id = ? AND status IN ('sending', 'uncertain')",
            (moment, message_id),
        )

    def hold(self, message_id: str, reason: str) -> None:
        """The email stays 'uncertain' (no answer to its final dot), with the reason."""
        self.connection.execute(
            "UPDATE alert_deliveries SET last_error = ? "
            "WHERE message_id = ? AND status = 'uncertain'",
            (reason, message_id),
        )

    def postpone(self, retries: Sequence[tuple[str, int, datetime]], reason: str) -> None:
        """Deliveries of an email the server refused or never got: pending again, retried later.

        Each is (delivery id, attempts so far, when to try again); the next email that
        carries them gets a Message-ID of its own, since this one was never accepted.
        """
        with self.connection.transaction():
            self.connection.execute_many(
                "UPDATE alert_deliveries SET status = 'pending', message_id = NULL, "
                "sending_at = NULL, attempts = ?, next_attempt_at = ?, last_error = ? "
                "WHERE delivery_id = ? AND status NOT IN ('sent', 'cancelled')",
                [(attempts, when, reason, delivery_id) for delivery_id, attempts, when in retries],
            )

    def settle(self, message_id: str, delivered: bool, moment: datetime) -> int:
        """An operator's answer for an 'uncertain' email: delivered (sent), or resend it.

        Resending puts it back to 'sending': the next ``socmon notify`` sends the same
        deliveries under the same Message-ID, so a receiving system can drop a repeat.
        """
        if delivered:
            statement = "SET status = 'sent', sent_at = ?, last_error = NULL"
            parameters: tuple[Any, ...] = (moment, message_id)
        else:
            statement = "SET status = 'sending'"
            parameters = (message_id,)
        changed = self.connection.execute(
            f"UPDATE alert_deliveries {statement} "
            "WHERE message_id = ? AND status = 'uncertain' RETURNING 1",
            parameters,
        )
        if not changed:
            raise WarehouseError(f"no uncertain email has the Message-ID {message_id}")
        return len(changed)

    # -- after the commit: the alerts topic ------------------------------------
    def unpublished(self) -> list[Alert]:
        """Committed alerts not yet copied to the alerts topic."""
        rows = self.connection.query_dicts(
            "SELECT * FROM alerts WHERE NOT published ORDER BY alert_id"
        )
        return [alert_from_row(row) for row in rows]

    def mark_published(self, alert_ids: Sequence[str]) -> None:
        """Alerts now in the alerts topic."""
        # One statement per thousand ids: an UPDATE per id cost 0.19 s for 290 alerts.
        with self.connection.transaction():
            for start in range(0, len(alert_ids), 1000):
                chunk = alert_ids[start : start + 1000]
                marks = ", ".join("?" for _ in chunk)
                self.connection.execute(
                    f"UPDATE alerts SET published = TRUE WHERE alert_id IN ({marks})", chunk
                )

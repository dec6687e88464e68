"""`socmon notify`: send what the ``alert_deliveries`` outbox holds, each email once.

A delivery is due when its time has come (at once for high and critical
alerts, at the digest time for the rest) and no retry is pending. Due
deliveries are grouped into emails: immediate alerts on the same thread
within ``burst_minutes`` share one email with a count, digests gather every
alert of a recipient. An email is sent by SMTP (or written as an ``.eml``
file when no SMTP host is set) and its deliveries are marked sent only after
the server accepted it, in one transaction. A failure leaves them pending
with a retry time that doubles each attempt. Quiet hours hold back all but
critical mail; a per-recipient hourly limit holds back the rest of the
non-critical mail until the next run.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from pipelines.alerts.emails import PendingAlert, compose, message_id
from pipelines.alerts.rules import SEVERITY_ORDER
from pipelines.alerts.stage import routing_for, rules_for
from pipelines.config import Settings
from pipelines.steps import reached
from pipelines.warehouse.base import Warehouse

log = logging.getLogger(__name__)

_DUE = """
SELECT d.delivery_id, d.recipient, d.mode, d.attempts, a.alert_id, a.record_id, a.account,
       a.rule_id, a.rule_version, a.category, a.policy_clause, a.severity, a.score, a.evidence,
       a.recommended_action, a.conversation_id, a.url, a.created_at
FROM alert_deliveries d JOIN alerts a ON a.alert_id = d.alert_id
WHERE d.status = 'pending' AND d.due_at <= ?
  AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?)
ORDER BY d.recipient, a.created_at, d.delivery_id
"""


@dataclass
class NotifyResult:
    """What one notifier run did."""

    emails_sent: int = 0
    deliveries_sent: int = 0
    failed: int = 0
    held_back: int = 0
    errors: list[str] = field(default_factory=list)


class Sender:
    """SMTP, or .eml files in the outbox folder when no host is configured."""

    def __init__(self, settings: Settings) -> None:
        self.smtp = settings.smtp
        self.outbox = Path(settings.operations.outbox_dir)

    def send(self, message: EmailMessage) -> None:
        """Return only once the server accepted the message (or the file is written)."""
        if not self.smtp.host:
            self.outbox.mkdir(parents=True, exist_ok=True)
            name = str(message["Message-ID"]).strip("<>").split("@")[0]
            path = self.outbox / f"alert-{name}.eml"
            temporary = path.with_suffix(".tmp")
            temporary.write_bytes(bytes(message))
            temporary.replace(path)  # the same email twice is the same file
            return
        with smtplib.SMTP(self.smtp.host, self.smtp.port, timeout=self.smtp.timeout_s) as server:
            if self.smtp.starttls:
                server.starttls()
            if self.smtp.username:
                password = self.smtp.password.get_secret_value() if self.smtp.password else ""
                server.login(self.smtp.username, password)
            refused = server.send_message(message)
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)


def notify(
    settings: Settings,
    warehouse: Warehouse,
    now: datetime | None = None,
    sender: Sender | None = None,
) -> NotifyResult:
    """Send every due delivery once; see the module docstring."""
    now = now or datetime.now(UTC)
    policy = rules_for(settings).policy
    handles = dict(routing_for(settings).handles)
    sender = sender or Sender(settings)
    due = [_pending(row) for row in warehouse.query(_DUE, (now, now))]
    result = NotifyResult()
    quiet = _in_quiet_hours(now, settings.alerts.quiet_hours)
    sent_recently = _sent_last_hour(warehouse, now)
    for recipient_items, digest in _emails(due, settings.alerts.burst_minutes):
        critical = any(item.severity == "critical" for item in recipient_items)
        recipient = recipient_items[0].recipient
        if not critical and (
            quiet or sent_recently.get(recipient, 0) >= settings.alerts.max_emails_per_hour
        ):
            result.held_back += len(recipient_items)
            continue
        message = compose(recipient_items, digest, settings.smtp.sender, policy, handles, now)
        ids = [item.delivery_id for item in recipient_items]
        try:
            sender.send(message)
        except (smtplib.SMTPException, OSError) as error:
            reason = f"{type(error).__name__}: {str(error)[:200]}"
            _postpone(warehouse, recipient_items, now, settings.smtp.retry_base_s, reason)
            result.failed += len(ids)
            result.errors.append(reason)
            log.warning("email to %s not sent (%s); retried on a later run", recipient, reason)
            continue
        _mark_sent(warehouse, ids, message_id(ids), now)
        sent_recently[recipient] = sent_recently.get(recipient, 0) + 1
        result.emails_sent += 1
        result.deliveries_sent += len(ids)
        reached("after_email_sent")
    return result


def _pending(row: Sequence[Any]) -> PendingAlert:
    names = (
        "alert_id record_id account rule_id rule_version category policy_clause severity score "
        "evidence recommended_action conversation_id url created_at"
    ).split()
    alert = dict(zip(names, row[4:], strict=True))
    return PendingAlert(
        delivery_id=row[0], recipient=row[1], mode=row[2], alert=alert, attempts=int(row[3])
    )


def _emails(
    due: Sequence[PendingAlert], burst_minutes: int
) -> list[tuple[list[PendingAlert], bool]]:
    """Group due deliveries into emails: (items, is_digest)."""
    emails: list[tuple[list[PendingAlert], bool]] = []
    digests: dict[str, list[PendingAlert]] = {}
    bursts: dict[tuple[str, str], list[list[PendingAlert]]] = {}
    window = timedelta(minutes=burst_minutes)
    for item in due:
        if item.mode == "digest":
            digests.setdefault(item.recipient, []).append(item)
            continue
        thread = item.alert["conversation_id"] or item.alert["record_id"]
        groups = bursts.setdefault((item.recipient, thread), [])
        if groups and _created(item) - _created(groups[-1][0]) <= window:
            groups[-1].append(item)
        else:
            groups.append([item])
    for groups in bursts.values():
        emails.extend((group, False) for group in groups)
    emails.extend((items, True) for items in digests.values())
    # The most severe first, so an hourly limit is spent on what matters most.
    emails.sort(key=lambda email: -max(SEVERITY_ORDER[item.severity] for item in email[0]))
    return emails


def _created(item: PendingAlert) -> datetime:
    created: datetime = item.alert["created_at"]
    return created if created.tzinfo else created.replace(tzinfo=UTC)


def _in_quiet_hours(now: datetime, quiet: tuple[int, int] | None) -> bool:
    if quiet is None:
        return False
    start, end = quiet
    hour = now.astimezone(UTC).hour
    return start <= hour < end if start <= end else hour >= start or hour < end


def _sent_last_hour(warehouse: Warehouse, now: datetime) -> dict[str, int]:
    rows = warehouse.query(
        "SELECT recipient, count(DISTINCT message_id) FROM alert_deliveries "
        "WHERE status = 'sent' AND sent_at > ? GROUP BY recipient",
        (now - timedelta(hours=1),),
    )
    return {str(recipient): int(count) for recipient, count in rows}


def _mark_sent(warehouse: Warehouse, ids: Sequence[str], mid: str, now: datetime) -> None:
    warehouse.write_many(
        "UPDATE alert_deliveries SET status = 'sent', sent_at = ?, message_id = ?, "
        "last_error = NULL WHERE delivery_id = ? AND status = 'pending'",
        [(now, mid, delivery_id) for delivery_id in ids],
    )


def _postpone(
    warehouse: Warehouse, items: Sequence[PendingAlert], now: datetime, base_s: float, reason: str
) -> None:
    rows = []
    for item in items:
        attempts = item.attempts + 1
        delay = timedelta(seconds=min(base_s * 2 ** (attempts - 1), 6 * 3600))
        rows.append((attempts, now + delay, reason, item.delivery_id))
    warehouse.write_many(
        "UPDATE alert_deliveries SET attempts = ?, next_attempt_at = ?, last_error = ? "
        "WHERE delivery_id = ?",
        rows,
    )


def describe(result: NotifyResult) -> str:
    """One line for the CLI."""
    return (
        f"sent {result.emails_sent} email(s) covering {result.deliveries_sent} delivery(ies); "
        f"{result.failed} failed (retried later); {result.held_back} held back "
        "(quiet hours or rate limit)"
    )

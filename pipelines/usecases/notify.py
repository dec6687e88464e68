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
from typing import Protocol

from pipelines.alerts.emails import compose, message_id
from pipelines.config import Settings
from pipelines.settings.alerts import SmtpSettings
from pipelines.steps import reached
from pipelines.usecases.compose import Mailing, mailing_for
from pipelines.warehouse import Warehouse, open_warehouse
from schemas.alerts import DueDelivery
from schemas.vocabulary import SEVERITY_ORDER

log = logging.getLogger(__name__)


@dataclass
class NotifyResult:
    """What one notifier run did."""

    emails_sent: int = 0
    deliveries_sent: int = 0
    failed: int = 0
    held_back: int = 0
    errors: list[str] = field(default_factory=list)


class Outbox(Protocol):
    """The notifier's view of the alerts store (``Warehouse.alerts``): due and sent mail."""

    def due(self, moment: datetime) -> list[DueDelivery]: ...

    def emails_sent_last_hour(self, moment: datetime) -> dict[str, int]: ...

    def mark_sent(self, delivery_ids: Sequence[str], message_id: str, moment: datetime) -> None: ...

    def postpone(self, retries: Sequence[tuple[str, int, datetime]], reason: str) -> None: ...


class Sender:
    """SMTP, or .eml files in the outbox folder when no host is configured."""

    def __init__(self, smtp: SmtpSettings, outbox_dir: Path) -> None:
        self.smtp = smtp
        self.outbox = Path(outbox_dir)

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
    warehouse: Warehouse | None = None,
    now: datetime | None = None,
    sender: Sender | None = None,
) -> NotifyResult:
    """Send every due delivery once with these settings (the warehouse opened here if not given)."""
    mailing = mailing_for(settings)
    if warehouse is not None:
        return send_due(mailing, warehouse.alerts, now, sender)
    with open_warehouse(settings.warehouse) as opened:
        return send_due(mailing, opened.alerts, now, sender)


def send_due(
    mailing: Mailing,
    outbox: Outbox,
    now: datetime | None = None,
    sender: Sender | None = None,
) -> NotifyResult:
    """Send every due delivery of the outbox once; see the module docstring."""
    now = now or datetime.now(UTC)
    sender = sender or Sender(mailing.smtp, mailing.outbox_dir)
    due = outbox.due(now)
    result = NotifyResult()
    quiet = _in_quiet_hours(now, mailing.alerts.quiet_hours)
    sent_recently = outbox.emails_sent_last_hour(now)
    for recipient_items, digest in _emails(due, mailing.alerts.burst_minutes):
        critical = any(item.severity == "critical" for item in recipient_items)
        recipient = recipient_items[0].recipient
        if not critical and (
            quiet or sent_recently.get(recipient, 0) >= mailing.alerts.max_emails_per_hour
        ):
            result.held_back += len(recipient_items)
            continue
        message = compose(
            recipient_items, digest, mailing.smtp.sender, mailing.policy, dict(mailing.handles), now
        )
        ids = [item.delivery_id for item in recipient_items]
        try:
            sender.send(message)
        except (smtplib.SMTPException, OSError) as error:
            reason = f"{type(error).__name__}: {str(error)[:200]}"
            _postpone(outbox, recipient_items, now, mailing.smtp.retry_base_s, reason)
            result.failed += len(ids)
            result.errors.append(reason)
            log.warning("email to %s not sent (%s); retried on a later run", recipient, reason)
            continue
        outbox.mark_sent(ids, message_id(ids), now)
        sent_recently[recipient] = sent_recently.get(recipient, 0) + 1
        result.emails_sent += 1
        result.deliveries_sent += len(ids)
        reached("after_email_sent")
    return result


def _emails(due: Sequence[DueDelivery], burst_minutes: int) -> list[tuple[list[DueDelivery], bool]]:
    """Group due deliveries into emails: (items, is_digest)."""
    emails: list[tuple[list[DueDelivery], bool]] = []
    digests: dict[str, list[DueDelivery]] = {}
    bursts: dict[tuple[str, str], list[list[DueDelivery]]] = {}
    window = timedelta(minutes=burst_minutes)
    for item in due:
        if item.mode == "digest":
            digests.setdefault(item.recipient, []).append(item)
            continue
        thread = item.alert.thread
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


def _created(item: DueDelivery) -> datetime:
    created = item.alert.created_at
    assert created is not None, "a committed alert has its creation time"
    return created if created.tzinfo else created.replace(tzinfo=UTC)


def _in_quiet_hours(now: datetime, quiet: tuple[int, int] | None) -> bool:
    if quiet is None:
        return False
    start, end = quiet
    hour = now.astimezone(UTC).hour
    return start <= hour < end if start <= end else hour >= start or hour < end


def _postpone(
    outbox: Outbox, items: Sequence[DueDelivery], now: datetime, base_s: float, reason: str
) -> None:
    retries = []
    for item in items:
        attempts = item.attempts + 1
        delay = timedelta(seconds=min(base_s * 2 ** (attempts - 1), 6 * 3600))
        retries.append((item.delivery_id, attempts, now + delay))
    outbox.postpone(retries, reason)


def describe(result: NotifyResult) -> str:
    """One line for the CLI."""
    return (
        f"sent {result.emails_sent} email(s) covering {result.deliveries_sent} delivery(ies); "
        f"{result.failed} failed (retried later); {result.held_back} held back "
        "(quiet hours or rate limit)"
    )

"""`socmon notify`: send what the ``alert_deliveries`` outbox holds, each email once.

A delivery is due when its time has come (at once for high and critical
alerts, at the digest time for the rest) and no retry is pending. Due
deliveries are grouped into emails: immediate alerts on the same thread
within ``burst_minutes`` share one email with a count, digests gather every
alert of a recipient. No email lists more than ``max_alerts_per_email``
alerts or grows past ``max_email_bytes``: it says how many more follow, and
they go in the next emails. Quiet hours (hours of the clock in
``alerts.timezone``) hold back all but critical mail; a per-recipient hourly
limit holds back the rest of the non-critical mail until the next run. A
failure leaves deliveries pending with a retry time that doubles each attempt.
Each email goes to one recipient (the envelope names only them), though its
headers name everyone told of the incident.

**The guarantee.** SMTP has no two-phase commit, so each email moves through
states written to the warehouse, one statement per email at each step:

``pending`` → ``sending``
    before connecting: the email's deliveries and its Message-ID are fixed.
``sending`` → ``uncertain``
    just before the final ``.`` of the DATA command: until then the server
    cannot accept the message (RFC 5321 §4.1.1.4), from then on it may.
``uncertain`` → ``sent``
    as soon as the server answers 250 to the final dot.

A refusal (a 4xx/5xx reply, or a failure before the final dot) puts the
deliveries back to ``pending`` for a retry. After a crash, a ``sending``
email is resent at the next run with the same deliveries and the same
Message-ID: the server never received it whole. An ``uncertain`` email (a
crash, or a lost connection, between the final dot and the recorded answer:
a window of one reply and one update) is **never resent automatically**: it is
counted in the notifier's output and listed by ``socmon alerts uncertain``,
and an operator who has checked the mail server's log for its Message-ID runs
``socmon alerts settle MESSAGE_ID --delivered`` or ``--resend`` (the same
Message-ID again, so a receiving system can still drop a repeat). Hence: the
SMTP server never receives an email twice from ``socmon notify`` alone, and
every delivery ends ``sent`` except those of an uncertain email, which wait
for that one decision. With ``smtp.relay_drops_repeated_message_ids`` (only
for a relay known to drop a Message-ID it has seen) and for ``.eml`` files
(the same Message-ID is the same file), uncertain emails are resent
automatically instead: the relay, not the notifier, then makes it once.

Before sending, each run adds the escalations whose time has come
(:mod:`pipelines.usecases.escalate`: deliveries in this same outbox, so they are sent by
this run under the same guarantee); after sending, it tells the platform team about
problems that opened or cleared (:mod:`pipelines.usecases.operations_notices`, through the
same sender and the same states).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Protocol
from zoneinfo import ZoneInfo

from pipelines.alerts.emails import compose
from pipelines.config import Settings
from pipelines.steps import reached
from pipelines.usecases.escalate import escalate_due, escalation_plan
from pipelines.usecases.mailing import Mailing, mailing_for
from pipelines.usecases.operations_notices import NoticeResult, send_notices
from pipelines.usecases.operations_problems import TokenProbe
from pipelines.usecases.sender import Sender
from pipelines.warehouse import Warehouse, open_warehouse
from schemas.alerts import DueDelivery, StartedEmail
from schemas.escalations import EscalationNote
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
    #: Emails begun by an earlier, interrupted run and finished by this one.
    resumed: int = 0
    #: Message-IDs of emails the server may or may not have accepted, held for an operator.
    uncertain: list[str] = field(default_factory=list)
    #: Where the emails went: the SMTP server, or the folder of .eml files.
    destination: str = ""
    #: Escalations added by this run (each sent by it, unless held back or failed).
    escalated: int = 0
    #: What the platform team was told (None: notices were not checked).
    notices: NoticeResult | None = None


class Outbox(Protocol):
    """The notifier's view of the alerts store (``Warehouse.alerts``): the states of each email."""

    def due(self, moment: datetime) -> list[DueDelivery]: ...

    def started(self, statuses: Sequence[str] = ("sending",)) -> list[StartedEmail]: ...

    def emails_sent_last_hour(self, moment: datetime) -> dict[str, int]: ...

    def begin_email(
        self, delivery_ids: Sequence[str], message_id: str, moment: datetime
    ) -> int: ...

    def hand_over(self, message_id: str) -> None: ...

    def mark_sent(self, message_id: str, moment: datetime) -> None: ...

    def hold(self, message_id: str, reason: str) -> None: ...

    def postpone(self, retries: Sequence[tuple[str, int, datetime]], reason: str) -> None: ...


class EscalationNotes(Protocol):
    """Which deliveries are escalations, and what their emails say (``Warehouse.escalations``)."""

    def notes(self, delivery_ids: Sequence[str]) -> dict[str, EscalationNote]: ...


def notify(
    settings: Settings,
    warehouse: Warehouse | None = None,
    now: datetime | None = None,
    sender: Sender | None = None,
    token_probe: TokenProbe | None = None,
) -> NotifyResult:
    """Escalate what waited too long, send every due delivery once, then tell the platform
    team what opened or cleared (the warehouse opened here if not given)."""
    if warehouse is None:
        with open_warehouse(settings.warehouse, writer="notify") as opened:
            return notify(settings, opened, now, sender, token_probe)
    mailing = mailing_for(settings)
    now = now or datetime.now(UTC)
    sender = sender or Sender(mailing.smtp, mailing.outbox_dir)
    escalated = escalate_due(escalation_plan(settings), warehouse.escalations, now)
    result = send_due(mailing, warehouse.alerts, now, sender, warehouse.escalations)
    result.escalated = escalated
    result.notices = send_notices(settings, warehouse, now, sender, token_probe)
    return result


def send_due(
    mailing: Mailing,
    outbox: Outbox,
    now: datetime | None = None,
    sender: Sender | None = None,
    escalations: EscalationNotes | None = None,
) -> NotifyResult:
    """Finish emails an earlier run began, then send every due delivery once; see the module."""
    now = now or datetime.now(UTC)
    sender = sender or Sender(mailing.smtp, mailing.outbox_dir)
    result = NotifyResult(destination=sender.destination)
    sent_recently = outbox.emails_sent_last_hour(now)
    resumable = ("sending", "uncertain") if sender.drops_repeats else ("sending",)
    context = mailing.email_context()
    started = outbox.started(resumable)
    notes = _notes(escalations, [item for email in started for item in email.items])
    for email in started:
        # Already decided by the run that began it: not held back again.
        message = compose(
            email.items,
            email.digest,
            context,
            now,
            fixed_id=email.message_id,
            escalations=notes,
        )
        if _send(outbox, sender, message, list(email.items), now, mailing, result):
            result.resumed += 1
            sent_recently[email.recipient] = sent_recently.get(email.recipient, 0) + 1
    quiet = _in_quiet_hours(now, mailing.alerts.quiet_hours, mailing.zone)
    due = outbox.due(now)
    notes = _notes(escalations, due)
    for recipient_items, digest in _emails(due, mailing.alerts.burst_minutes):
        critical = any(item.severity == "critical" for item in recipient_items)
        recipient = recipient_items[0].recipient
        for items, message in _capped(recipient_items, digest, mailing, now, notes):
            if not critical and (
                quiet or sent_recently.get(recipient, 0) >= mailing.alerts.max_emails_per_hour
            ):
                result.held_back += len(items)
                continue
            begun = outbox.begin_email([item.delivery_id for item in items], _id(message), now)
            if begun and _send(outbox, sender, message, items, now, mailing, result):
                sent_recently[recipient] = sent_recently.get(recipient, 0) + 1
    result.uncertain = [email.message_id for email in outbox.started(("uncertain",))]
    if result.uncertain:
        log.warning(
            "%d email(s) may or may not have been accepted by the mail server; check its log "
            "for these Message-IDs, then `socmon alerts settle MESSAGE_ID --delivered` or "
            "`--resend`: %s",
            len(result.uncertain),
            ", ".join(result.uncertain),
        )
    return result


def _notes(
    escalations: EscalationNotes | None, items: Sequence[DueDelivery]
) -> dict[str, EscalationNote]:
    """The escalation notes of those of ``items`` that are escalations."""
    if escalations is None or not items:
        return {}
    return escalations.notes([item.delivery_id for item in items])


def _id(message: EmailMessage) -> str:
    return str(message["Message-ID"])


def _send(
    outbox: Outbox,
    sender: Sender,
    message: EmailMessage,
    items: Sequence[DueDelivery],
    now: datetime,
    mailing: Mailing,
    result: NotifyResult,
) -> bool:
    """Send one email already recorded 'sending'; record what came of it; True if accepted."""
    message_id = _id(message)
    handed_over = False

    def before_final_dot() -> None:
        nonlocal handed_over
        outbox.hand_over(message_id)
        handed_over = True

    try:
        sender.send(message, items[0].recipient, before_final_dot)
    except (smtplib.SMTPException, OSError) as error:
        reason = f"{type(error).__name__}: {str(error)[:200]}"
        result.errors.append(reason)
        if handed_over and not isinstance(error, smtplib.SMTPResponseException):
            # The final dot went out and no answer came back: it may have been accepted.
            outbox.hold(message_id, reason)
            log.warning("email %s: no answer to its final dot (%s)", message_id, reason)
            return False
        _postpone(outbox, items, now, mailing.smtp.retry_base_s, reason)
        result.failed += len(items)
        log.warning("email %s not sent (%s); retried on a later run", message_id, reason)
        return False
    outbox.mark_sent(message_id, now)
    result.emails_sent += 1
    result.deliveries_sent += len(items)
    reached("after_email_sent")
    return True


def _capped(
    items: Sequence[DueDelivery],
    digest: bool,
    mailing: Mailing,
    now: datetime,
    notes: Mapping[str, EscalationNote],
) -> Iterator[tuple[list[DueDelivery], EmailMessage]]:
    """The emails for one burst or digest, most severe alerts first, each within the caps."""
    remaining = sorted(items, key=lambda item: (-SEVERITY_ORDER[item.severity], _created(item)))
    limit = mailing.alerts.max_alerts_per_email
    context = mailing.email_context()
    while remaining:
        size = min(limit, len(remaining))
        while True:
            chunk = remaining[:size]
            message = compose(
                chunk, digest, context, now, more=len(remaining) - size, escalations=notes
            )
            length = len(bytes(message))
            if size == 1 or length <= mailing.alerts.max_email_bytes:
                break
            size = max(1, min(size - 1, size * mailing.alerts.max_email_bytes // length))
        yield chunk, message
        remaining = remaining[size:]


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


def _in_quiet_hours(now: datetime, quiet: tuple[int, int] | None, zone: ZoneInfo) -> bool:
    """Whether ``now`` falls in the [start, end) hours of the clock in ``zone`` (so 22-7 in
    Europe/London stays 22:00-07:00 local time across the change to and from summer time)."""
    if quiet is None:
        return False
    start, end = quiet
    hour = now.astimezone(zone).hour
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
    """One line for the CLI (two when emails are held as uncertain)."""
    line = (
        f"sent {result.emails_sent} email(s) covering {result.deliveries_sent} delivery(ies)"
        + (f" to {result.destination}" if result.destination else "")
        + (f", {result.resumed} of them begun by an interrupted run" if result.resumed else "")
        + f"; {result.failed} failed (retried later); {result.held_back} held back "
        "(quiet hours or rate limit)"
    )
    if result.escalated:
        line += f"; {result.escalated} alert(s) escalated to the next step of their chain"
    if result.uncertain:
        line += (
            f"\n{len(result.uncertain)} email(s) held as uncertain (the mail server may have "
            "accepted them): see `socmon alerts uncertain`"
        )
    if result.notices is not None and (result.notices.opened or result.notices.resolved):
        line += "\n" + result.notices.describe()
    return line

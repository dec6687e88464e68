"""The notifier's decisions, without a database or a mail server: what is sent, held back,
marked sent or retried later.

``send_due`` uses only the outbox (the alerts store of the warehouse) (what is due, how many
emails each person had in the last hour, mark sent, postpone); ``Outbox`` is
that role in memory, and ``Recorder`` is a mail server that keeps or refuses
what it is given.
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from pipelines.alerts.emails import message_id
from pipelines.alerts.rules import load_rules
from pipelines.settings.alerts import AlertSettings, SmtpSettings
from pipelines.usecases.compose import Mailing
from pipelines.usecases.notify import NotifyResult, Sender, send_due
from schemas.alerts import DueDelivery
from tests.pipelines.alerts.examples import alert_numbers, due

NOW = datetime(2026, 10, 5, 14, 30, tzinfo=UTC)
OWNER = "owner@university.example"
MANAGER = "head@university.example"


class Outbox:
    """The alerts store's notifier role, in memory."""

    def __init__(self, pending: Sequence[DueDelivery], sent_last_hour: dict[str, int]) -> None:
        self.pending = list(pending)
        self.sent_last_hour = sent_last_hour
        self.sent: dict[str, str] = {}  # delivery id → Message-ID
        self.retries: list[tuple[str, int, datetime]] = []
        self.reasons: list[str] = []

    def due(self, moment: datetime) -> list[DueDelivery]:
        return [item for item in self.pending if item.delivery_id not in self.sent]

    def emails_sent_last_hour(self, moment: datetime) -> dict[str, int]:
        return dict(self.sent_last_hour)

    def mark_sent(self, delivery_ids: Sequence[str], message_id: str, moment: datetime) -> None:
        self.sent.update(dict.fromkeys(delivery_ids, message_id))

    def postpone(self, retries: Sequence[tuple[str, int, datetime]], reason: str) -> None:
        self.retries.extend(retries)
        self.reasons.append(reason)


class Recorder(Sender):
    """A mail server that accepts and keeps every message, or refuses them all."""

    def __init__(self, refuse: bool = False) -> None:
        super().__init__(SmtpSettings(), Path("not-used"))
        self.refuse = refuse
        self.messages: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        if self.refuse:
            raise smtplib.SMTPDataError(451, b"4.3.0 try again later")
        self.messages.append(message)


def run(
    pending: Sequence[DueDelivery],
    *,
    sent_last_hour: dict[str, int] | None = None,
    refuse: bool = False,
    **alerts: Any,
) -> tuple[NotifyResult, Outbox, Recorder]:
    """One notifier run at ``NOW`` over ``pending``, with ``alerts`` settings."""
    outbox = Outbox(pending, sent_last_hour or {})
    sender = Recorder(refuse)
    mailing = Mailing(
        alerts=AlertSettings(**alerts),
        smtp=SmtpSettings(retry_base_s=60),
        outbox_dir=Path("not-used"),
        policy=load_rules().policy,
        handles={"uni_main": "UniOfficial"},
    )
    result = send_due(mailing, outbox, NOW, sender)
    return result, outbox, sender


def sent(sender: Recorder) -> list[list[int]]:
    """The alerts of each email sent, in the order they were sent."""
    return [alert_numbers(message) for message in sender.messages]


def test_every_due_email_is_sent_and_its_deliveries_marked_with_its_message_id() -> None:
    burst = [due(1, recipient=OWNER), due(2, recipient=OWNER, minutes=3)]

    result, outbox, sender = run([*burst, due(1, recipient=MANAGER)])

    assert (result.emails_sent, result.deliveries_sent, result.held_back) == (2, 3, 0)
    assert outbox.sent == {
        "delivery-1-owner@university.example": message_id([item.delivery_id for item in burst]),
        "delivery-2-owner@university.example": message_id([item.delivery_id for item in burst]),
        "delivery-1-head@university.example": message_id(["delivery-1-head@university.example"]),
    }
    assert {str(message["Message-ID"]) for message in sender.messages} == set(outbox.sent.values())
    assert sent(sender) == [[1, 2], [1]]  # the burst to the owner, the one to the manager


@pytest.mark.parametrize(
    ("quiet", "emails"),
    [
        ((14, 16), [[3]]),  # at 14:30, only critical mail goes
        ((22, 15), [[3]]),  # quiet hours across midnight
        ((15, 7), [[3], [2], [1]]),
        (None, [[3], [2], [1]]),
    ],
)
def test_quiet_hours_hold_back_all_but_critical_mail(
    quiet: tuple[int, int] | None, emails: list[list[int]]
) -> None:
    pending = [
        due(1, "medium", mode="digest"),
        due(2, "high", conversation_id="x:201"),
        due(3, "critical", conversation_id="x:202"),
    ]

    result, outbox, sender = run(pending, quiet_hours=quiet)

    assert sent(sender) == emails
    assert result.held_back == 3 - len(emails)
    assert len(outbox.sent) == len(emails)  # what is held back stays pending for a later run


@pytest.mark.parametrize(
    ("already_sent", "emails"),
    [
        (0, [[2], [3], [1]]),
        (1, [[2], [3]]),  # the limit is spent on the most severe first
        (2, [[2]]),
        (9, [[2]]),  # critical mail is never held back
    ],
)
def test_the_hourly_limit_per_recipient_holds_back_non_critical_mail(
    already_sent: int, emails: list[list[int]]
) -> None:
    pending = [
        due(1, "medium", conversation_id="x:201"),
        due(2, "critical", conversation_id="x:202"),
        due(3, "high", conversation_id="x:203"),
    ]

    result, _, sender = run(pending, sent_last_hour={OWNER: already_sent}, max_emails_per_hour=3)

    assert sent(sender) == emails
    assert result.held_back == 3 - len(emails)


def test_the_hourly_limit_counts_each_recipient_apart() -> None:
    pending = [due(1, recipient=OWNER), due(1, recipient=MANAGER)]

    result, _, sender = run(pending, sent_last_hour={OWNER: 5}, max_emails_per_hour=5)

    assert [str(message["To"]) for message in sender.messages] == [MANAGER]
    assert result.held_back == 1


@pytest.mark.parametrize(
    ("attempts_before", "delay"),
    [
        (0, timedelta(seconds=60)),
        (1, timedelta(seconds=120)),
        (3, timedelta(seconds=480)),
        (20, timedelta(hours=6)),  # the wait stops doubling at six hours
    ],
)
def test_a_refused_email_is_retried_later_with_a_doubling_wait(
    attempts_before: int, delay: timedelta
) -> None:
    pending = [due(1, attempts=attempts_before), due(2, attempts=attempts_before, minutes=1)]

    result, outbox, _ = run(pending, refuse=True)

    assert (result.emails_sent, result.failed) == (0, 2)
    assert outbox.sent == {}
    assert outbox.retries == [
        (item.delivery_id, attempts_before + 1, NOW + delay) for item in pending
    ]
    assert len(outbox.reasons) == 1 and "451" in outbox.reasons[0]
    assert result.errors == outbox.reasons

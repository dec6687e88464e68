"""The notifier's decisions, without a database or a mail server: what is sent, held back,
marked sent or retried later.

``send_due`` uses only the outbox (the alerts store of the warehouse) (what is due, how many
emails each person had in the last hour, mark sent, postpone); ``Outbox`` is
that role in memory, and ``Recorder`` is a mail server that keeps or refuses
what it is given.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from pipelines.alerts.emails import message_id
from pipelines.alerts.rules import load_rules
from pipelines.settings.alerts import AlertSettings, SmtpSettings
from pipelines.usecases.compose import Mailing
from pipelines.usecases.notify import NotifyResult, send_due
from pipelines.usecases.sender import Sender
from schemas.alerts import DueDelivery, StartedEmail
from tests.pipelines.alerts.examples import alert_numbers, due

NOW = datetime(2026, 10, 5, 14, 30, tzinfo=UTC)
OWNER = "owner@university.example"
MANAGER = "head@university.example"


class Outbox:
    """The alerts store's notifier role, in memory: each delivery's state and Message-ID."""

    def __init__(self, pending: Sequence[DueDelivery], sent_last_hour: dict[str, int]) -> None:
        self.items = {item.delivery_id: item for item in pending}
        self.status = dict.fromkeys(self.items, "pending")
        self.message_ids: dict[str, str] = {}
        self.sent_last_hour = sent_last_hour
        self.retries: list[tuple[str, int, datetime]] = []
        self.reasons: list[str] = []
        self.held: dict[str, str] = {}  # Message-ID → why it is uncertain

    @property
    def sent(self) -> dict[str, str]:
        """Delivery id → the Message-ID of the email that carried it, for sent deliveries."""
        return {key: self.message_ids[key] for key, state in self.status.items() if state == "sent"}

    def with_status(self, status: str, message_id: str | None = None) -> list[str]:
        return [
            key
            for key, state in self.status.items()
            if state == status and message_id in (None, self.message_ids.get(key))
        ]

    def due(self, moment: datetime) -> list[DueDelivery]:
        return [self.items[key] for key in self.with_status("pending")]

    def started(self, statuses: Sequence[str] = ("sending",)) -> list[StartedEmail]:
        emails: dict[str, list[str]] = {}
        for key, state in self.status.items():
            if state in statuses:
                emails.setdefault(self.message_ids[key], []).append(key)
        return [
            StartedEmail(mid, self.status[keys[0]], tuple(self.items[key] for key in keys))
            for mid, keys in emails.items()
        ]

    def emails_sent_last_hour(self, moment: datetime) -> dict[str, int]:
        return dict(self.sent_last_hour)

    def begin_email(self, delivery_ids: Sequence[str], message_id: str, moment: datetime) -> int:
        begun = [key for key in delivery_ids if self.status[key] == "pending"]
        for key in begun:
            self.status[key], self.message_ids[key] = "sending", message_id
        return len(begun)

    def hand_over(self, message_id: str) -> None:
        for key in self.with_status("sending", message_id):
            self.status[key] = "uncertain"

    def mark_sent(self, message_id: str, moment: datetime) -> None:
        for key in self.with_status("sending", message_id) + self.with_status(
            "uncertain", message_id
        ):
            self.status[key] = "sent"

    def hold(self, message_id: str, reason: str) -> None:
        self.held[message_id] = reason

    def postpone(self, retries: Sequence[tuple[str, int, datetime]], reason: str) -> None:
        for key, _, _ in retries:
            self.status[key] = "pending"
            self.message_ids.pop(key, None)
        self.retries.extend(retries)
        self.reasons.append(reason)


class Recorder(Sender):
    """A mail server that accepts and keeps every message, refuses them all, or fails at a
    chosen moment of the n-th email: before its final dot or while waiting for the answer."""

    def __init__(
        self, refuse: bool = False, fail: tuple[int, str] | None = None, host: str | None = "mx"
    ) -> None:
        super().__init__(SmtpSettings(host=host), Path("not-used"))
        self.refuse = refuse
        self.fail = fail
        self.messages: list[EmailMessage] = []
        self.envelopes: list[str] = []  # the recipient each message was sent to
        self.attempts = 0

    def send(
        self, message: EmailMessage, recipient: str, before_final_dot: Callable[[], None]
    ) -> None:
        self.attempts += 1
        if self.refuse:
            raise smtplib.SMTPDataError(451, b"4.3.0 try again later")
        failing = self.fail and self.fail[0] == self.attempts
        if failing and self.fail and self.fail[1] == "before the dot":
            raise smtplib.SMTPServerDisconnected("connection lost during DATA")
        before_final_dot()
        self.messages.append(message)
        self.envelopes.append(recipient)
        if failing:  # the server took it; its answer was lost
            raise TimeoutError("timed out waiting for the reply to the final dot")


def run(
    pending: Sequence[DueDelivery],
    *,
    sent_last_hour: dict[str, int] | None = None,
    refuse: bool = False,
    outbox: Outbox | None = None,
    sender: Recorder | None = None,
    **alerts: Any,
) -> tuple[NotifyResult, Outbox, Recorder]:
    """One notifier run at ``NOW`` over ``pending`` (or ``outbox``), with ``alerts`` settings."""
    outbox = outbox or Outbox(pending, sent_last_hour or {})
    sender = sender or Recorder(refuse)
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
    assert sender.envelopes == [OWNER, MANAGER]  # each copy to its own recipient alone


@pytest.mark.parametrize(
    ("quiet", "zone", "emails"),
    [
        # NOW is 14:30 UTC on 5 October: 15:30 in London (summer time).
        ((15, 16), "Europe/London", [[3]]),  # only critical mail goes
        ((22, 16), "Europe/London", [[3]]),  # quiet hours across midnight
        ((14, 15), "Europe/London", [[3], [2], [1]]),  # 14:30 UTC, but 15:30 local
        ((14, 15), "UTC", [[3]]),
        ((16, 7), "Europe/London", [[3], [2], [1]]),
        (None, "Europe/London", [[3], [2], [1]]),
    ],
)
def test_quiet_hours_hold_back_all_but_critical_mail(
    quiet: tuple[int, int] | None, zone: str, emails: list[list[int]]
) -> None:
    pending = [
        due(1, "medium", mode="digest"),
        due(2, "high", conversation_id="x:201"),
        due(3, "critical", conversation_id="x:202"),
    ]

    result, outbox, sender = run(pending, quiet_hours=quiet, timezone=zone)

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

    assert sender.envelopes == [MANAGER]
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


# -- exactly once under crashes: the states of an email ----------------------------------


def test_an_email_is_sending_before_the_dot_uncertain_after_it_and_sent_on_the_answer() -> None:
    seen: list[dict[str, str]] = []

    class Watching(Recorder):
        def send(
            self, message: EmailMessage, recipient: str, before_final_dot: Callable[[], None]
        ) -> None:
            seen.append(dict(outbox.status))

            def watched() -> None:
                before_final_dot()
                seen.append(dict(outbox.status))

            super().send(message, recipient, watched)

    outbox = Outbox([due(1)], {})
    result, _, _ = run([], outbox=outbox, sender=Watching())

    key = due(1).delivery_id
    assert [states[key] for states in seen] == ["sending", "uncertain"]
    assert outbox.status[key] == "sent" and result.emails_sent == 1


def test_a_crash_before_the_final_dot_is_resent_with_the_same_message_id() -> None:
    pending = [due(1), due(2, minutes=1)]
    outbox = Outbox(pending, {})
    identity = message_id([item.delivery_id for item in pending])
    outbox.begin_email([item.delivery_id for item in pending], identity, NOW)  # then a crash
    pending_later = due(3, conversation_id="x:300")
    outbox.items[pending_later.delivery_id] = pending_later
    outbox.status[pending_later.delivery_id] = "pending"

    result, _, sender = run([], outbox=outbox)

    assert str(sender.messages[0]["Message-ID"]) == identity
    assert sent(sender) == [[1, 2], [3]]
    assert (result.resumed, result.emails_sent, result.uncertain) == (1, 2, [])
    assert set(outbox.status.values()) == {"sent"}


def test_a_crash_after_the_final_dot_is_held_as_uncertain_never_resent() -> None:
    outbox = Outbox([due(1)], {})
    identity = message_id([due(1).delivery_id])
    outbox.begin_email([due(1).delivery_id], identity, NOW)
    outbox.hand_over(identity)  # then a crash: did the server accept it?

    result, _, sender = run([], outbox=outbox)

    assert sender.attempts == 0
    assert result.uncertain == [identity] and result.emails_sent == 0
    assert outbox.status[due(1).delivery_id] == "uncertain"


def test_a_relay_that_drops_repeated_message_ids_gets_uncertain_emails_again() -> None:
    outbox = Outbox([due(1)], {})
    identity = message_id([due(1).delivery_id])
    outbox.begin_email([due(1).delivery_id], identity, NOW)
    outbox.hand_over(identity)

    result, _, sender = run([], outbox=outbox, sender=Recorder(host=None))  # .eml files

    assert [str(message["Message-ID"]) for message in sender.messages] == [identity]
    assert result.uncertain == [] and outbox.sent == {due(1).delivery_id: identity}


@pytest.mark.parametrize(
    ("moment", "status", "failed", "uncertain"),
    [
        ("before the dot", "pending", 1, 0),  # the server cannot have it: retried later
        ("waiting for the answer", "uncertain", 0, 1),  # it may have it: held, not retried
    ],
)
def test_a_lost_connection_is_retried_only_if_the_final_dot_never_went(
    moment: str, status: str, failed: int, uncertain: int
) -> None:
    outbox = Outbox([due(1), due(2, conversation_id="x:200")], {})

    result, _, sender = run([], outbox=outbox, sender=Recorder(fail=(1, moment)))

    first = sender.messages[0] if moment != "before the dot" else None
    statuses = sorted(outbox.status.values())
    assert statuses == sorted([status, "sent"])
    assert (result.failed, len(result.uncertain), result.emails_sent) == (failed, uncertain, 1)
    if first is not None:
        assert outbox.held == {str(first["Message-ID"]): result.errors[0]}
    again, _, resent = run([], outbox=outbox)
    # A second run retries what the server never had and leaves the uncertain one alone.
    assert len(resent.messages) == failed
    assert len(again.uncertain) == uncertain


# -- caps: alerts and bytes per email --------------------------------------------------


@pytest.mark.parametrize(
    ("alerts", "cap", "emails"),
    [
        (5, 10, [5]),
        (10, 10, [10]),
        (11, 10, [10, 1]),
        (25, 10, [10, 10, 5]),
    ],
)
def test_a_burst_is_split_into_emails_of_at_most_the_cap(
    alerts: int, cap: int, emails: list[int]
) -> None:
    burst = [due(n, minutes=n / 10) for n in range(1, alerts + 1)]

    result, outbox, sender = run(burst, max_alerts_per_email=cap)

    assert [len(numbers) for numbers in sent(sender)] == emails
    assert sorted(number for numbers in sent(sender) for number in numbers) == list(
        range(1, alerts + 1)
    )
    assert len(outbox.sent) == alerts and result.deliveries_sent == alerts
    ids = [str(message["Message-ID"]) for message in sender.messages]
    assert len(set(ids)) == len(ids)
    for message, left in zip(sender.messages, _left_after(emails), strict=True):
        plain = message.get_body(("plain",))
        assert plain is not None
        if left:
            assert f"{left} more follow" in plain.get_content()
            assert f"(+{left} more)" in str(message["Subject"])
        else:
            assert "more follow" not in plain.get_content()


def _left_after(emails: list[int]) -> list[int]:
    total = sum(emails)
    left = []
    for size in emails:
        total -= size
        left.append(total)
    return left


def test_an_email_stays_under_the_size_cap_and_the_most_severe_go_first() -> None:
    burst = [due(n, "critical" if n > 30 else "high", minutes=n / 10) for n in range(1, 41)]

    result, _, sender = run(burst, max_email_bytes=20_000)

    sizes = [len(bytes(message)) for message in sender.messages]
    assert len(sizes) > 1 and max(sizes) <= 20_000
    in_order = [number for numbers in sent(sender) for number in numbers]
    assert in_order[:10] == list(range(31, 41))  # the critical ones first
    assert sorted(in_order) == list(range(1, 41))
    assert result.deliveries_sent == 40

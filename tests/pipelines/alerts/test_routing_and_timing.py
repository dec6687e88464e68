"""Who hears of an alert and when: routing, digest times, quiet hours, bursts and emails.

Pure functions only: the notifier's grouping of due deliveries into emails,
the digest clock, the quiet-hours test and the composed email. Due deliveries
are made by ``examples.due``, the one place that knows their shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from pipelines.alerts.build import Routing, next_digest
from pipelines.alerts.emails import EmailContext, compose, message_id
from pipelines.alerts.rules import load_rules
from pipelines.config import ConfigError, Settings
from pipelines.settings.alerts import AlertSettings
from pipelines.usecases.compose import mailing_for, routing_for
from pipelines.usecases.notify import _emails, _in_quiet_hours
from schemas.alerts import DueDelivery
from tests.pipelines.alerts.examples import alert_number, alert_numbers, due

HANDLES = {"uni_main": "UniOfficial", "uni_research": "UniResearch"}
CONTEXT = EmailContext("socmon@university.example", load_rules().policy, HANDLES)


def grouped(items: Sequence[DueDelivery], burst_minutes: int = 15) -> list[tuple[list[int], str]]:
    """The emails ``_emails`` makes, as (alert numbers, "digest" or "immediate")."""
    return [
        (
            [alert_number(item.alert.alert_id) for item in email_items],
            "digest" if digest else "immediate",
        )
        for email_items, digest in _emails(items, burst_minutes)
    ]


# -- routing ---------------------------------------------------------------------------------

ROUTING = Routing(
    recipients={
        "uni_main": ("main@university.example", "head@university.example"),
        "uni_research": ("research@university.example", "head@university.example"),
    },
    handles=HANDLES,
    fallback="comms@university.example",
)


@pytest.mark.parametrize(
    ("accounts", "recipients"),
    [
        (["uni_main"], ("main@university.example", "head@university.example")),
        (
            ["uni_research", "uni_main"],
            (
                "research@university.example",
                "head@university.example",
                "main@university.example",
            ),
        ),  # the shared line manager once
        (["gone"], ("comms@university.example",)),  # an account no longer configured
        (["gone", "uni_main"], ("main@university.example", "head@university.example")),
        ([], ("comms@university.example",)),
    ],
)
def test_an_account_is_routed_to_its_owner_and_line_manager(
    accounts: list[str], recipients: tuple[str, ...]
) -> None:
    assert ROUTING.for_accounts(accounts) == recipients


def test_without_a_fallback_an_unknown_account_reaches_nobody() -> None:
    routing = Routing(recipients=ROUTING.recipients, handles=HANDLES, fallback=None)
    assert routing.for_accounts(["gone"]) == ()


ACCOUNT = {
    "key": "uni_main",
    "platform": "x",
    "platform_id": "1500000001",
    "handle": "UniOfficial",
    "owner_email": "owner@university.example",
    "line_manager_email": "manager@university.example",
}


def test_routing_comes_from_the_configured_accounts() -> None:
    settings = Settings.model_validate(
        {"accounts": [ACCOUNT], "alerts": {"fallback_email": "comms@university.example"}}
    )

    routing = routing_for(settings)

    assert routing.recipients == {
        "uni_main": ("owner@university.example", "manager@university.example")
    }
    assert routing.handles == {"uni_main": "UniOfficial"}
    assert routing.fallback == "comms@university.example"


@pytest.mark.parametrize(
    ("link_key", "signed"),
    [(None, False), ("k" * 40, True)],
)
def test_the_mailing_knows_owners_managers_zone_and_signs_links_only_with_a_key(
    link_key: str | None, signed: bool
) -> None:
    settings = Settings.model_validate(
        {
            "accounts": [ACCOUNT],
            "alerts": {"timezone": "Europe/Dublin"},
            "review": {"link_key": link_key, "base_url": "https://review.university.example"},
        }
    )

    mailing = mailing_for(settings)

    assert mailing.owners == {"uni_main": "owner@university.example"}
    assert mailing.managers == {"uni_main": "manager@university.example"}
    assert mailing.zone == ZoneInfo("Europe/Dublin")
    assert (mailing.signer is not None) is signed
    if mailing.signer is not None:
        url = mailing.signer.url("a" * 64, "owner@university.example", datetime.now(UTC))
        assert url.startswith("https://review.university.example/alerts/")


def test_a_link_key_too_short_to_be_safe_is_a_configuration_error() -> None:
    settings = Settings.model_validate({"accounts": [ACCOUNT], "review": {"link_key": "short"}})
    with pytest.raises(ConfigError, match=r"review\.link_key"):
        mailing_for(settings)


# -- when a digest is due -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "every_hours", "hour", "expected"),
    [
        (datetime(2026, 10, 5, 7, 59), 24, 8, datetime(2026, 10, 5, 8, 0)),
        (datetime(2026, 10, 5, 8, 0), 24, 8, datetime(2026, 10, 6, 8, 0)),
        (datetime(2026, 10, 5, 14, 30), 24, 8, datetime(2026, 10, 6, 8, 0)),
        (datetime(2026, 10, 5, 23, 59), 24, 0, datetime(2026, 10, 6, 0, 0)),
        (datetime(2026, 10, 5, 14, 30), 1, 8, datetime(2026, 10, 5, 15, 0)),  # hour unused
        (datetime(2026, 10, 5, 14, 0), 1, 8, datetime(2026, 10, 5, 15, 0)),
        (datetime(2026, 10, 5, 14, 30), 6, 8, datetime(2026, 10, 5, 18, 0)),
        (datetime(2026, 10, 5, 14, 30), 48, 8, datetime(2026, 10, 7, 8, 0)),
        (datetime(2026, 10, 5, 14, 30), 168, 8, datetime(2026, 10, 12, 8, 0)),
    ],
)
def test_the_next_digest_time(
    now: datetime, every_hours: int, hour: int, expected: datetime
) -> None:
    settings = AlertSettings(digest_every_hours=every_hours, digest_hour_utc=hour)
    assert next_digest(now.replace(tzinfo=UTC), settings) == expected.replace(tzinfo=UTC)


# -- quiet hours ----------------------------------------------------------------------------


LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("quiet", "hour", "is_quiet"),
    [
        (None, 3, False),
        ((22, 7), 21, False),
        ((22, 7), 22, True),  # start is inclusive
        ((22, 7), 0, True),  # across midnight
        ((22, 7), 6, True),
        ((22, 7), 7, False),  # end is exclusive
        ((1, 5), 0, False),
        ((1, 5), 1, True),
        ((1, 5), 4, True),
        ((1, 5), 5, False),
    ],
)
def test_quiet_hours(quiet: tuple[int, int] | None, hour: int, is_quiet: bool) -> None:
    winter = datetime(2026, 1, 5, hour, 30, tzinfo=LONDON)
    summer = datetime(2026, 7, 5, hour, 30, tzinfo=LONDON)
    assert _in_quiet_hours(winter, quiet, LONDON) is is_quiet
    assert _in_quiet_hours(summer, quiet, LONDON) is is_quiet


@pytest.mark.parametrize(
    ("utc", "is_quiet"),
    [
        (datetime(2026, 1, 15, 21, 30, tzinfo=UTC), False),  # GMT: 21:30 in London
        (datetime(2026, 1, 15, 22, 30, tzinfo=UTC), True),  # 22:30 in London
        (datetime(2026, 1, 16, 6, 30, tzinfo=UTC), True),
        (datetime(2026, 1, 16, 7, 30, tzinfo=UTC), False),
        (datetime(2026, 7, 15, 21, 30, tzinfo=UTC), True),  # BST: already 22:30 in London
        (datetime(2026, 7, 16, 5, 30, tzinfo=UTC), True),
        (datetime(2026, 7, 16, 6, 30, tzinfo=UTC), False),  # BST: 07:30 in London
    ],
)
def test_quiet_hours_are_local_hours_in_summer_and_winter(utc: datetime, is_quiet: bool) -> None:
    assert _in_quiet_hours(utc, (22, 7), LONDON) is is_quiet


def test_quiet_hours_are_hours_of_the_zone_whatever_the_clock_given() -> None:
    paris_midnight = datetime(2026, 10, 6, 0, 30, tzinfo=timezone(timedelta(hours=2)))
    assert _in_quiet_hours(paris_midnight, (23, 0), LONDON)  # 23:30 in London (BST)
    assert not _in_quiet_hours(paris_midnight, (0, 1), LONDON)
    assert _in_quiet_hours(paris_midnight, (22, 23), ZoneInfo("UTC"))  # 22:30 UTC


# -- which alerts share an email, and in what order -----------------------------------------


def test_immediate_alerts_on_one_thread_within_the_burst_window_share_an_email() -> None:
    items = [due(1, minutes=0), due(2, minutes=10), due(3, minutes=15), due(4, minutes=16)]
    # The window counts from the first alert of a burst: 16 minutes after it starts another.
    assert grouped(items, burst_minutes=15) == [([1, 2, 3], "immediate"), ([4], "immediate")]


@pytest.mark.parametrize(
    ("items", "emails"),
    [
        ([due(1), due(2, conversation_id="x:200")], [[1], [2]]),  # other thread
        ([due(1), due(2, recipient="head@university.example")], [[1], [2]]),  # other person
        (
            [due(1, conversation_id=None), due(2, conversation_id=None)],
            [[1], [2]],
        ),  # no thread: each record is its own
    ],
)
def test_a_burst_is_one_thread_for_one_recipient(
    items: list[DueDelivery], emails: list[list[int]]
) -> None:
    assert [numbers for numbers, _ in grouped(items)] == emails


def test_without_a_burst_window_only_simultaneous_alerts_share_an_email() -> None:
    items = [due(1), due(2), due(3, minutes=1)]
    assert [numbers for numbers, _ in grouped(items, burst_minutes=0)] == [[1, 2], [3]]


def test_a_digest_gathers_every_digest_alert_of_a_recipient() -> None:
    items = [
        due(1, "medium", mode="digest"),
        due(2, "low", mode="digest", conversation_id="x:300", account="uni_research"),
        due(3, "medium", mode="digest", recipient="head@university.example"),
        due(4, "high"),
    ]
    assert grouped(items) == [([4], "immediate"), ([1, 2], "digest"), ([3], "digest")]


def test_the_most_severe_email_comes_first_so_a_rate_limit_spends_on_it() -> None:
    items = [
        due(1, "medium", mode="digest"),
        due(2, "high", conversation_id="x:201"),
        due(3, "critical", conversation_id="x:202"),
        due(4, "low", conversation_id="x:203"),
    ]
    assert [numbers for numbers, _ in grouped(items)] == [[3], [2], [1], [4]]


# -- the email ------------------------------------------------------------------------------


def test_a_burst_email_counts_its_alerts_and_leads_with_the_most_severe() -> None:
    items = [due(1, "medium", minutes=0), due(2, "high", minutes=1), due(3, "medium", minutes=2)]

    message = compose(items, False, CONTEXT)

    assert message["Subject"] == (
        "[socmon] HIGH offensive content on @UniOfficial: 3 alerts in one thread (policy 7.17)"
    )
    assert alert_numbers(message) == list((2, 1, 3))


def test_a_digest_is_grouped_by_account_most_severe_first() -> None:
    items = [
        due(1, "low", mode="digest", account="uni_research"),
        due(2, "low", mode="digest", account="uni_main"),
        due(3, "high", mode="digest", account="uni_research"),
        due(4, "medium", mode="digest", account="uni_main", minutes=5),
    ]

    message = compose(items, True, CONTEXT)

    assert message["Subject"] == "[socmon] Digest: 4 alerts on 2 accounts (highest HIGH)"
    assert alert_numbers(message) == list((4, 2, 3, 1))
    plain = message.get_body(("plain",))
    assert plain is not None
    lines = [line for line in plain.get_content().splitlines() if line.startswith("- ")]
    assert [line.split(" | ")[:2] for line in lines] == [
        ["- MEDIUM", "@UniOfficial"],
        ["- LOW", "@UniOfficial"],
        ["- HIGH", "@UniResearch"],
        ["- LOW", "@UniResearch"],
    ]


def test_the_message_id_depends_only_on_the_deliveries_it_carries() -> None:
    items = [due(1), due(2, minutes=1)]

    first = compose(items, False, CONTEXT)
    reversed_order = compose(items[::-1], False, CONTEXT)

    assert (
        first["Message-ID"]
        == reversed_order["Message-ID"]
        == message_id([item.delivery_id for item in items])
    )
    assert message_id(["delivery-1"]) != message_id(["delivery-1", "delivery-2"])

"""Escalation without a warehouse: which time counts towards a window, and each account's chain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pipelines.config import Settings
from pipelines.settings.escalation import EscalationSettings
from pipelines.usecases.escalate import EscalationPlan, counted_time, escalation_plan

LONDON = ZoneInfo("Europe/London")
PLAN = EscalationPlan(EscalationSettings(), LONDON, {}, ())


def london(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


@pytest.mark.parametrize(
    ("start", "end", "severity", "counted"),
    [
        # Critical: every minute counts, nights and weekends too.
        (london(9, 23), london(10, 0), "critical", timedelta(hours=1)),
        # High: Friday 16:00 to Monday 12:00 is one hour on Friday and three on Monday.
        (london(9, 16), london(12, 12), "high", timedelta(hours=4)),
        # Raised at night: the clock starts at 09:00.
        (london(6, 2), london(6, 9, 30), "high", timedelta(minutes=30)),
        # A whole weekend counts nothing.
        (london(10, 8), london(11, 20), "high", timedelta(0)),
        # Across the change from summer time (Sunday 25 October): still 8 hours a working day.
        (london(23, 9), london(26, 17), "high", timedelta(hours=16)),
        # The end before the start counts nothing.
        (london(6, 12), london(6, 11), "critical", timedelta(0)),
    ],
)
def test_what_time_counts_towards_a_window(
    start: datetime, end: datetime, severity: str, counted: timedelta
) -> None:
    assert counted_time(start, end, severity, PLAN) == counted


def test_each_account_has_its_chain_and_an_address_already_told_is_skipped() -> None:
    accounts = [
        {
            "key": key,
            "platform": "x",
            "platform_id": str(number),
            "handle": key,
            "owner_email": f"{key}@university.example",
            "line_manager_email": "manager@university.example",
            **extra,
        }
        for number, (key, extra) in enumerate(
            [
                ("plain", {}),
                ("own", {"duty_email": "own-duty@university.example"}),
                ("manager_is_head", {"line_manager_email": "head@university.example"}),
            ]
        )
    ]
    settings = Settings(
        accounts=accounts,  # type: ignore[arg-type]
        alerts={  # type: ignore[arg-type]
            "escalation": {
                "head_of_comms_email": "Head@university.example",
                "duty_email": "duty@university.example",
            }
        },
    )

    plan = escalation_plan(settings)

    assert plan.chain("plain") == ("head@university.example", "duty@university.example")
    assert plan.chain("own") == ("head@university.example", "own-duty@university.example")
    assert plan.chain("manager_is_head") == ("duty@university.example",)
    assert plan.chain("gone") == ("head@university.example", "duty@university.example")


def test_unknown_severities_and_impossible_hours_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown severities"):
        EscalationSettings(acknowledge_within_minutes={"urgent": 5})
    with pytest.raises(ValueError, match="working_hours"):
        EscalationSettings(working_hours=(17, 9))

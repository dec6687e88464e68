"""The silence check learns an account's rhythm: a normal night or weekend is not a warning,
a dead connector on a busy afternoon is, within a few hours; young accounts keep the gap rule.

Traffic is simulated: items arrive at random (seeded) with a rate that follows the hour of
the day and the weekday, and the check is run every 15 minutes as `socmon run` would be.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pipelines.quality.volume import silence_check

#: A Monday, midnight UTC.
MONDAY = datetime(2026, 11, 2, tzinfo=UTC)
Profile = Callable[[datetime], float]


def office_hours(moment: datetime) -> float:
    """Items per hour: busy 08:00 to 22:00 (13 an hour, a gap of 4.6 minutes), near silent at
    night, half as busy at weekends."""
    rate = 13.0 if 8 <= moment.hour < 22 else 0.05
    return rate / 2 if moment.weekday() >= 5 else rate


def weekdays_only(moment: datetime) -> float:
    return 6.0 if moment.weekday() < 5 and 9 <= moment.hour < 18 else 0.0


def traffic(profile: Profile, start: datetime, end: datetime, seed: int) -> list[datetime]:
    """Item times between ``start`` and ``end``: a Poisson process with the profile's rate."""
    chance = random.Random(seed)
    times = []
    hour = start
    while hour < end:
        for _ in range(_poisson(chance, profile(hour))):
            times.append(hour + timedelta(seconds=chance.uniform(0, 3600)))
        hour += timedelta(hours=1)
    return sorted(times)


def _poisson(chance: random.Random, rate: float) -> int:
    count, total = 0, chance.expovariate(1.0) if rate > 0 else float("inf")
    while total < rate:
        count += 1
        total += chance.expovariate(1.0)
    return count


def warned(times: list[datetime], moment: datetime) -> bool:
    result = silence_check("uni_main", [t for t in times if t <= moment], moment)
    assert result is not None
    return not result.success


def checks_every_quarter_hour(start: datetime, end: datetime) -> list[datetime]:
    count = int((end - start) / timedelta(minutes=15))
    return [start + n * timedelta(minutes=15) for n in range(count)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_normal_week_of_nights_and_a_weekend_raises_no_warning(seed: int) -> None:
    history_start = MONDAY - timedelta(days=28)
    week_end = MONDAY + timedelta(days=7)
    times = traffic(office_hours, history_start, week_end, seed)

    warnings = [m for m in checks_every_quarter_hour(MONDAY, week_end) if warned(times, m)]

    # 672 checks, nights and a weekend among them: the old rule (five times the median gap,
    # at least an hour) warned through every night.
    assert warnings == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_connector_dead_on_a_weekday_afternoon_is_flagged_within_two_hours(seed: int) -> None:
    dead_from = MONDAY + timedelta(days=2, hours=11)  # Wednesday 11:00
    times = traffic(office_hours, MONDAY - timedelta(days=28), dead_from, seed)

    checks = checks_every_quarter_hour(dead_from, dead_from + timedelta(days=1))
    first = next(moment for moment in checks if warned(times, moment))

    assert first - dead_from <= timedelta(hours=2)


def test_an_account_silent_at_weekends_is_fine_on_sunday_and_flagged_on_tuesday() -> None:
    times = traffic(weekdays_only, MONDAY - timedelta(days=28), MONDAY + timedelta(days=5), 7)
    sunday_afternoon = MONDAY + timedelta(days=6, hours=15)
    assert not warned(times, sunday_afternoon)

    stopped_monday = [t for t in times if t < MONDAY + timedelta(days=7, hours=18)]
    stopped_monday += traffic(
        weekdays_only, MONDAY + timedelta(days=7), MONDAY + timedelta(days=7, hours=18), 8
    )
    tuesday_afternoon = MONDAY + timedelta(days=8, hours=15)
    assert warned(stopped_monday, tuesday_afternoon)


def test_the_result_says_how_many_items_were_expected_and_the_usual_gap_now() -> None:
    times = traffic(office_hours, MONDAY - timedelta(days=28), MONDAY + timedelta(hours=11), 5)
    result = silence_check("uni_main", times, MONDAY + timedelta(hours=14))

    assert result is not None and not result.success
    observed = json.loads(str(result.observed_value))
    assert observed["rhythm"] == "per weekday and hour"
    assert 20 < observed["expected_items"] < 60
    assert 3 < observed["usual_gap_minutes_now"] < 7


def test_a_young_account_keeps_the_usual_gap_rule() -> None:
    start = datetime(2026, 10, 5, 14, tzinfo=UTC)
    times = [start + timedelta(minutes=3 * n) for n in range(90)]  # an afternoon's worth

    quiet_for_an_hour_and_a_half = silence_check(
        "uni_main", times, times[-1] + timedelta(minutes=90)
    )
    assert quiet_for_an_hour_and_a_half is not None
    assert not quiet_for_an_hour_and_a_half.success
    assert "usual_gap_minutes" in str(quiet_for_an_hour_and_a_half.observed_value)
    assert silence_check("uni_main", times[:10], times[9] + timedelta(days=30)) is None


LONDON = ZoneInfo("Europe/London")
#: Wednesday 28 October 2026, midnight UTC: the first Wednesday after the clocks went back.
WEDNESDAY = datetime(2026, 10, 28, tzinfo=UTC)


def office_hours_in_london(moment: datetime) -> float:
    """The same office hours, kept by the clocks in London (BST until 25 October 2026)."""
    return office_hours(moment.astimezone(LONDON))


@pytest.mark.parametrize(("zone", "warns"), [(LONDON, False), (UTC, True)])
def test_the_rhythm_follows_local_hours_across_the_clock_change(
    zone: ZoneInfo, warns: bool
) -> None:
    # Three weeks of summer time, then the clocks go back: the office still opens at 08:00
    # in London, which is now 08:00 UTC, no longer 07:00 UTC.
    times = traffic(office_hours_in_london, datetime(2026, 10, 5, tzinfo=UTC), WEDNESDAY, seed=7)
    before_opening = WEDNESDAY + timedelta(hours=7, minutes=59)  # 07:59 in London and UTC

    result = silence_check("uni_main", times, before_opening, zone)

    assert result is not None
    assert json.loads(result.observed_value)["rhythm"] == "per weekday and hour"
    # Learned in London's hours, 07:00 is still before opening; learned in UTC, the summer's
    # busy 07:00 UTC slot expects a dozen items in the last hour: a false warning.
    assert (not result.success) is warns

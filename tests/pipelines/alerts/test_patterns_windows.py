"""Pattern windows slide: the same burst raises one alert wherever midnight or the hour falls,
and judging again, a burst that grows, or an earlier item arriving late add none.

Pure functions over :class:`HostileItem` lists; the stored alerts a run passes over are given
as :class:`RaisedWindow` (the warehouse side is in ``tests/integration/test_patterns.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from pipelines.alerts.patterns import (
    HostileItem,
    PatternMatch,
    RaisedWindow,
    find_patterns,
    raised_from_rows,
)
from pipelines.alerts.rules import load_rules

PATTERNS = load_rules().rules.patterns
MIDNIGHT = datetime(2026, 11, 21, tzinfo=UTC)
ELEVEN = datetime(2026, 11, 20, 11, tzinfo=UTC)
LONG_AGO = MIDNIGHT - timedelta(days=400)
_numbers = iter(range(1, 10**6))


def hostile(
    author: str, at: datetime, *, thread: str = "x:100", target: str | None = None
) -> HostileItem:
    number = next(_numbers)
    return HostileItem(
        record_id=f"x:{number:06d}",
        account="uni_main",
        conversation_id=thread,
        author=author,
        target=target,
        created_at=at,
        stored_at=at,
        scores={"offensive": 0.9},
        kind="reply",
        url=f"https://x.com/i/web/status/{number}",
        text=f"reply {number} you idiot",
    )


def minutes(start: datetime, offset: float) -> datetime:
    return start + timedelta(minutes=offset)


# Each shape: the pattern it is, how long it lasts (minutes) and its items from a start.
def pile_on_thread(start: datetime) -> list[HostileItem]:
    """Six people hostile in one thread over twenty minutes (10:50 to 11:10)."""
    return [hostile(f"angry-{n}", minutes(start, 4 * n)) for n in range(6)]


def pile_on_person(start: datetime) -> list[HostileItem]:
    """Four people hostile to one student over 36 minutes, each under another post."""
    return [
        hostile(f"mob-{n}", minutes(start, 12 * n), thread=f"x:{400 + n}", target="student-1")
        for n in range(4)
    ]


def repeat_offender(start: datetime) -> list[HostileItem]:
    """One person hostile under three threads at 22:00, 23:00 and 00:30."""
    return [
        hostile("troll", minutes(start, offset), thread=f"x:{500 + n}")
        for n, offset in enumerate((0, 60, 150))
    ]


def brigading(start: datetime) -> list[HostileItem]:
    """Twelve hostile replies on an account with none before, one every five minutes."""
    return [hostile(f"brigade-{n}", minutes(start, 5 * n), thread=f"x:s{n}") for n in range(12)]


SHAPES: dict[str, tuple[Callable[[datetime], list[HostileItem]], float]] = {
    "pile-on-thread": (pile_on_thread, 20),
    "pile-on-person": (pile_on_person, 36),
    "repeat-offender": (repeat_offender, 150),
    "brigading": (brigading, 55),
}
#: Where a burst falls: its start, given its length in minutes.
PLACEMENTS: dict[str, Callable[[float], datetime]] = {
    "ends just before midnight": lambda span: minutes(MIDNIGHT, -span - 1),
    "across midnight": lambda span: minutes(MIDNIGHT, -span / 2),
    "starts at midnight": lambda span: MIDNIGHT,
    "starts just after midnight": lambda span: minutes(MIDNIGHT, 1),
    "across an hour": lambda span: minutes(ELEVEN, -span / 2),
    "across an hour, mostly after": lambda span: minutes(ELEVEN, -1),
}


@pytest.mark.parametrize("placement", list(PLACEMENTS))
@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_burst_raises_one_alert_wherever_the_clock_boundaries_fall(
    shape: str, placement: str
) -> None:
    build, span = SHAPES[shape]
    start = PLACEMENTS[placement](span)
    items = build(start)

    [match] = find_patterns(items, PATTERNS, LONG_AGO)

    assert match.pattern.id == shape
    assert match.window_start == start == items[0].created_at
    assert [item.record_id for item in match.items] == [item.record_id for item in items]


@pytest.mark.parametrize("shape", list(SHAPES))
def test_judging_again_with_the_stored_alerts_raises_nothing_and_ids_do_not_move(
    shape: str,
) -> None:
    build, span = SHAPES[shape]
    items = build(minutes(MIDNIGHT, -span / 2))

    [first] = find_patterns(items, PATTERNS, LONG_AGO)
    [again] = find_patterns(list(reversed(items)), PATTERNS, LONG_AGO)

    assert first.alert_id == again.alert_id
    assert find_patterns(items, PATTERNS, LONG_AGO, [first.raised]) == []


def test_a_growing_burst_and_a_late_earlier_item_raise_no_second_alert() -> None:
    start = minutes(ELEVEN, -10)
    seen_first = pile_on_thread(start)[:5]  # five people from 10:50 to 11:06: fires
    [first] = find_patterns(seen_first, PATTERNS, LONG_AGO)
    stored = [first.raised]
    # Three more people join, within the window and after it, and a reply posted before the
    # first one arrives late: its window, starting sooner, would fire on its own (nine
    # hostile replies in all, under brigading's ten).
    grown = [
        *seen_first,
        *(hostile(f"later-{n}", minutes(start, 20 + 10 * n)) for n in range(3)),
        hostile("early", minutes(start, -5)),
    ]

    assert find_patterns(grown, PATTERNS, LONG_AGO, stored) == []
    # Without the stored alert the same items would start the window at the late item:
    # the lookup of stored alerts is what keeps the id of a burst once raised.
    [fresh] = find_patterns(grown, PATTERNS, LONG_AGO)
    assert fresh.window_start == minutes(start, -5) != first.window_start


def test_hostility_that_goes_on_raises_one_alert_per_window_length_not_per_item() -> None:
    # A new hostile person in the thread every three minutes for two hours.
    items = [hostile(f"angry-{n}", minutes(ELEVEN, 3 * n)) for n in range(40)]

    matches = [
        m for m in find_patterns(items, PATTERNS, LONG_AGO) if m.pattern.id == "pile-on-thread"
    ]

    assert [m.window_start for m in matches] == [minutes(ELEVEN, n) for n in (0, 30, 60, 90)]
    assert all(len(m.items) == 10 for m in matches)


def test_a_burst_spread_wider_than_the_window_is_not_a_pile_on() -> None:
    # Five people eight minutes apart: 32 minutes, no 30-minute window holds all five.
    spread = [hostile(f"angry-{n}", minutes(ELEVEN, 8 * n)) for n in range(5)]
    assert find_patterns(spread, PATTERNS, LONG_AGO) == []
    # Seven minutes apart (28 minutes) is caught, across the hour or not.
    close = [hostile(f"angry-{n}", minutes(ELEVEN, 7 * n - 20)) for n in range(5)]
    assert [m.pattern.id for m in find_patterns(close, PATTERNS, LONG_AGO)] == ["pile-on-thread"]


def test_only_an_overlapping_alert_of_the_same_pattern_and_subject_is_passed_over() -> None:
    items = pile_on_thread(minutes(ELEVEN, -10))
    [match] = find_patterns(items, PATTERNS, LONG_AGO)
    window = match.raised
    others = [
        RaisedWindow("pile-on-person", window.subject, window.start, window.end),
        RaisedWindow(window.pattern_id, "x:999", window.start, window.end),
        # Ends exactly where this window starts: half-open windows do not overlap.
        RaisedWindow(
            window.pattern_id, window.subject, window.start - timedelta(minutes=30), window.start
        ),
    ]

    assert [m.alert_id for m in find_patterns(items, PATTERNS, LONG_AGO, others)] == [
        match.alert_id
    ]
    # A stored alert from the old fixed windows (10:30 to 11:00) overlaps: passed over.
    old = RaisedWindow(window.pattern_id, window.subject, minutes(ELEVEN, -30), ELEVEN)
    assert find_patterns(items, PATTERNS, LONG_AGO, [old]) == []


def test_stored_alerts_windows_are_read_from_their_evidence_text() -> None:
    rows = [
        {
            "rule_id": "pile-on-thread",
            "subject": "x:100",
            "window_start": "2026-11-20T10:50:00+00:00",
            "window_end": "2026-11-20T11:20:00+00:00",
        },
        {"rule_id": "brigading", "subject": None, "window_start": None, "window_end": None},
    ]

    assert raised_from_rows(rows) == [
        RaisedWindow("pile-on-thread", "x:100", minutes(ELEVEN, -10), minutes(ELEVEN, 20))
    ]


def test_only_windows_holding_a_recent_item_are_judged() -> None:
    items = pile_on_thread(minutes(ELEVEN, -10))  # stored when posted: 10:50 to 11:10
    after_all = minutes(ELEVEN, 11)

    assert find_patterns(items, PATTERNS, after_all) == []
    # The last item is recent: the windows holding it are judged, and the first fires.
    [match] = find_patterns(items, PATTERNS, minutes(ELEVEN, 10))
    assert isinstance(match, PatternMatch) and match.window_start == minutes(ELEVEN, -10)

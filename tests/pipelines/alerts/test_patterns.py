"""Bullying patterns on synthetic threads: each fires on its shape, busy friendly threads stay
silent, and a window gives the same alert however often and in whatever order it is judged.

Pure functions over :class:`HostileItem` lists; the warehouse side (the query, insert-if-absent
across reruns, both back ends) is in ``tests/integration/test_patterns.py``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipelines.alerts.build import Routing
from pipelines.alerts.emails import EmailContext, compose
from pipelines.alerts.pattern_alerts import pattern_alerts
from pipelines.alerts.patterns import (
    HostileItem,
    PatternMatch,
    find_patterns,
)
from pipelines.alerts.rules import Brigading, PileOn, RepeatOffender, RulesError, load_rules
from pipelines.settings.alerts import DEFAULT_POLICY, AlertSettings
from schemas.alerts import DueDelivery

SHIPPED = load_rules()
PATTERNS = SHIPPED.rules.patterns
#: 14:00 UTC: the start of an hour, of a 30-minute window, inside one day.
T0 = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
LONG_AGO = T0 - timedelta(days=400)
ROUTING = Routing(
    recipients={
        "uni_main": ("owner@university.example", "manager@university.example"),
        "uni_sport": ("sport@university.example", "manager@university.example"),
    },
    handles={"uni_main": "UniOfficial", "uni_sport": "UniSport"},
    fallback=None,
)
_numbers = iter(range(1, 10**6))


def hostile(
    author: str,
    minute: float,
    *,
    thread: str = "x:100",
    target: str | None = None,
    account: str = "uni_main",
    category: str = "offensive",
    score: float = 0.9,
    stored_at: datetime | None = None,
) -> HostileItem:
    """A hostile reply by ``author``, ``minute`` minutes after T0 (stored just now)."""
    number = next(_numbers)
    moment = T0 + timedelta(minutes=minute)
    return HostileItem(
        record_id=f"x:{number}",
        account=account,
        conversation_id=thread,
        author=author,
        target=target,
        created_at=moment,
        stored_at=stored_at or moment,
        scores={category: score},
        kind="reply",
        url=f"https://x.com/i/web/status/{number}",
        text=f"reply {number} you idiot",
        terms=("idiot",),
    )


def fired(items: list[HostileItem], recent_since: datetime = LONG_AGO) -> list[PatternMatch]:
    return find_patterns(items, PATTERNS, recent_since)


def ids(matches: list[PatternMatch]) -> list[str]:
    return sorted(match.pattern.id for match in matches)


def test_five_people_hostile_in_one_thread_within_half_an_hour_is_a_pile_on() -> None:
    items = [hostile(f"author-{n}", 3 * n) for n in range(5)]

    [match] = fired(items)

    assert (match.pattern.id, match.subject_kind, match.subject) == (
        "pile-on-thread",
        "thread",
        "x:100",
    )
    assert (match.window_start, match.authors, len(match.items)) == (T0, 5, 5)


def test_a_busy_thread_with_a_few_hostile_people_is_not_a_pile_on() -> None:
    # Nine hostile replies, but from three people; and two people being rude elsewhere.
    items = [hostile(f"author-{n % 3}", n) for n in range(9)]
    items += [
        hostile(f"other-{n}", 5, thread=f"x:{200 + n}", account="uni_sport") for n in range(2)
    ]

    assert fired(items) == []


def test_hostility_spread_over_windows_or_below_the_score_is_not_a_pile_on() -> None:
    spread = [hostile(f"author-{n}", 40 * n) for n in range(5)]  # one per 30-minute window
    mild = [hostile(f"mild-{n}", n, score=0.4, thread="x:300") for n in range(6)]
    [pile_on] = [pattern for pattern in PATTERNS if pattern.id == "pile-on-thread"]

    assert fired(spread) == []
    assert len(find_patterns(mild, [pile_on], LONG_AGO)) == 1
    assert find_patterns(mild, [pile_on.model_copy(update={"min_score": 0.5})], LONG_AGO) == []


def test_four_people_hostile_to_one_person_within_the_hour_is_a_pile_on_that_person() -> None:
    items = [
        hostile(f"author-{n}", 10 * n, thread=f"x:{400 + n}", target="student-1") for n in range(4)
    ]

    [match] = fired(items)

    assert (match.pattern.id, match.subject_kind, match.subject) == (
        "pile-on-person",
        "person",
        "student-1",
    )


def test_one_person_hostile_under_three_threads_in_a_day_is_a_repeat_offender() -> None:
    items = [hostile("troll", 60 * n, thread=f"x:{500 + n}") for n in range(3)]
    items.append(hostile("someone-else", 5, thread="x:500"))

    [match] = fired(items)

    assert (match.pattern.id, match.subject, match.threads, len(match.items)) == (
        "repeat-offender",
        "troll",
        3,
        3,
    )


def test_one_person_hostile_many_times_in_one_thread_at_the_account_is_not_repeat_offending() -> (
    None
):
    items = [hostile("grumpy", 60 * n) for n in range(8)]  # all under one post of ours
    assert fired(items) == []


def test_one_person_hostile_to_three_people_is_a_repeat_offender() -> None:
    items = [hostile("bully", 30 * n, target=f"student-{n}") for n in range(3)]
    assert ids(fired(items)) == ["repeat-offender"]


def baseline(per_hour: int, account: str = "uni_main") -> list[HostileItem]:
    """``per_hour`` hostile replies every hour of the four weeks before T0, by many people."""
    items = []
    for hour in range(1, 28 * 24 + 1):
        for n in range(per_hour):
            items.append(
                hostile(
                    f"usual-{hour}-{n}",
                    -60 * hour + n,
                    thread=f"x:b{hour}",
                    account=account,
                    stored_at=T0 - timedelta(days=30),
                )
            )
    return items


def surge(count: int, account: str = "uni_main") -> list[HostileItem]:
    """``count`` hostile replies within the hour from T0, each in its own thread and author."""
    return [
        hostile(f"surge-{n}", n * 50 / count, thread=f"x:s{n}", account=account)
        for n in range(count)
    ]


def brigading_only(items: list[HostileItem]) -> list[PatternMatch]:
    return find_patterns(items, [p for p in PATTERNS if isinstance(p, Brigading)], LONG_AGO)


def test_ten_times_the_usual_hostile_replies_in_an_hour_is_brigading() -> None:
    [match] = brigading_only(baseline(1) + surge(12))

    assert (match.subject, match.window_start, len(match.items)) == ("uni_main", T0, 12)
    assert match.usual_per_window == pytest.approx(1.0)
    assert "12 hostile replies within an hour, against a usual 1.0" in match.summary()


def test_a_busy_account_at_its_usual_hostile_rate_is_not_brigading() -> None:
    # Three hostile replies an hour is this account's usual; twelve is under five times that.
    assert brigading_only(baseline(3) + surge(12)) == []
    # Few hostile replies are never brigading, even on an account that had none before.
    assert brigading_only(surge(9)) == []
    assert [m.subject for m in brigading_only(surge(10))] == ["uni_main"]


def test_only_windows_with_recently_stored_items_are_judged() -> None:
    old = [
        hostile(f"author-{n}", n, stored_at=T0 - timedelta(days=3)) for n in range(5)
    ]  # a pile-on judged days ago

    assert fired(old, recent_since=T0 - timedelta(days=1)) == []
    late = hostile("author-9", 20)  # one more item in that window, stored now
    assert ids(fired([*old, late], recent_since=T0)) == ["pile-on-thread"]


def test_a_window_gives_the_same_alert_whatever_run_judges_it() -> None:
    items = [hostile(f"author-{n}", 3 * n) for n in range(5)]
    later = [*items, hostile("author-5", 25)]

    [first] = fired(items)
    [again] = fired(list(reversed(later)))

    assert first.alert_id == again.alert_id
    assert (first.window_start, again.window_start) == (T0, T0)


def test_a_pattern_alert_names_the_pattern_window_count_and_items_and_goes_to_the_account() -> None:
    items = [hostile(f"author-{n}", 3 * n) for n in range(5)]
    matches = fired(items)

    built = pattern_alerts(
        matches,
        SHIPPED.version,
        ROUTING,
        AlertSettings(),
        lambda text, terms: text.replace("idiot", "i****"),
        T0 + timedelta(hours=1),
    )

    [alert] = built.alerts
    evidence: dict[str, Any] = alert.evidence
    assert (alert.rule_id, alert.category, alert.policy_clause, alert.severity) == (
        "pile-on-thread",
        "bullying",
        "7.17",
        "high",
    )
    assert alert.record_id == f"pattern:{alert.alert_id}"
    assert evidence["pattern"]["count"] == 5 and evidence["pattern"]["authors"] == 5
    assert evidence["pattern"]["window_start"] == T0.isoformat()
    assert evidence["pattern"]["window_end"] == (T0 + timedelta(minutes=30)).isoformat()
    assert [item["record_id"] for item in evidence["items"]] == [i.record_id for i in items]
    assert [item["url"] for item in evidence["items"]] == [i.url for i in items]
    assert all("idiot" not in item["excerpt"] for item in evidence["items"])
    assert evidence["excerpt"].startswith("5 different people posted 5 hostile replies")
    assert alert.recipients == ("owner@university.example", "manager@university.example")
    assert {(d.recipient, d.mode) for d in built.deliveries} == {
        ("owner@university.example", "immediate"),
        ("manager@university.example", "immediate"),
    }
    assert alert.conversation_id == "x:100" and alert.url == items[-1].url


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"type": "repeat_offender", "window_minutes": 60},
            "pattern broken.repeat_offender: Value error, needs min_threads, min_people or both",
        ),
        (
            {"type": "pile_on", "window_minutes": 30, "subject": "room"},
            "pattern broken.pile_on.subject",
        ),
        ({"type": "brigading", "window_minutes": 60, "factor": 1, "min_count": 5}, "factor"),
        ({"type": "stalking", "window_minutes": 60}, "pattern broken: Input tag 'stalking'"),
        (
            {"type": "pile_on", "subject": "thread", "min_authors": 3},
            "window_minutes: Field required",
        ),
    ],
)
def test_a_bad_pattern_stops_the_run_naming_it(
    tmp_path: Path, entry: dict[str, Any], message: str
) -> None:
    document = yaml.safe_load(Path(SHIPPED_RULES).read_text())
    document["patterns"] = [
        {
            "id": "broken",
            "description": "A pattern of the test's own.",
            "clause": "7.17",
            "severity": "high",
            "action": "Tell the line manager today.",
            **entry,
        }
    ]
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(document))

    with pytest.raises(RulesError) as raised:
        load_rules(path, DEFAULT_POLICY)

    assert message in str(raised.value)


def test_pattern_ids_share_the_rule_namespace(tmp_path: Path) -> None:
    document = yaml.safe_load(Path(SHIPPED_RULES).read_text())
    document["patterns"][0]["id"] = document["rules"][0]["id"]
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(document))

    with pytest.raises(RulesError, match="repeated: threat-received"):
        load_rules(path, DEFAULT_POLICY)


def test_the_shipped_patterns_are_the_three_shapes() -> None:
    kinds = {type(pattern) for pattern in PATTERNS}
    assert kinds == {RepeatOffender, PileOn, Brigading}


SHIPPED_RULES = Path(__file__).resolve().parents[3] / "pipelines" / "alerts" / "rules.yaml"


def test_an_email_about_a_pattern_says_what_it_is_and_links_the_latest_item() -> None:
    items = [hostile(f"author-{n}", 3 * n) for n in range(5)]
    built = pattern_alerts(
        fired(items),
        SHIPPED.version,
        ROUTING,
        AlertSettings(),
        lambda text, terms: text.replace("idiot", "i****"),
        T0 + timedelta(hours=1),
    )
    [alert] = built.alerts
    context = EmailContext(
        sender="socmon@university.example",
        policy=SHIPPED.policy,
        handles=ROUTING.handles,
        owners={"uni_main": "owner@university.example"},
        managers={"uni_main": "manager@university.example"},
    )
    created = replace(alert, created_at=T0 + timedelta(hours=1))
    due = [DueDelivery(delivery, created) for delivery in built.deliveries[:1]]

    message = compose(due, digest=False, context=context, now=T0 + timedelta(hours=1))

    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert message["Subject"] == "[socmon] HIGH bullying on @UniOfficial (policy 7.17)"
    assert "A pile-on on @UniOfficial was flagged as bullying (high)." in text
    assert "5 different people posted 5 hostile replies in one thread" in text
    assert items[-1].url in text and "idiot" not in text
    assert "Rule pile-on-thread: pattern over stored detections" in text

"""Bullying patterns across stored items: repeat offenders, pile-ons and brigading.

A single reply raises its own alert (:mod:`pipelines.alerts.build`); a pattern needs history,
so it is judged over the hostile items the warehouse already holds, after each commit.

**Windows slide; each starts at an item.** For each pattern and subject (an author, a thread,
a person, an account), a window of the pattern's length starts at every item's time:
``[item, item + window_minutes)``. Judged in time order, a window that meets the pattern's
thresholds raises an alert unless a window of the same pattern and subject that overlaps it
already raised one (stored in the warehouse, or raised earlier in this run). So:

* a burst whose items lie within less than the window's length (any 30 minutes for a thread
  pile-on, any 24 hours for a repeat offender) is caught wherever the clock's hours and days
  fall: the window starting at its first item holds all of it. Fixed windows aligned to the
  clock (the first design) split a burst at 23:30-00:30 into two days, and fired in neither;
* one burst raises one alert: every later window that overlaps the alert's is passed over,
  so hostility that goes on raises at most one alert per window's length, the next starting
  at or after the previous one's end;
* ids are stable: ``sha256(pattern | subject | window start)``, inserted if absent, and the
  window start is the first item of the first window that fired. Judging again (a rerun, a
  crash between the commit and this step) finds the same window or one overlapping the
  stored alert; a burst that grows, or an earlier item that arrives late and would start
  the window sooner, overlaps the stored alert and adds nothing.

Why not hopping windows (length L, starting every L/2, with the same rule about overlaps)?
They keep a fixed grid but only catch for sure a burst lasting at most L/2; a sliding window
costs the same lookup of stored alerts and catches any burst shorter than L. What a window
cannot see: a burst spread over more than its length (five hostile authors eight minutes
apart is 32 minutes, no 30-minute window holds all five) stays under the threshold.

Only windows holding an item whose detection was stored recently are judged, so a crash
between the commit and this step is made good by the next run, and old windows are not
reopened. The alert carries a synthetic ``record_id`` (``pattern:<alert id>``): it is about
many records, and the per-record machinery (edits, tombstones, label export) must not take it
for one of theirs. Its evidence names the pattern, the window, the count and every item
(record id, link, redacted and masked excerpt); the page lists them. The alerts themselves
are built in :mod:`pipelines.alerts.pattern_alerts`.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pipelines.alerts.rules import Brigading, PileOn, RepeatOffender
from schemas.vocabulary import MASKED_CATEGORIES

PatternRule = RepeatOffender | PileOn | Brigading
#: The category every pattern alert carries (the items keep their own categories).
PATTERN_CATEGORY = "bullying"


@dataclass(frozen=True, slots=True)
class HostileItem:
    """A stored reply or comment by a member of the public with a hostile detection."""

    record_id: str
    account: str
    conversation_id: str | None
    #: The author's pseudonym.
    author: str
    #: The pseudonym of the member of the public it answers (None: a post, or an official one).
    target: str | None
    created_at: datetime
    #: When its detection was stored: windows with recent items are the ones judged.
    stored_at: datetime
    #: Hostile categories with their best score.
    scores: Mapping[str, float]
    kind: str
    url: str | None
    text: str
    terms: tuple[str, ...] = ()

    def counts_for(self, pattern: PatternRule) -> bool:
        """Whether a detection of one of the pattern's categories reached its score."""
        return any(self.scores.get(each, -1.0) >= pattern.min_score for each in pattern.categories)


@dataclass(frozen=True, slots=True)
class RaisedWindow:
    """The window of a pattern alert already raised: no overlapping window of the same
    pattern and subject raises another."""

    pattern_id: str
    subject: str
    start: datetime
    end: datetime

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True)
class PatternMatch:
    """A pattern that fired: on which subject, in which window, on which items."""

    pattern: PatternRule
    subject_kind: str
    subject: str
    window_start: datetime
    items: tuple[HostileItem, ...]
    #: For brigading: hostile items per window over the baseline days before.
    usual_per_window: float | None = None

    @property
    def window_end(self) -> datetime:
        return self.window_start + timedelta(minutes=self.pattern.window_minutes)

    @property
    def raised(self) -> RaisedWindow:
        return RaisedWindow(self.pattern.id, self.subject, self.window_start, self.window_end)

    @property
    def alert_id(self) -> str:
        key = (
            f"{self.pattern.id}|{self.subject_kind}:{self.subject}|{self.window_start.isoformat()}"
        )
        return hashlib.sha256(f"{key}|pattern".encode()).hexdigest()

    @property
    def authors(self) -> int:
        return len({item.author for item in self.items})

    @property
    def threads(self) -> int:
        return len({item.conversation_id for item in self.items if item.conversation_id})

    @property
    def people(self) -> int:
        return len({item.target for item in self.items if item.target})

    def summary(self) -> str:
        """One sentence a line manager reads: who, how many, within what."""
        span = _span(self.pattern.window_minutes)
        count = len(self.items)
        pattern = self.pattern
        if isinstance(pattern, RepeatOffender):
            return (
                f"One person posted {count} hostile replies under {self.threads} threads "
                f"to {self.people} people within {span}."
            )
        if isinstance(pattern, PileOn):
            where = "in one thread" if pattern.subject == "thread" else "to one person"
            return (
                f"{self.authors} different people posted {count} hostile replies {where} "
                f"within {span}."
            )
        usual = self.usual_per_window or 0.0
        return (
            f"{count} hostile replies within {span}, against a usual {usual:.1f} per {span} "
            f"over the previous {pattern.baseline_days} days."
        )


def lookback(patterns: Sequence[PatternRule]) -> timedelta:
    """How far before a judged window the patterns look (brigading's baseline)."""
    longest = timedelta(0)
    for pattern in patterns:
        if isinstance(pattern, Brigading):
            longest = max(longest, timedelta(days=pattern.baseline_days))
    return longest


def find_patterns(
    items: Iterable[HostileItem],
    patterns: Sequence[PatternRule],
    recent_since: datetime,
    raised: Iterable[RaisedWindow] = (),
) -> list[PatternMatch]:
    """Every window that fires, holds an item stored at or after ``recent_since`` and
    overlaps no window in ``raised`` (the stored pattern alerts) nor one found before it.

    ``items`` must reach back over those windows and the baselines."""
    listed = sorted(items, key=lambda item: (item.created_at, item.record_id))
    taken: dict[tuple[str, str], list[RaisedWindow]] = defaultdict(list)
    for window in raised:
        taken[(window.pattern_id, window.subject)].append(window)
    found: list[PatternMatch] = []
    for pattern in patterns:
        by_subject: dict[str, list[HostileItem]] = defaultdict(list)
        for item in listed:
            if item.counts_for(pattern):
                for subject in _subjects(pattern, item):
                    by_subject[subject].append(item)
        for subject in sorted(by_subject):
            windows = taken[(pattern.id, subject)]
            for match in _windows_that_fire(pattern, subject, by_subject[subject], recent_since):
                if not any(
                    window.overlaps(match.window_start, match.window_end) for window in windows
                ):
                    found.append(match)
                    windows.append(match.raised)
    return found


def _subjects(pattern: PatternRule, item: HostileItem) -> list[str]:
    if isinstance(pattern, RepeatOffender):
        return [item.author]
    if isinstance(pattern, PileOn):
        subject = item.conversation_id if pattern.subject == "thread" else item.target
        return [subject] if subject else []
    return [item.account]


class _Tally:
    """What the thresholds count in a window: items, distinct authors, threads and people,
    and items stored recently (a window without one is not judged)."""

    def __init__(self, recent_since: datetime) -> None:
        self.recent_since = recent_since
        self.items = 0
        self.recent = 0
        self.authors: Counter[str] = Counter()
        self.threads: Counter[str] = Counter()
        self.people: Counter[str] = Counter()

    def change(self, item: HostileItem, step: int) -> None:
        self.items += step
        self.recent += step if item.stored_at >= self.recent_since else 0
        for counter, key in (
            (self.authors, item.author),
            (self.threads, item.conversation_id),
            (self.people, item.target),
        ):
            if key:
                counter[key] += step
                if not counter[key]:
                    del counter[key]


def _windows_that_fire(
    pattern: PatternRule, subject: str, items: list[HostileItem], recent_since: datetime
) -> Iterable[PatternMatch]:
    """The judged windows of one subject (in time order, ``items`` sorted) that fire: one
    starting at each distinct item time, holding the items up to its end."""
    length = timedelta(minutes=pattern.window_minutes)
    times = [item.created_at for item in items]
    tally = _Tally(recent_since)
    first = last = 0
    for index, item in enumerate(items):
        if index and times[index - 1] == item.created_at:
            continue  # the same window as the item before
        while first < index:
            tally.change(items[first], -1)
            first += 1
        end = item.created_at + length
        while last < len(items) and times[last] < end:
            tally.change(items[last], +1)
            last += 1
        if not tally.recent:
            continue
        usual = None
        if isinstance(pattern, Brigading):
            baseline = timedelta(days=pattern.baseline_days)
            before = index - bisect_left(times, item.created_at - baseline)
            usual = before / (baseline / length)
        if _fires(pattern, tally, usual):
            window = tuple(items[index:last])
            yield PatternMatch(
                pattern, _subject_kind(pattern), subject, item.created_at, window, usual
            )


def _subject_kind(pattern: PatternRule) -> str:
    if isinstance(pattern, RepeatOffender):
        return "author"
    if isinstance(pattern, PileOn):
        return pattern.subject
    return "account"


def _fires(pattern: PatternRule, tally: _Tally, usual: float | None) -> bool:
    if isinstance(pattern, RepeatOffender):
        enough_threads = (
            pattern.min_threads is not None and len(tally.threads) >= pattern.min_threads
        )
        enough_people = pattern.min_people is not None and len(tally.people) >= pattern.min_people
        return enough_threads or enough_people
    if isinstance(pattern, PileOn):
        return len(tally.authors) >= pattern.min_authors
    return tally.items >= pattern.min_count and tally.items >= pattern.factor * (usual or 0.0)


def _span(minutes: int) -> str:
    if minutes % 1440 == 0:
        days = minutes // 1440
        return "a day" if days == 1 else f"{days} days"
    if minutes % 60 == 0:
        hours = minutes // 60
        return "an hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minutes"


def items_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[HostileItem]:
    """Hostile items from the warehouse's rows (one per record and category)."""
    grouped: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[str(row["record_id"])].append(row)
    items = []
    for record_id, found in grouped.items():
        first = found[0]
        scores: dict[str, float] = {}
        terms: list[str] = []
        for row in found:
            scores[row["category"]] = max(scores.get(row["category"], 0.0), float(row["score"]))
            if row["category"] in MASKED_CATEGORIES:
                terms.extend(json.loads(row["evidence"] or "{}").get("top_terms", []))
        target = first["target"] if first["target"] != first["author_id"] else None
        items.append(
            HostileItem(
                record_id=record_id,
                account=str(first["account"]),
                conversation_id=first["conversation_id"],
                author=str(first["author_id"]),
                target=target,
                created_at=_utc(first["created_at"]),
                stored_at=max(_utc(row["stored_at"]) for row in found),
                scores=scores,
                kind=str(first["kind"]),
                url=first["url"],
                text=str(first["text"] or ""),
                terms=tuple(dict.fromkeys(terms)),
            )
        )
    return items


def raised_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[RaisedWindow]:
    """The windows of stored pattern alerts, from the warehouse's rows (``rule_id``,
    ``subject``, ``window_start``, ``window_end``: the last three as written in the evidence)."""
    return [
        RaisedWindow(
            pattern_id=str(row["rule_id"]),
            subject=str(row["subject"]),
            start=_utc(datetime.fromisoformat(row["window_start"])),
            end=_utc(datetime.fromisoformat(row["window_end"])),
        )
        for row in rows
        if row["subject"] is not None and row["window_start"] and row["window_end"]
    ]


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

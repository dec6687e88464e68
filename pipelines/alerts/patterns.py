"""Bullying patterns across stored items: repeat offenders, pile-ons and brigading.

A single reply raises its own alert (:mod:`pipelines.alerts.build`); a pattern needs history,
so it is judged over the hostile items the warehouse already holds, after each commit. Time
is cut into fixed windows of each pattern's length (aligned to the Unix epoch: hours start on
the hour, days at midnight UTC), so a window, and the alert it raises, is the same whatever
run looks at it: the alert id is ``sha256(pattern | subject | window start)``, inserted if
absent, so each (pattern, subject, window) raises one alert however often it is judged. Only
windows holding an item whose detection was stored recently are judged, so a crash between
the commit and this step is made good by the next run, and old windows are not reopened.

The alert carries a synthetic ``record_id`` (``pattern:<alert id>``): it is about many
records, and the per-record machinery (edits, tombstones, label export) must not take it
for one of theirs. Its evidence names the pattern, the window, the count and every item
(record id, link, redacted and masked excerpt); the page lists them.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pipelines.alerts.build import Masker, Routing, deliveries_for
from pipelines.alerts.rules import Brigading, PileOn, RepeatOffender
from pipelines.settings.alerts import AlertSettings
from schemas.alerts import Alert, Delivery
from schemas.vocabulary import MASKED_CATEGORIES

PatternRule = RepeatOffender | PileOn | Brigading
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: The category every pattern alert carries (the items keep their own categories).
PATTERN_CATEGORY = "bullying"
#: Items listed in an alert's evidence at most (the count says how many there were).
MAX_LISTED_ITEMS = 50
EXCERPT_CHARACTERS = 160
#: What the first words of an email call each pattern ("A pile-on on @UniOfficial ...").
KIND_WORDS = {
    "repeat_offender": "series of hostile replies by one person",
    "pile_on": "pile-on",
    "brigading": "surge of hostile replies",
}


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


def window_start(moment: datetime, minutes: int) -> datetime:
    """The start of the fixed window of ``minutes`` that holds ``moment``."""
    length = timedelta(minutes=minutes)
    return EPOCH + ((moment.astimezone(UTC) - EPOCH) // length) * length


def lookback(patterns: Sequence[PatternRule]) -> timedelta:
    """How far before a judged window the patterns look (brigading's baseline)."""
    longest = timedelta(0)
    for pattern in patterns:
        if isinstance(pattern, Brigading):
            longest = max(longest, timedelta(days=pattern.baseline_days))
    return longest


def find_patterns(
    items: Iterable[HostileItem], patterns: Sequence[PatternRule], recent_since: datetime
) -> list[PatternMatch]:
    """Every pattern that fires in a window holding an item stored at or after
    ``recent_since``; ``items`` must reach back over those windows and the baselines."""
    listed = sorted(items, key=lambda item: (item.created_at, item.record_id))
    found: list[PatternMatch] = []
    for pattern in patterns:
        counted = [item for item in listed if item.counts_for(pattern)]
        by_window: dict[tuple[str, datetime], list[HostileItem]] = defaultdict(list)
        judged: set[tuple[str, datetime]] = set()
        for item in counted:
            for subject in _subjects(pattern, item):
                key = (subject, window_start(item.created_at, pattern.window_minutes))
                by_window[key].append(item)
                if item.stored_at >= recent_since:
                    judged.add(key)
        for subject, start in sorted(judged):
            match = _judge(pattern, subject, start, by_window[(subject, start)], counted)
            if match is not None:
                found.append(match)
    return found


def _subjects(pattern: PatternRule, item: HostileItem) -> list[str]:
    if isinstance(pattern, RepeatOffender):
        return [item.author]
    if isinstance(pattern, PileOn):
        subject = item.conversation_id if pattern.subject == "thread" else item.target
        return [subject] if subject else []
    return [item.account]


def _judge(
    pattern: PatternRule,
    subject: str,
    start: datetime,
    window: list[HostileItem],
    counted: list[HostileItem],
) -> PatternMatch | None:
    if isinstance(pattern, RepeatOffender):
        match = PatternMatch(pattern, "author", subject, start, tuple(window))
        enough_threads = pattern.min_threads is not None and match.threads >= pattern.min_threads
        enough_people = pattern.min_people is not None and match.people >= pattern.min_people
        return match if enough_threads or enough_people else None
    if isinstance(pattern, PileOn):
        match = PatternMatch(pattern, pattern.subject, subject, start, tuple(window))
        return match if match.authors >= pattern.min_authors else None
    baseline_start = start - timedelta(days=pattern.baseline_days)
    before = sum(
        1
        for item in counted
        if item.account == subject and baseline_start <= item.created_at < start
    )
    windows = timedelta(days=pattern.baseline_days) / timedelta(minutes=pattern.window_minutes)
    usual = before / windows
    if len(window) < pattern.min_count or len(window) < pattern.factor * usual:
        return None
    return PatternMatch(pattern, "account", subject, start, tuple(window), usual)


@dataclass(frozen=True)
class PatternAlerts:
    """The alerts the patterns raised, and their deliveries."""

    alerts: tuple[Alert, ...]
    deliveries: tuple[Delivery, ...]


def pattern_alerts(
    matches: Sequence[PatternMatch],
    rules_version: str,
    routing: Routing,
    settings: AlertSettings,
    masker: Masker,
    now: datetime,
) -> PatternAlerts:
    """One alert per match, routed to the owners and line managers of the accounts involved."""
    alerts = [_alert(match, rules_version, routing, masker) for match in matches]
    deliveries = [delivery for alert in alerts for delivery in deliveries_for(alert, settings, now)]
    return PatternAlerts(tuple(alerts), tuple(deliveries))


def _alert(match: PatternMatch, rules_version: str, routing: Routing, masker: Masker) -> Alert:
    pattern = match.pattern
    latest = match.items[-1]
    accounts = _by_frequency(item.account for item in match.items)
    terms = sorted({term for item in match.items for term in item.terms})
    listed = match.items[-MAX_LISTED_ITEMS:]
    action = " ".join(pattern.action.split())
    description = {
        "id": pattern.id,
        "type": pattern.type,
        "subject_kind": match.subject_kind,
        "subject": match.subject,
        "window_start": match.window_start.isoformat(),
        "window_end": match.window_end.isoformat(),
        "window_minutes": pattern.window_minutes,
        "count": len(match.items),
        "authors": match.authors,
        "threads": match.threads,
        "people": match.people,
        "summary": match.summary(),
    }
    if match.usual_per_window is not None:
        description["usual_per_window"] = round(match.usual_per_window, 3)
    evidence: dict[str, Any] = {
        "excerpt": f"{match.summary()} Latest: {masker(_excerpt(latest.text), terms)}",
        "kind": KIND_WORDS[pattern.type],
        "by_official_account": False,
        "posted_at": latest.created_at.isoformat(),
        "rule": {"id": pattern.id, "version": rules_version, "description": pattern.description},
        "pattern": description,
        "items": [
            {
                "record_id": item.record_id,
                "url": item.url,
                "posted_at": item.created_at.isoformat(),
                "categories": sorted(item.scores),
                "excerpt": masker(_excerpt(item.text), terms),
            }
            for item in listed
        ],
        "findings": [
            {
                "rule_id": pattern.id,
                "description": pattern.description,
                "category": PATTERN_CATEGORY,
                "clause": pattern.clause,
                "severity": pattern.severity,
                "score": 1.0,
                "action": action,
                "pattern": description,
            }
        ],
    }
    thread = match.subject if match.subject_kind == "thread" else None
    return Alert(
        alert_id=match.alert_id,
        record_id=f"pattern:{match.alert_id}",
        account=accounts[0],
        rule_id=pattern.id,
        rule_version=rules_version,
        category=PATTERN_CATEGORY,
        policy_clause=pattern.clause,
        severity=pattern.severity,
        score=1.0,
        evidence=evidence,
        recommended_action=action,
        recipients=routing.for_accounts(accounts),
        conversation_id=thread,
        url=latest.url,
        categories=(PATTERN_CATEGORY,),
        policy_clauses=(pattern.clause,),
    )


def _by_frequency(accounts: Iterable[str]) -> list[str]:
    counts: dict[str, int] = defaultdict(int)
    for account in accounts:
        counts[account] += 1
    return sorted(counts, key=lambda account: (-counts[account], account))


def _span(minutes: int) -> str:
    if minutes % 1440 == 0:
        days = minutes // 1440
        return "a day" if days == 1 else f"{days} days"
    if minutes % 60 == 0:
        hours = minutes // 60
        return "an hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minutes"


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARACTERS else text[: EXCERPT_CHARACTERS - 1] + "…"


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


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

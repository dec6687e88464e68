"""The alerts that bullying patterns raise: one per match, its evidence listing the items.

What a pattern is and how its windows are judged is :mod:`pipelines.alerts.patterns`; here a
match becomes an alert routed to the owners and line managers of the accounts involved, with a
synthetic ``record_id`` (``pattern:<alert id>``) and the latest items' redacted, masked
excerpts as evidence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pipelines.alerts.build import Masker, Routing, deliveries_for
from pipelines.alerts.patterns import PATTERN_CATEGORY, PatternMatch
from pipelines.settings.alerts import AlertSettings
from schemas.alerts import Alert, Delivery

#: Items listed in an alert's evidence at most (the count says how many there were).
MAX_LISTED_ITEMS = 50
EXCERPT_CHARACTERS = 160
#: What the first words of an email call each pattern ("A pile-on on @UniOfficial ...").
KIND_WORDS = {
    "repeat_offender": "series of hostile replies by one person",
    "pile_on": "pile-on",
    "brigading": "surge of hostile replies",
}


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


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARACTERS else text[: EXCERPT_CHARACTERS - 1] + "…"

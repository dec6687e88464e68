"""How an alert is put into words for a person: banner, one sentence, local times, deadlines.

Plain functions of an :class:`~schemas.alerts.Alert` and a time zone, shared by the emails
and anything else that shows an alert to a reviewer. They say what happened without the
detector's jargon (scores and versions go to :func:`model_details`, shown small at the end),
give every time in the university's zone with its abbreviation ("Fri 28 Nov 14:00 GMT"),
and turn "within 72 hours" in an action into a date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from schemas.alerts import Alert
from schemas.vocabulary import SEVERITY_ORDER


@dataclass(frozen=True)
class Banner:
    """How a severity looks: the word, what it asks of the reader, and its colours."""

    word: str
    meaning: str
    background: str
    foreground: str


#: Colour and word together: the colour is seen first, the word reads without colour.
BANNERS: dict[str, Banner] = {
    "critical": Banner("CRITICAL", "act now", "#b3261e", "#ffffff"),
    "high": Banner("HIGH", "act today", "#c2410c", "#ffffff"),
    "medium": Banner("MEDIUM", "review when you can", "#fcd34d", "#1f2937"),
    "low": Banner("LOW", "for information", "#cbd5e1", "#1f2937"),
}

#: A category as the subject line names it.
SUBJECT_WORDS: dict[str, str] = {
    "threat": "threat",
    "offensive": "offensive content",
    "hate": "hateful content",
    "misleading": "possible misinformation",
    "personal_data": "personal data",
    "confidential": "confidential matter",
    "policy": "policy check",
}

#: A category as "... was flagged <phrase>" ends.
FLAGGED_AS: dict[str, str] = {
    "threat": "as a threat",
    "offensive": "as offensive",
    "hate": "as hateful",
    "misleading": "as possible misinformation",
    "personal_data": "for personal data",
    "confidential": "for naming a confidential matter",
    "policy": "by a policy check",
}

#: The multiplication sign of "3 alerts like this one" and "PERSON 2 times" in emails.
TIMES = "\N{MULTIPLICATION SIGN}"

_WITHIN = re.compile(r"\bwithin (\d+) (hour|day)s?\b", re.IGNORECASE)
#: Wording in the shipped rules that points at a fact-check link (see ``rules.yaml``).
_FACT_CHECK_PROMISE = re.compile(r"\bthe fact-check link in this alert\b", re.IGNORECASE)


def handle(account: str, handles: dict[str, str]) -> str:
    """``@Handle`` of a configured account (a page name with spaces as it is)."""
    name = handles.get(account, account)
    return name if " " in name else f"@{name}"


def local_time(moment: datetime | str | None, zone: ZoneInfo, now: datetime | None = None) -> str:
    """``Fri 28 Nov 14:00 GMT`` in ``zone`` (with the year when it is not ``now``'s); ``""``
    when unknown. Naive times and ISO strings without an offset are UTC."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(zone)
    year = "" if now is None or now.astimezone(zone).year == local.year else f" {local.year}"
    return f"{local:%a} {local.day} {local:%b}{year} {local:%H:%M %Z}"


def with_deadline(action: str, found: datetime | None, zone: ZoneInfo) -> str:
    """``action`` with ", by Fri 28 Nov 14:00 GMT" after each "within N hours/days",
    counted from when the alert was found."""
    if found is None:
        return action

    def dated(match: re.Match[str]) -> str:
        amount = int(match.group(1))
        span = timedelta(hours=amount) if match.group(2).lower() == "hour" else timedelta(amount)
        return f"{match.group(0)}, by {local_time(found + span, zone)}"

    return _WITHIN.sub(dated, action)


def fact_check_url(alert: Alert) -> str | None:
    """The page refuting the claim the post matched, if a known false claim matched."""
    for detection in _detections(alert):
        claim = detection.get("matched_claim")
        url = claim.get("fact_check") if isinstance(claim, dict) else None
        if isinstance(url, str) and url.startswith(("https://", "http://")):
            return url
    return None


def honest_action(action: str, has_fact_check: bool) -> str:
    """An action that promises a fact-check link only when the alert has one."""
    if has_fact_check:
        return action
    return _FACT_CHECK_PROMISE.sub("a reliable source (no known false claim matched)", action)


def sentence(alert: Alert, handles: dict[str, str]) -> str:
    """What happened, in one sentence: "A reply to @UniOfficial was flagged as a threat
    (critical)." Other categories that fired follow after "also"."""
    evidence = alert.evidence
    where = handle(alert.account, handles)
    kind = str(evidence.get("kind") or "post")
    if evidence.get("by_official_account"):
        subject = f"A {kind} by {where}"
    elif kind == "mention":
        subject = f"A post mentioning {where}"
    elif kind == "post":
        subject = f"A post on {where}"
    else:
        subject = f"A {kind} {'to' if kind == 'reply' else 'on'} {where}"
    first, *others = alert.every_category
    text = f"{subject} was flagged {FLAGGED_AS.get(first, f'as {first}')} ({alert.severity})"
    if others:
        text += "; also " + ", ".join(SUBJECT_WORDS.get(c, c) for c in others)
    return text + "."


def subject_words(alert: Alert) -> str:
    """The categories as a subject line names them, the most severe first."""
    return ", ".join(SUBJECT_WORDS.get(c, c) for c in alert.every_category)


@dataclass(frozen=True)
class ClauseAction:
    """A policy clause concerned and what to do about it."""

    clause: str
    title: str
    summary: str
    actions: tuple[str, ...]


def clause_actions(
    alert: Alert, titles: dict[str, tuple[str, str]], zone: ZoneInfo
) -> list[ClauseAction]:
    """Every clause concerned, the most severe first, each with its recommended actions
    (dated, and without a fact-check link that is not there). ``titles``: clause →
    (title, summary)."""
    findings = alert.findings or [
        {"clause": alert.policy_clause, "action": alert.recommended_action, "severity": "low"}
    ]
    ordered = sorted(findings, key=lambda f: -SEVERITY_ORDER.get(str(f.get("severity")), 0))
    has_link = fact_check_url(alert) is not None
    actions: dict[str, list[str]] = {clause: [] for clause in alert.every_clause}
    for finding in ordered:
        clause = str(finding.get("clause") or alert.policy_clause)
        text = honest_action(str(finding.get("action") or ""), has_link)
        text = with_deadline(text, alert.created_at, zone)
        if text and text not in actions.setdefault(clause, []):
            actions[clause].append(text)
    return [
        ClauseAction(clause, *titles.get(clause, ("", "")), tuple(texts))
        for clause, texts in actions.items()
    ]


def model_details(alert: Alert) -> list[str]:
    """The rules and detectors behind the alert, one line each, for the small print."""
    lines = [f"Rules version {alert.rule_version}"]
    findings = alert.findings or [{"rule_id": alert.rule_id, **alert.evidence}]
    for finding in findings:
        rule = finding.get("rule_id") or alert.rule_id
        detection = finding.get("detection") or {}
        if finding.get("pattern"):
            how = f"pattern over stored detections: {finding['pattern'].get('summary', '')}"
        elif "entity_types" in detection:
            found = ", ".join(f"{kind} {TIMES}{n}" for kind, n in detection["entity_types"].items())
            how = f"privacy filter {detection.get('detector_version')} found {found}"
        elif detection:
            how = (
                f"model {detection.get('detector_version')}: score {detection.get('score')}"
                f" (flags from {detection.get('threshold')})"
            )
        else:
            how = "a text rule matched"
        lines.append(f"Rule {rule}: {how}")
    return lines


def _detections(alert: Alert) -> Iterator[dict[str, Any]]:
    detection = alert.evidence.get("detection")
    if isinstance(detection, dict):
        yield detection
    for finding in alert.findings:
        if isinstance(finding.get("detection"), dict):
            yield finding["detection"]

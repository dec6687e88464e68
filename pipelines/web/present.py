"""Plain words for the review pages: times in the university's zone, why an alert fired.

Pure functions over schema records, used as Jinja2 filters and globals; nothing here
knows about requests or the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from schemas.alerts import Alert
from schemas.vocabulary import ACTION_TAKEN_NAMES, CATEGORY_NAMES

#: What each severity asks of the reader, shown in the page's banner.
SEVERITY_WORDS = {
    "critical": "Critical: act now",
    "high": "High: act today",
    "medium": "Medium: look this week",
    "low": "Low: for information",
}
STATUS_NAMES = {
    "open": "Open",
    "acknowledged": "Acknowledged",
    "confirmed": "Confirmed",
    "false_positive": "False alarm",
    "duplicate": "Duplicate",
    "superseded": "Superseded (the post was edited)",
}
EVENT_WORDS = {
    "viewed": "opened the alert",
    "acknowledged": "acknowledged it",
    "confirmed": "confirmed it",
    "false_positive": "marked it a false alarm",
    "duplicate": "marked it a duplicate",
    "assigned": "assigned it",
    "escalated": "escalated it",
    "action_taken": "recorded the action taken",
    "noted": "added a note",
    "reopened": "reopened it",
}
#: What the privacy filter's entity types are, for a person.
ENTITY_WORDS = {
    "PERSON": "a person's name",
    "EMAIL": "an email address",
    "EMAIL_ADDRESS": "an email address",
    "PHONE": "a phone number",
    "PHONE_NUMBER": "a phone number",
    "ADDRESS": "a street address",
    "STREET_ADDRESS": "a street address",
    "IBAN": "a bank account number",
    "CREDIT_CARD": "a card number",
    "NATIONAL_ID": "a national identity number",
    "POSTCODE": "a postcode",
}
DELIVERY_WORDS = {
    "pending": "waiting",
    "sending": "being sent",
    "uncertain": "maybe sent (being checked)",
    "sent": "sent",
    "cancelled": "not sent (settled first)",
}


class Clock:
    """Times in one zone, written the way a person reads them."""

    def __init__(self, zone: str) -> None:
        self.zone = ZoneInfo(zone)

    def when(self, moment: datetime | str | None) -> str:
        """``Fri 27 Nov 2026, 14:05 GMT``; empty when unknown."""
        if moment is None or moment == "":
            return ""
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        local = moment.astimezone(self.zone)
        return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}"

    @staticmethod
    def ago(moment: datetime | None, now: datetime) -> str:
        """``5 min ago``, ``3 h ago``, ``4 days ago``."""
        if moment is None:
            return ""
        seconds = max(0, int((now - moment).total_seconds()))
        if seconds < 3600:
            return f"{seconds // 60} min ago"
        if seconds < 2 * 86400:
            return f"{seconds // 3600} h ago"
        return f"{seconds // 86400} days ago"


@dataclass(frozen=True)
class Reason:
    """One rule that fired, in plain words, with the model details kept apart."""

    category: str
    clause: str
    severity: str
    description: str
    evidence: str
    action: str
    fact_check: str | None
    details: dict[str, Any]


def category_name(category: str) -> str:
    return CATEGORY_NAMES.get(category, category.replace("_", " ").capitalize())


def action_taken_name(action: str | None) -> str:
    return ACTION_TAKEN_NAMES.get(action or "", action or "")


def _score_words(score: float, threshold: float | None) -> str:
    if threshold is None:
        return f"The model's score was {score:.2f} out of 1."
    margin = score - threshold
    if margin < 0:
        place = "below the line (it fired with another finding)"
    elif margin < 0.1:
        place = "just over the line"
    elif margin < 0.3:
        place = "clearly over the line"
    else:
        place = "far over the line"
    return (
        f"The model scored it {score:.2f} out of 1; it flags from {threshold:.2f}, "
        f"so this is {place}."
    )


def _entities(counts: dict[str, Any]) -> str:
    found = [ENTITY_WORDS.get(kind, kind.lower().replace("_", " ")) for kind in counts]
    return "Found " + ", ".join(dict.fromkeys(found)) + "." if found else "Found personal data."


def reasons(alert: Alert) -> list[Reason]:
    """Each rule that fired on the alert's record, most severe first, in plain words."""
    findings = alert.findings or [
        {
            "rule_id": alert.rule_id,
            "description": alert.evidence.get("rule", {}).get("description", ""),
            "category": alert.category,
            "clause": alert.policy_clause,
            "severity": alert.severity,
            "score": alert.score,
            "action": alert.recommended_action,
            **(
                {"detection": alert.evidence["detection"]}
                if "detection" in alert.evidence
                else {"matched": alert.evidence.get("matched", "")}
            ),
        }
    ]
    found: list[Reason] = []
    for finding in findings:
        detection = dict(finding.get("detection") or {})
        claim = detection.get("matched_claim") or {}
        if finding.get("pattern"):
            evidence = str(finding["pattern"].get("summary", ""))
        elif "entity_types" in detection:
            evidence = _entities(detection["entity_types"])
        elif detection:
            threshold = detection.get("threshold")
            evidence = _score_words(
                float(finding.get("score", 0.0)), None if threshold is None else float(threshold)
            )
        else:
            evidence = f"The text contains the words \u201c{finding.get('matched', '')}\u201d."
        details = {
            "rule": f"{finding.get('rule_id', '')} (rules {alert.rule_version})",
            **{
                key: value
                for key, value in detection.items()
                if key in ("detector", "detector_version", "model_versions", "lang")
            },
        }
        if claim.get("id"):
            details["claim"] = claim["id"]
        found.append(
            Reason(
                category=str(finding.get("category", alert.category)),
                clause=str(finding.get("clause", alert.policy_clause)),
                severity=str(finding.get("severity", alert.severity)),
                description=str(finding.get("description", "")),
                evidence=evidence,
                action=" ".join(str(finding.get("action", "")).split()),
                fact_check=str(claim["fact_check"]) if claim.get("fact_check") else None,
                details=details,
            )
        )
    return found


def recommended_actions(alert: Alert) -> list[str]:
    """What to do, once each, the most severe rule's advice first."""
    actions = [reason.action for reason in reasons(alert) if reason.action]
    return list(dict.fromkeys(actions or [alert.recommended_action]))


def safe_link(url: str | None) -> str | None:
    """The platform's address, only if it is a web address (never ``javascript:``)."""
    return url if url and url.startswith(("https://", "http://")) else None


def shorten(text: str, characters: int = 140) -> str:
    """At most ``characters``, cut at a word, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= characters:
        return text
    return text[:characters].rsplit(" ", 1)[0] + "\u2026"

"""The words every part uses for what was found and how much it matters, declared once.

Categories, severities, alert statuses and verdicts, and the policy clause each kind
of detection concerns. The clauses themselves (titles, summaries) live in the policy
file the alert rules load (``pipelines/alerts/policy.yaml``); a test checks that
every clause named here is defined there.
"""

from __future__ import annotations

from typing import Literal, get_args

#: What the classifiers score: each a separate model with its own threshold.
ModelCategory = Literal["offensive", "hate", "threat", "misleading"]
MODEL_CATEGORIES: tuple[ModelCategory, ...] = get_args(ModelCategory)

#: What a detection can be: a model category, or personal data found by the privacy filter.
DetectionCategory = Literal["offensive", "hate", "threat", "misleading", "personal_data"]
DETECTION_CATEGORIES: tuple[DetectionCategory, ...] = get_args(DetectionCategory)

#: What an alert can be about: a detection, or a text rule (confidential terms, policy checks).
Category = Literal[
    "offensive",
    "hate",
    "threat",
    "misleading",
    "personal_data",
    "confidential",
    "policy",
    "bullying",
]
CATEGORIES: tuple[Category, ...] = get_args(Category)

#: What a person reads for each category.
CATEGORY_NAMES: dict[str, str] = {
    "offensive": "Offensive content",
    "hate": "Hateful content",
    "threat": "Threat",
    "misleading": "Possible misinformation",
    "personal_data": "Personal data in an official post",
    "confidential": "Confidential matter in an official post",
    "policy": "Policy check",
    "bullying": "Bullying pattern",
}

#: Categories whose explaining terms are masked in emails.
MASKED_CATEGORIES: tuple[str, ...] = ("offensive", "hate")

#: The policy clause a detection of each category concerns.
DETECTION_CLAUSES: dict[str, str] = {
    "offensive": "7.17",
    "hate": "7.17",
    "threat": "7.17",
    "misleading": "7.16",
    "personal_data": "7.13",
}

Severity = Literal["low", "medium", "high", "critical"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
#: Higher is more severe.
SEVERITY_ORDER: dict[str, int] = {severity: rank for rank, severity in enumerate(SEVERITIES)}

Verdict = Literal["confirmed", "false_positive", "duplicate"]
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)

#: An alert is open until a reviewer acknowledges it (someone is on it) or gives a verdict
#: (resolved); an open alert whose record was edited so that it no longer raises it is
#: superseded.
AlertStatus = Literal[
    "open", "acknowledged", "confirmed", "false_positive", "duplicate", "superseded"
]
ALERT_STATUSES: tuple[AlertStatus, ...] = get_args(AlertStatus)
#: Statuses of an alert still waiting for a verdict.
UNRESOLVED_STATUSES: tuple[AlertStatus, ...] = ("open", "acknowledged")

#: What a reviewer did about the content, recorded with a verdict or on its own.
ActionTaken = Literal[
    "hidden",
    "reported_to_platform",
    "replied",
    "referred_to_security",
    "referred_to_police",
    "none_needed",
]
ACTIONS_TAKEN: tuple[ActionTaken, ...] = get_args(ActionTaken)
ACTION_TAKEN_NAMES: dict[str, str] = {
    "hidden": "Hidden or removed on the platform",
    "reported_to_platform": "Reported to the platform",
    "replied": "Replied",
    "referred_to_security": "Referred to campus security",
    "referred_to_police": "Referred to the police",
    "none_needed": "No action needed",
}

#: What the history of an alert records (``alert_events.event``).
AlertEvent = Literal[
    "viewed",
    "acknowledged",
    "confirmed",
    "false_positive",
    "duplicate",
    "assigned",
    "escalated",
    "action_taken",
    "noted",
    "reopened",
]
ALERT_EVENTS: tuple[AlertEvent, ...] = get_args(AlertEvent)

DeliveryMode = Literal["immediate", "digest"]

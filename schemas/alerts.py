"""Alerts and their email deliveries, as typed records.

An alert is what the policy rules raised on one stored record: one alert per record,
carrying every category and clause that fired, at the highest severity. It holds only
redacted, masked text (in ``evidence``) and is identified by ``sha256(record id | "alert")``,
so a rerun raises the same alert. A delivery is one recipient's copy in the outbox.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from schemas.vocabulary import DeliveryMode


def alert_id_of(record_id: str) -> str:
    """The alert's stable id: the same record always gives the same alert."""
    return hashlib.sha256(f"{record_id}|alert".encode()).hexdigest()


def delivery_id_of(alert_id: str, recipient: str) -> str:
    """The delivery's stable id: one per alert and recipient."""
    return hashlib.sha256(f"{alert_id}|{recipient}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Alert:
    """What the rules raised on one record, with what a line manager needs to act on it.

    ``rule_id``, ``category``, ``policy_clause`` and ``recommended_action`` are those of the
    most severe rule that fired; ``categories`` and ``policy_clauses`` list every one, and
    ``evidence["findings"]`` has each rule's category, clause, severity, score and action.
    """

    alert_id: str
    record_id: str
    account: str
    rule_id: str
    rule_version: str
    category: str
    policy_clause: str
    severity: str
    score: float
    #: Masked, redacted excerpt, thread context, the rule and the detection (JSON object).
    evidence: dict[str, Any]
    recommended_action: str
    recipients: tuple[str, ...]
    conversation_id: str | None
    url: str | None
    status: str = "open"
    #: Set by the warehouse when the alert is committed.
    created_at: datetime | None = None
    categories: tuple[str, ...] = ()
    policy_clauses: tuple[str, ...] = ()
    #: The review lifecycle, set by reviewers' actions (``pipelines/warehouse/review.py``).
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    action_taken: str | None = None
    assigned_to: str | None = None
    duplicate_of: str | None = None
    record_deleted_at: datetime | None = None

    @property
    def every_category(self) -> tuple[str, ...]:
        """Every category that fired, the most severe first."""
        return self.categories or (self.category,)

    @property
    def every_clause(self) -> tuple[str, ...]:
        """Every policy clause concerned, the most severe first."""
        return self.policy_clauses or (self.policy_clause,)

    @property
    def findings(self) -> list[dict[str, Any]]:
        """Each rule that fired: rule, category, clause, severity, score, action."""
        return list(self.evidence.get("findings", []))

    @property
    def thread(self) -> str:
        """The conversation the alert belongs to (its record, if it has none)."""
        return self.conversation_id or self.record_id

    def to_message(self) -> dict[str, Any]:
        """The alert as published to the alerts topic."""
        return {
            "alert_id": self.alert_id,
            "record_id": self.record_id,
            "account": self.account,
            "rule_id": self.rule_id,
            "rule_version": self.rule_version,
            "category": self.category,
            "categories": list(self.every_category),
            "policy_clause": self.policy_clause,
            "policy_clauses": list(self.every_clause),
            "severity": self.severity,
            "score": self.score,
            "evidence": self.evidence,
            "recommended_action": self.recommended_action,
            "recipients": list(self.recipients),
            "url": self.url,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            # Its state, published again whenever it changes (the latest message per key is
            # the alert as it stands); who acted is kept in the warehouse, not sent on.
            "status": self.status,
            "acknowledged_at": _iso(self.acknowledged_at),
            "resolved_at": _iso(self.resolved_at),
            "action_taken": self.action_taken,
            "duplicate_of": self.duplicate_of,
            "record_deleted_at": _iso(self.record_deleted_at),
        }


@dataclass(frozen=True, slots=True)
class Delivery:
    """One recipient's copy of an alert in the outbox, due at a time."""

    delivery_id: str
    alert_id: str
    recipient: str
    mode: DeliveryMode
    due_at: datetime
    attempts: int = 0


@dataclass(frozen=True, slots=True)
class DueDelivery:
    """A delivery whose time has come, with its alert: what the notifier sends."""

    delivery: Delivery
    alert: Alert

    @property
    def delivery_id(self) -> str:
        return self.delivery.delivery_id

    @property
    def recipient(self) -> str:
        return self.delivery.recipient

    @property
    def mode(self) -> str:
        return self.delivery.mode

    @property
    def attempts(self) -> int:
        return self.delivery.attempts

    @property
    def severity(self) -> str:
        return self.alert.severity


@dataclass(frozen=True)
class Verdict:
    """A reviewer's verdict on an alert."""

    verdict: str
    note: str | None
    reviewer: str
    created_at: datetime


@dataclass(frozen=True)
class ReviewedAlert:
    """An alert with every verdict given on it, oldest first."""

    alert: Alert
    feedback: tuple[Verdict, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class StartedEmail:
    """An email whose deliveries and Message-ID are fixed: a send was begun and not finished.

    ``status`` is ``sending`` (the server was never given the final dot, so it cannot
    have accepted the email) or ``uncertain`` (the final dot may have reached it).
    """

    message_id: str
    status: str
    items: tuple[DueDelivery, ...]
    since: datetime | None = None
    last_error: str | None = None

    @property
    def recipient(self) -> str:
        return self.items[0].recipient

    @property
    def digest(self) -> bool:
        return self.items[0].mode == "digest"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None

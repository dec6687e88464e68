"""Staged records, detections and due deliveries for the alert tests, built by name.

Not a test module: the alert tests import these factories, so the shape of a
staged row is written in one place.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pyarrow as pa

from pipelines.staging import DETECTION_ARROW_SCHEMA, RECORD_ARROW_SCHEMA
from schemas.alerts import Alert, Delivery, DueDelivery
from schemas.vocabulary import DeliveryMode

CREATED = datetime(2026, 10, 5, 14, 0, tzinfo=UTC)
#: A category that goes with each severity, so a subject line is plausible.
CATEGORY_OF = {"critical": "threat", "high": "offensive", "medium": "misleading", "low": "policy"}


def record(
    number: int,
    text: str,
    *,
    official: bool = False,
    kind: str = "reply",
    accounts: Sequence[str] = ("uni_main",),
    parent_id: str | None = None,
    conversation_id: str | None = "x:1",
    deleted: bool = False,
) -> dict[str, Any]:
    """A staged (already redacted) record on ``accounts[0]``, by an official author or not."""
    return {
        "id": f"x:{number}",
        "platform": "x",
        "kind": kind,
        "account": accounts[0],
        "accounts": json.dumps(list(accounts)),
        "native_id": str(number),
        "parent_id": parent_id,
        "conversation_id": conversation_id,
        "author_id": "official" if official else f"pseudonym-{number}",
        "author_is_official": official,
        "text": text,
        "lang": "en",
        "created_at": CREATED,
        "observed_at": CREATED,
        "url": f"https://x.com/i/web/status/{number}",
        "deleted": deleted,
        "schema_version": 1,
        "source_partition": 0,
        "source_offset": number,
        "pii_entities": "[]",
        "text_lang": "en",
        "scored": True,
    }


def detection(
    record_id: str,
    category: str,
    score: float,
    *,
    top_terms: Sequence[str] = (),
    **evidence: Any,
) -> dict[str, Any]:
    """A staged detection; privacy's personal data ones carry ``entity_types`` instead."""
    details: dict[str, Any] = {**evidence}
    if category != "personal_data":
        details.setdefault("threshold", 0.5)
        details["top_terms"] = list(top_terms)
    return {
        "detection_id": f"{record_id}|{category}",
        "record_id": record_id,
        "account": "uni_main",
        "category": category,
        "policy_clause": "7.13" if category == "personal_data" else "7.17",
        "score": score,
        "evidence": json.dumps(details),
        "detector": "privacy" if category == "personal_data" else "classifiers",
        "detector_version": f"{category}-test-1",
    }


def records_table(rows: Sequence[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(list(rows), RECORD_ARROW_SCHEMA)


def detections_table(rows: Sequence[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(list(rows), DETECTION_ARROW_SCHEMA)


def due(
    number: int,
    severity: str = "high",
    *,
    minutes: float = 0,
    mode: DeliveryMode = "immediate",
    recipient: str = "owner@university.example",
    conversation_id: str | None = "x:100",
    account: str = "uni_main",
    attempts: int = 0,
) -> DueDelivery:
    """A due delivery of alert ``number``, raised ``minutes`` after ``CREATED``."""
    alert = Alert(
        alert_id=f"{number:016x}".ljust(64, "0"),  # emails name alerts by 16 characters
        record_id=f"x:{number}",
        account=account,
        rule_id="some-rule",
        rule_version="rules-v1",
        category=CATEGORY_OF[severity],
        policy_clause="7.17",
        severity=severity,
        score=0.9,
        evidence={"excerpt": f"excerpt {number}", "kind": "reply", "rule": {"id": "some-rule"}},
        recommended_action="Report the post and keep the evidence.",
        recipients=(recipient,),
        conversation_id=conversation_id,
        url=f"https://x.com/i/web/status/{number}",
        created_at=CREATED + timedelta(minutes=minutes),
    )
    delivery = Delivery(
        delivery_id=f"delivery-{number}-{recipient}",
        alert_id=alert.alert_id,
        recipient=recipient,
        mode=mode,
        due_at=CREATED,
        attempts=attempts,
    )
    return DueDelivery(delivery, alert)


def alert_number(alert_id: str) -> int:
    """The ``number`` a ``due`` alert was made with, from its id or the id's first 16 characters."""
    return int(alert_id[:16], 16)


def alert_numbers(message: EmailMessage) -> list[int]:
    """The alerts an email carries, in the order it lists them."""
    return [alert_number(short_id) for short_id in str(message["X-Socmon-Alerts"]).split(",")]

"""Turns a raw record into what may be stored: scoped, redacted, pseudonymised.

Also raises the privacy detection of policy 7.13: a post BY an official
account that carries personal data of someone else.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.privacy.detector import PiiDetector
from pipelines.privacy.findings import Finding
from pipelines.privacy.pseudonyms import Pseudonymizer
from pipelines.privacy.redaction import entities_json, redact
from schemas.records import Author, Detection, Record

PRIVACY_DETECTOR = "privacy"
PRIVACY_DETECTOR_VERSION = "1"


@dataclass(frozen=True, slots=True)
class ProtectedRecord:
    """A record safe to store, the entities removed from it, and any privacy detection."""

    record: Record
    pii_entities: str
    findings: tuple[Finding, ...]
    detection: Detection | None


class RecordProtector:
    """Applies scope, redaction and pseudonyms with one detector and one key."""

    def __init__(
        self,
        detector: PiiDetector,
        pseudonymizer: Pseudonymizer,
        registered_accounts: Iterable[str],
    ) -> None:
        self.detector = detector
        self.pseudonymizer = pseudonymizer
        self.registered = frozenset(registered_accounts)

    def in_scope(self, record: Record) -> bool:
        """Only records of registered official accounts (and their threads) pass."""
        return record.account in self.registered

    def protect(self, record: Record) -> ProtectedRecord:
        """Redacted text, pseudonymous author, no handle, a URL without a private handle."""
        findings: tuple[Finding, ...] = ()
        text = ""
        if not record.deleted:  # a tombstone keeps no text at all
            findings = tuple(self.detector.detect(record.text))
            text = redact(record.text, findings)
        author = record.author
        if author.is_official:
            stored_author = Author(id=author.id, handle=None, is_official=True)
        else:
            pseudonym = self.pseudonymizer.pseudonym(record.platform, author.id)
            stored_author = Author(id=pseudonym, handle=None, is_official=False)
        protected = dataclasses.replace(
            record,
            accounts=tuple(key for key in record.accounts if key in self.registered),
            text=text,
            author=stored_author,
            url=_safe_url(record),
        )
        return ProtectedRecord(
            record=protected,
            pii_entities=json.dumps(entities_json(findings)),
            findings=findings,
            detection=_official_post_with_personal_data(record, findings),
        )


def _safe_url(record: Record) -> str | None:
    """Official accounts' URLs stay; others are rebuilt from the id (no handle in them)."""
    if record.author.is_official or record.url is None:
        return record.url
    if record.platform == "x":
        return f"https://x.com/i/web/status/{record.native_id}"
    return f"https://www.facebook.com/{record.native_id}"


def _official_post_with_personal_data(
    record: Record, findings: tuple[Finding, ...]
) -> Detection | None:
    if not record.author.is_official or not findings:
        return None
    counts = Counter(finding.entity_type for finding in findings)
    evidence = {"entity_types": dict(sorted(counts.items()))}
    detection_key = f"{record.id}|{PRIVACY_DETECTOR}|personal_data"
    return Detection(
        detection_id=hashlib.sha256(detection_key.encode()).hexdigest(),
        record_id=record.id,
        account=record.account,
        category="personal_data",
        policy_clause="7.13",
        score=max(finding.confidence for finding in findings),
        evidence=json.dumps(evidence),
        detector=PRIVACY_DETECTOR,
        detector_version=PRIVACY_DETECTOR_VERSION,
    )

"""Turns a raw record into what may be stored: scoped, redacted, pseudonymised.

Also raises the privacy detection of policy 7.13: a post BY an official
account that carries personal data of someone else.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

import orjson

from pipelines.privacy.detector import PiiDetector
from pipelines.privacy.findings import Finding
from pipelines.privacy.pseudonyms import Pseudonymizer
from pipelines.privacy.redaction import entities_json, redact
from schemas.records import Author, Detection, Record
from schemas.vocabulary import DETECTION_CLAUSES

PRIVACY_DETECTOR = "privacy"
#: 2: names and addresses by the NER model (issue 13); 3: a name that names a thing is dropped
#: (``recognizers/named_things``) and the name pre-filter reads English endings; 4: the kinds of
#: words around a name say thing or person (``recognizers/name_context``), a person cue winning.
PRIVACY_DETECTOR_VERSION = "4"


@dataclass(frozen=True, slots=True)
class ProtectedRecord:
    """A record safe to store, the entities removed from it, and any privacy detection."""

    record: Record
    pii_entities: str
    detection: Detection | None
    #: Where personal data is in the RAW text: in memory only, for the classifiers' evidence.
    findings: tuple[Finding, ...] = ()


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
        self._recent: dict[tuple[str, str], str] = {}

    def in_scope(self, record: Record) -> bool:
        """Only records of registered official accounts (and their threads) pass."""
        return record.account in self.registered

    def protect(self, record: Record) -> ProtectedRecord:
        """Redacted text, pseudonymous author, no handle, a URL without a private handle."""
        return self.protect_many([record])[0]

    def protect_many(self, records: Sequence[Record]) -> list[ProtectedRecord]:
        """``protect`` for a batch: the detector's models run once over all texts."""
        live = [record for record in records if not record.deleted]
        found = iter(self.detector.detect_many([record.text for record in live]))
        return [
            self._protected(record, () if record.deleted else tuple(next(found)))
            for record in records
        ]

    def _protected(self, record: Record, findings: tuple[Finding, ...]) -> ProtectedRecord:
        text = ""  # a tombstone keeps no text at all
        if not record.deleted:
            text = redact(record.text, findings) if findings else record.text
        author = record.author
        if author.is_official:
            stored_author = Author(id=author.id, handle=None, is_official=True)
        else:
            stored_author = Author(
                id=self._pseudonym(record.platform, author.id), handle=None, is_official=False
            )
        protected = Record(
            id=record.id,
            platform=record.platform,
            kind=record.kind,
            account=record.account,
            accounts=tuple(key for key in record.accounts if key in self.registered),
            native_id=record.native_id,
            parent_id=record.parent_id,
            conversation_id=record.conversation_id,
            author=stored_author,
            text=text,
            lang=record.lang,
            created_at=record.created_at,
            observed_at=record.observed_at,
            url=_safe_url(record),
            deleted=record.deleted,
            schema_version=record.schema_version,
        )
        return ProtectedRecord(
            record=protected,
            pii_entities=orjson.dumps(entities_json(findings)).decode() if findings else "[]",
            detection=_official_post_with_personal_data(record, findings),
            findings=findings,
        )

    def _pseudonym(self, platform: str, user_id: str) -> str:
        # The same people reply again and again: remember recent pseudonyms.
        key = (platform, user_id)
        pseudonym = self._recent.get(key)
        if pseudonym is None:
            if len(self._recent) > 100_000:
                self._recent.clear()
            pseudonym = self._recent[key] = self.pseudonymizer.pseudonym(platform, user_id)
        return pseudonym


def _safe_url(record: Record) -> str | None:
    """Official accounts' URLs stay; others are rebuilt from ids alone (no handle in them).

    A Facebook comment opens on its post with the comment's id (``?comment_id=``), as the
    Graph API's own permalinks do; the post's id and the comment's are not personal data.
    """
    if record.author.is_official or record.url is None:
        return record.url
    if record.platform == "x":
        return f"https://x.com/i/web/status/{record.native_id}"
    post = (record.conversation_id or "").removeprefix("facebook:")
    if record.kind == "comment" and post and post != record.native_id:
        return f"https://www.facebook.com/{quote(post)}?comment_id={quote(record.native_id)}"
    return f"https://www.facebook.com/{quote(record.native_id)}"


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
        policy_clause=DETECTION_CLAUSES["personal_data"],
        score=max(finding.confidence for finding in findings),
        evidence=json.dumps(evidence),
        detector=PRIVACY_DETECTOR,
        detector_version=PRIVACY_DETECTOR_VERSION,
    )

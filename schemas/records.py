"""Typed records mirroring the JSON Schema files beside this module.

These frozen dataclasses are what crosses package boundaries. Conversion to
and from bytes lives in :mod:`schemas.kafka_codec`; conversion to warehouse
rows in :mod:`pipelines.staging`, by the column names :mod:`schemas.tables` declares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from schemas import DEAD_LETTER_SCHEMA_VERSION, RECORD_SCHEMA_VERSION

#: An author who is not an official account, as stored: HMAC-SHA256 in hex.
PSEUDONYM_PATTERN = r"^[0-9a-f]{64}$"

Platform = Literal["x", "facebook"]
Kind = Literal["post", "reply", "comment", "mention"]
PLATFORMS: tuple[Platform, ...] = ("x", "facebook")
KINDS: tuple[Kind, ...] = ("post", "reply", "comment", "mention")


@dataclass(frozen=True, slots=True)
class Author:
    """Who wrote an item. ``handle`` never reaches the warehouse."""

    id: str
    handle: str | None
    is_official: bool


@dataclass(frozen=True, slots=True)
class Record:
    """One post, reply, mention or comment, as carried on the records topic."""

    id: str
    platform: Platform
    kind: Kind
    account: str
    accounts: tuple[str, ...]
    native_id: str
    parent_id: str | None
    conversation_id: str | None
    author: Author
    text: str
    lang: str | None
    created_at: datetime
    observed_at: datetime
    url: str | None
    deleted: bool = False
    schema_version: int = RECORD_SCHEMA_VERSION

    @staticmethod
    def make_id(platform: Platform, native_id: str) -> str:
        """The record id: ``<platform>:<native id>``."""
        return f"{platform}:{native_id}"


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A message that could not become a record, and why.

    The original bytes are not part of this record: they stay in the
    dead-letter topic only.
    """

    topic: str
    kafka_partition: int
    kafka_offset: int
    kafka_key: str | None
    reason: str
    detail: str
    value_sha256: str
    value_size: int
    preview: str
    schema_version: int = field(default=DEAD_LETTER_SCHEMA_VERSION)


@dataclass(frozen=True, slots=True)
class Detection:
    """Something a detector found in a record that a rule may turn into an alert.

    ``evidence`` is JSON that never holds personal data (entity types and counts,
    model versions, matched rule names).
    """

    detection_id: str
    record_id: str
    account: str
    category: str
    policy_clause: str
    score: float
    evidence: str
    detector: str
    detector_version: str

"""The interface every connector implements, and what it reports about coverage.

A connector fetches what happened on one official account (or, for replay,
in a set of files) since a cursor, and yields batches of messages together
with the cursor to store once that batch is safely in Kafka. The caller owns
the cursor store (the pipelines layer keeps it in the warehouse): it is
passed in, never imported from here. After ``fetch`` is exhausted, the
connector says per stream what it covered, so "no alerts" is never mistaken
for "no abuse" when a token expired or a quota ran out.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from schemas.kafka_codec import KafkaMessage
from schemas.records import Kind, Platform

CoverageStatus = Literal["complete", "partial", "not_covered"]


@dataclass(frozen=True, slots=True)
class FetchedBatch:
    """Messages fetched in one step, and the cursor that is valid once they are delivered.

    ``next_cursor`` None means: keep the stored cursor as it is.
    """

    messages: tuple[KafkaMessage, ...]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class StreamCoverage:
    """What one stream of one account delivered in this fetch, and what it could not."""

    account: str
    stream: str
    status: CoverageStatus
    fetched: int
    newest_item_at: datetime | None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class KnownItem:
    """An item stored earlier, as the deletion check needs it to write a tombstone."""

    record_id: str
    native_id: str
    kind: Kind
    created_at: datetime
    parent_id: str | None
    conversation_id: str | None


class KnownItems(Protocol):
    """What the warehouse holds of an account's recent items (implemented by pipelines/)."""

    def recent_items(
        self, platform: Platform, account: str, since: datetime
    ) -> Sequence[KnownItem]:
        """Items of ``account`` created at or after ``since`` that are not tombstones."""
        ...


class Connector(ABC):
    """Fetches items since a cursor and yields them as Kafka messages."""

    #: Unique name, used in config, in the cursor store and in the ``connector`` header.
    name: str
    #: The account this instance fetches for (``"*"`` for connectors not tied to one).
    account: str = "*"
    #: The streams ``coverage`` reports on, in the order they are fetched (none for replay).
    streams: tuple[str, ...] = ()

    @abstractmethod
    def fetch(self, cursor: str | None) -> Iterator[FetchedBatch]:
        """Yield batches of messages newer than ``cursor``, oldest first."""

    def coverage(self) -> Sequence[StreamCoverage]:
        """Per stream, what the last ``fetch`` covered (valid once it is exhausted)."""
        return ()

    def dead_letters(self) -> Sequence[KafkaMessage]:
        """Items of the last ``fetch`` that could not be sent as records, as messages for the
        dead-letter topic whose headers give the reason (valid once ``fetch`` is exhausted)."""
        return ()

"""The interface every connector implements.

A connector fetches what happened since a cursor and yields batches of
messages together with the cursor to store once that batch is safely in
Kafka. The cursor store is passed in by the caller (the pipelines layer
implements it on the warehouse), never imported from here.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass

from schemas.kafka_codec import KafkaMessage


@dataclass(frozen=True, slots=True)
class FetchedBatch:
    """Messages fetched in one step, and the cursor that is valid once they are delivered."""

    messages: tuple[KafkaMessage, ...]
    next_cursor: str | None


class Connector(ABC):
    """Fetches items since a cursor and yields them as Kafka messages."""

    #: Unique name, used in config and in the ``connector`` message header.
    name: str

    @abstractmethod
    def fetch(self, cursor: str | None) -> Iterator[FetchedBatch]:
        """Yield batches of messages newer than ``cursor``, oldest first."""

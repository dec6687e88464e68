"""Dead letters: what could not be stored, with its reason, and whether its bytes reached the
dead-letter topic."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from pipelines.warehouse.bulk import insert_new
from pipelines.warehouse.connection import Connection, WarehouseError, now
from schemas.tables import DEAD_LETTERS

DEAD_LETTER_FATES = ("published", "source_gone")


@dataclass(frozen=True, slots=True)
class PendingDeadLetter:
    """A dead letter not yet copied to the dead-letter topic."""

    topic: str
    kafka_partition: int
    kafka_offset: int
    reason: str
    detail: str
    value_sha256: str


class DeadLetterStore:
    """Dead letters, kept once per topic and bytes."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def insert(self, dead_letters: pa.Table, run_id: str) -> int:
        """Insert dead letters not stored yet; return how many were new."""
        return insert_new(self.connection, DEAD_LETTERS, dead_letters, run_id)

    def unpublished(self) -> list[PendingDeadLetter]:
        """Dead letters not yet copied to the dead-letter topic, oldest first."""
        rows = self.connection.query_dicts(
            "SELECT topic, kafka_partition, kafka_offset, reason, detail, value_sha256 "
            "FROM dead_letters WHERE dlq_status IS NULL "
            "ORDER BY topic, kafka_partition, kafka_offset"
        )
        return [PendingDeadLetter(**row) for row in rows]

    def mark(self, letters: Sequence[PendingDeadLetter], fate: str) -> None:
        """Record what became of copying dead letters: ``published`` or ``source_gone``."""
        if fate not in DEAD_LETTER_FATES:
            raise WarehouseError(f"unknown dead-letter status {fate!r}")
        if not letters:
            return
        marked = pa.table(
            {
                "topic": [letter.topic for letter in letters],
                "value_sha256": [letter.value_sha256 for letter in letters],
            }
        )
        with self.connection.loaded("marked_dead_letters", marked):
            self.connection.execute(
                "UPDATE dead_letters SET dlq_status = ?, dlq_updated_at = ? WHERE EXISTS "
                "(SELECT 1 FROM marked_dead_letters m WHERE m.topic = dead_letters.topic "
                "AND m.value_sha256 = dead_letters.value_sha256)",
                (fate, now()),
            )

    def count_by_reason(self) -> list[dict[str, Any]]:
        """Dead letters per reason."""
        return self.connection.query_dicts(
            "SELECT reason, count(*) AS dead_letters FROM dead_letters GROUP BY reason "
            "ORDER BY reason"
        )

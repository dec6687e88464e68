"""Consumed offsets: where each partition is read from next, and whether Kafka has them too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipelines.ranges import PartitionRange
from pipelines.warehouse.connection import Connection, now

_UPSERT_OFFSET = """
INSERT INTO offsets (consumer_group, topic, kafka_partition, next_offset, cluster_id, run_id,
                     updated_at, kafka_committed)
VALUES (?, ?, ?, ?, ?, ?, ?, FALSE)
ON CONFLICT (consumer_group, topic, kafka_partition) DO UPDATE SET
    next_offset = excluded.next_offset, cluster_id = excluded.cluster_id, run_id = excluded.run_id,
    updated_at = excluded.updated_at, kafka_committed = FALSE
"""


@dataclass(frozen=True, slots=True)
class StoredOffset:
    """The next offset to read for one partition, as the warehouse has it."""

    consumer_group: str
    topic: str
    kafka_partition: int
    next_offset: int
    cluster_id: str | None


class OffsetStore:
    """Offsets stored with the cluster they belong to, copied to the Kafka group afterwards."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def stored(self, consumer_group: str, topic: str) -> dict[int, tuple[int, str | None]]:
        """Next offset to read, and the cluster it belongs to, per partition read before."""
        rows = self.connection.execute(
            "SELECT kafka_partition, next_offset, cluster_id FROM offsets "
            "WHERE consumer_group = ? AND topic = ?",
            (consumer_group, topic),
        )
        return {int(partition): (int(offset), cluster) for partition, offset, cluster in rows}

    def advance(
        self,
        consumer_group: str,
        ranges: Sequence[PartitionRange],
        cluster_id: str | None,
        run_id: str,
    ) -> None:
        """Move each partition read to the end of its furthest range (inside the commit)."""
        stamp = now()
        self.connection.execute_many(
            _UPSERT_OFFSET,
            [
                (consumer_group, piece.topic, piece.partition, piece.end, cluster_id, run_id, stamp)
                for piece in furthest_ends(ranges)
            ],
        )

    def not_in_kafka(self, consumer_group: str) -> list[StoredOffset]:
        """Offsets committed here but not yet copied to the Kafka consumer group."""
        rows = self.connection.query_dicts(
            "SELECT consumer_group, topic, kafka_partition, next_offset, cluster_id FROM offsets "
            "WHERE consumer_group = ? AND NOT kafka_committed ORDER BY topic, kafka_partition",
            (consumer_group,),
        )
        return [StoredOffset(**row) for row in rows]

    def mark_in_kafka(self, offsets: Sequence[StoredOffset]) -> None:
        """Flag offsets as copied to Kafka, unless a later run has moved them since."""
        with self.connection.transaction():
            self.connection.execute_many(
                "UPDATE offsets SET kafka_committed = TRUE WHERE consumer_group = ? AND topic = ? "
                "AND kafka_partition = ? AND next_offset = ?",
                [(o.consumer_group, o.topic, o.kafka_partition, o.next_offset) for o in offsets],
            )


def furthest_ends(ranges: Sequence[PartitionRange]) -> list[PartitionRange]:
    """A partition split into several pieces advances to the end of its last piece."""
    furthest: dict[tuple[str, int], PartitionRange] = {}
    for piece in ranges:
        key = (piece.topic, piece.partition)
        if key not in furthest or piece.end > furthest[key].end:
            furthest[key] = piece
    return list(furthest.values())

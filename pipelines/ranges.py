"""Offset ranges: what a run reads from each partition, fixed at the run's start."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class PartitionRange:
    """Offsets ``start`` (inclusive) to ``end`` (exclusive) of one partition."""

    topic: str
    partition: int
    start: int
    end: int

    @property
    def size(self) -> int:
        """How many offsets the range spans (gaps such as compaction may make fewer records)."""
        return max(0, self.end - self.start)

    def to_json(self) -> dict[str, Any]:
        """A JSON-friendly dict."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PartitionRange:
        """Inverse of :meth:`to_json`."""
        return cls(str(data["topic"]), int(data["partition"]), int(data["start"]), int(data["end"]))


def split_range(whole: PartitionRange, max_span: int) -> list[PartitionRange]:
    """Cut a range into pieces of at most ``max_span`` offsets, so readers can share the work."""
    if max_span < 1:
        raise ValueError("max_span must be at least 1")
    pieces = []
    for start in range(whole.start, whole.end, max_span):
        pieces.append(
            PartitionRange(whole.topic, whole.partition, start, min(start + max_span, whole.end))
        )
    return pieces

"""Offset ranges: what a run reads from each partition, fixed at the run's start."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from itertools import pairwise
from math import ceil
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


def read_pieces(
    ranges: Sequence[PartitionRange], max_span: int, readers: int = 1
) -> list[PartitionRange]:
    """Cut ranges into the pieces a run's readers share.

    Each range becomes near-equal pieces of at most ``max_span`` offsets (no short last
    piece), and the number of pieces in all is rounded up to a multiple of ``readers`` by
    cutting the ranges with the largest pieces once more: with one piece more than a multiple
    of the readers, every reader but one would sit idle while the last piece is read (on two
    Dask workers, 21 pieces of 100,000 records left one worker idle for a piece's 1.3 s)."""
    if max_span < 1:
        raise ValueError("max_span must be at least 1")
    if readers < 1:
        raise ValueError("readers must be at least 1")
    wholes = [whole for whole in ranges if whole.size]
    counts = [ceil(whole.size / max_span) for whole in wholes]
    wanted = ceil(sum(counts) / readers) * readers
    while sum(counts) < wanted:
        cuttable = [i for i, whole in enumerate(wholes) if counts[i] < whole.size]
        if not cuttable:
            break
        largest = max(cuttable, key=lambda i: wholes[i].size / counts[i])
        counts[largest] += 1
    return [
        piece
        for whole, count in zip(wholes, counts, strict=True)
        for piece in _equal_pieces(whole, count)
    ]


def _equal_pieces(whole: PartitionRange, count: int) -> list[PartitionRange]:
    bounds = [whole.start + whole.size * i // count for i in range(count + 1)]
    return [
        PartitionRange(whole.topic, whole.partition, start, end) for start, end in pairwise(bounds)
    ]

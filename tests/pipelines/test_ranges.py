"""Which offsets a run reads: from the stored offset to the high-water mark, or from the start."""

from __future__ import annotations

from itertools import pairwise

import pytest

from pipelines.kafka_admin import fix_ranges
from pipelines.ranges import PartitionRange, read_pieces


def test_a_run_continues_from_stored_offsets() -> None:
    ranges = fix_ranges("t", {0: 0, 1: 0}, {0: 100, 1: 50}, {0: (40, "c1"), 1: (50, "c1")}, "c1")
    assert ranges == [PartitionRange("t", 0, 40, 100), PartitionRange("t", 1, 50, 50)]


def test_never_read_partitions_start_at_their_earliest_offset() -> None:
    assert fix_ranges("t", {0: 7}, {0: 20}, {}, "c1") == [PartitionRange("t", 0, 7, 20)]


def test_an_offset_beyond_the_end_means_a_new_broker(caplog: pytest.LogCaptureFixture) -> None:
    ranges = fix_ranges("t", {0: 0}, {0: 10}, {0: (500, None)}, None)
    assert ranges == [PartitionRange("t", 0, 0, 10)]
    assert "beyond the end" in caplog.text


def test_offsets_of_another_cluster_are_not_trusted(caplog: pytest.LogCaptureFixture) -> None:
    # The new broker already holds MORE records than the old offset: only the cluster id tells.
    ranges = fix_ranges("t", {0: 0}, {0: 900}, {0: (500, "old-cluster")}, "new-cluster")
    assert ranges == [PartitionRange("t", 0, 0, 900)]
    assert "from cluster old-cluster" in caplog.text


def test_pieces_cover_each_range_without_overlap_in_near_equal_parts() -> None:
    pieces = read_pieces([PartitionRange("t", 2, 10, 35)], 10)
    assert [(p.start, p.end) for p in pieces] == [(10, 18), (18, 26), (26, 35)]
    assert read_pieces([PartitionRange("t", 2, 5, 5)], 10) == []


@pytest.mark.parametrize("readers", [1, 2, 3, 5])
def test_pieces_keep_every_reader_busy_to_the_end(readers: int) -> None:
    # Three partitions as the throughput benchmark has them: 21 pieces of at most 5,000.
    ranges = [
        PartitionRange("t", 0, 0, 33_334),
        PartitionRange("t", 1, 0, 33_333),
        PartitionRange("t", 2, 100, 33_433),
    ]
    pieces = read_pieces(ranges, 5_000, readers)
    assert len(pieces) % readers == 0 and len(pieces) >= 21
    assert max(piece.size for piece in pieces) <= 5_000
    for whole in ranges:
        own = [piece for piece in pieces if piece.partition == whole.partition]
        assert own[0].start == whole.start and own[-1].end == whole.end
        assert all(a.end == b.start for a, b in pairwise(own))
        assert max(p.size for p in own) - min(p.size for p in own) <= 1


def test_no_more_pieces_than_offsets() -> None:
    pieces = read_pieces([PartitionRange("t", 0, 0, 3)], 1000, readers=8)
    assert [(p.start, p.end) for p in pieces] == [(0, 1), (1, 2), (2, 3)]


def test_readers_and_span_must_be_positive() -> None:
    with pytest.raises(ValueError, match="readers"):
        read_pieces([PartitionRange("t", 0, 0, 3)], 10, readers=0)
    with pytest.raises(ValueError, match="max_span"):
        read_pieces([PartitionRange("t", 0, 0, 3)], 0)

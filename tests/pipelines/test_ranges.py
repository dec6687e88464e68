"""Which offsets a run reads: from the stored offset to the high-water mark, or from the start."""

from __future__ import annotations

import pytest

from pipelines.kafka_admin import fix_ranges
from pipelines.ranges import PartitionRange, split_range


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


def test_split_range_covers_the_whole_range_without_overlap() -> None:
    pieces = split_range(PartitionRange("t", 2, 10, 35), 10)
    assert [(p.start, p.end) for p in pieces] == [(10, 20), (20, 30), (30, 35)]
    assert split_range(PartitionRange("t", 2, 5, 5), 10) == []

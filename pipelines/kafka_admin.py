"""Kafka questions the use cases ask outside the Beam graph: cluster id, partition ends, ranges.

A run fixes, at its start, the offset range of every partition: from the
offset stored in the warehouse to the partition's high-water mark.
The high-water mark is taken from fetch responses (``consumer.highwater``),
not from ListOffsets: it is what every Kafka-protocol broker reports
correctly, Tansu included.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from pipelines.ranges import PartitionRange
from schemas.errors import SocmonError

log = logging.getLogger(__name__)


class KafkaReadError(SocmonError):
    """A partition could not be read as far as the run's range says."""


def consumer_settings(bootstrap_servers: str, client_id: str) -> dict[str, Any]:
    """kafka-python settings for a fast, group-less, manually assigned reader."""
    return {
        "bootstrap_servers": bootstrap_servers,
        "client_id": client_id,
        "group_id": None,
        "enable_auto_commit": False,
        "auto_offset_reset": "none",
        "fetch_max_bytes": 64 * 1024 * 1024,
        "max_partition_fetch_bytes": 16 * 1024 * 1024,
        "fetch_max_wait_ms": 100,
        "max_poll_records": 50_000,
        "check_crcs": True,
    }


def cluster_id_of(bootstrap_servers: str, connect_timeout_ms: int = 5_000) -> str | None:
    """The cluster id the broker reports, to tell one cluster from another.

    The first question a run asks the broker, so an unreachable one is said here, in
    one sentence (``BrokerUnreachable``), after ``connect_timeout_ms``.
    """
    from connectors.topics import admin_client

    admin = admin_client(bootstrap_servers, connect_timeout_ms)
    try:
        cluster_id = admin.describe_cluster().get("cluster_id")
        return str(cluster_id) if cluster_id else None
    finally:
        admin.close()


def high_water_marks(
    bootstrap_servers: str, topic: str, timeout_s: float = 30.0
) -> tuple[dict[int, int], dict[int, int]]:
    """Per partition: (earliest offset, high-water mark), learnt from a fetch."""
    from kafka import KafkaConsumer, TopicPartition

    settings = consumer_settings(bootstrap_servers, "socmon-range-probe")
    # One small fetch per partition is enough to learn its high-water mark.
    settings.update(max_partition_fetch_bytes=1, fetch_max_wait_ms=10)
    consumer = KafkaConsumer(**settings)
    try:
        partition_ids = consumer.partitions_for_topic(topic)
        if not partition_ids:
            raise KafkaReadError(f"topic {topic} does not exist or has no partitions")
        partitions = [TopicPartition(topic, number) for number in sorted(partition_ids)]
        consumer.assign(partitions)
        earliest = consumer.beginning_offsets(partitions)
        consumer.seek_to_beginning(*partitions)
        deadline = time.monotonic() + timeout_s
        while True:
            marks = {tp.partition: consumer.highwater(tp) for tp in partitions}
            if all(mark is not None for mark in marks.values()):
                break
            # A partition whose mark is known is paused, so its buffered records are not
            # drained one poll at a time and the next fetches go to the others.
            consumer.pause(*(tp for tp in partitions if marks[tp.partition] is not None))
            if time.monotonic() > deadline:
                missing = sorted(number for number, mark in marks.items() if mark is None)
                raise KafkaReadError(f"no fetch response for {topic} partitions {missing}")
            consumer.poll(timeout_ms=100, max_records=1)
        return (
            {tp.partition: int(earliest[tp]) for tp in partitions},
            {number: int(mark) for number, mark in marks.items() if mark is not None},
        )
    finally:
        consumer.close()


def fix_ranges(
    topic: str,
    earliest: Mapping[int, int],
    high_water: Mapping[int, int],
    stored: Mapping[int, tuple[int, str | None]],
    cluster_id: str | None,
) -> list[PartitionRange]:
    """The range each partition is read over in this run.

    Reading starts at the stored offset. It starts over from the earliest
    offset when the stored offset belongs to another cluster, or lies beyond
    the partition's end (the broker was replaced, e.g. a restarted in-memory
    broker); records already stored are then upserts that change nothing.
    """
    ranges = []
    for partition in sorted(high_water):
        end = high_water[partition]
        first = earliest.get(partition, 0)
        start = first
        if partition in stored:
            offset, stored_cluster = stored[partition]
            if (
                stored_cluster is not None
                and cluster_id is not None
                and stored_cluster != cluster_id
            ):
                log.warning(
                    "%s[%d]: stored offset %d is from cluster %s, broker is %s; reading from %d",
                    topic,
                    partition,
                    offset,
                    stored_cluster,
                    cluster_id,
                    first,
                )
            elif offset > end:
                log.warning(
                    "%s[%d]: stored offset %d is beyond the end %d (new broker?); reading from %d",
                    topic,
                    partition,
                    offset,
                    end,
                    first,
                )
            else:
                start = max(offset, first)
        ranges.append(PartitionRange(topic, partition, start, max(start, end)))
    return ranges

"""A bounded read of Kafka partitions for the Beam pipeline.

A run fixes, at its start, the offset range of every partition: from the
offset stored in the warehouse to the partition's high-water mark.
:func:`fix_ranges` works the ranges out; :class:`ReadPartitionRange` is the
DoFn that reads one range and emits its messages in batches (one element per
batch, so Beam's per-element cost is paid per thousands of messages).

The high-water mark is taken from fetch responses (``consumer.highwater``),
not from ListOffsets: it is what every Kafka-protocol broker reports
correctly, Tansu included.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import apache_beam as beam
import pyarrow as pa
from apache_beam.metrics.metric import Metrics

from pipelines.ranges import PartitionRange
from schemas.errors import SocmonError

log = logging.getLogger(__name__)


class KafkaReadError(SocmonError):
    """A partition could not be read as far as the run's range says."""


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One message as read: where it was and its bytes (the value may be anything)."""

    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


#: A batch of raw messages as it travels through the pipeline: four Arrow
#: columns, cheap to hand between steps (a list of objects would be encoded
#: one object at a time whenever the runner samples element sizes).
RAW_BATCH_SCHEMA = pa.schema(
    [
        ("partition", pa.int32()),
        ("offset", pa.int64()),
        ("key", pa.binary()),
        ("value", pa.binary()),
    ]
)


def raw_batch(
    partition: int, offsets: list[int], keys: list[bytes | None], values: list[bytes | None]
) -> pa.Table:
    """Pack messages of one partition into a raw batch table."""
    return pa.Table.from_arrays(
        [
            pa.array([partition] * len(offsets), type=pa.int32()),
            pa.array(offsets, type=pa.int64()),
            pa.array(keys, type=pa.binary()),
            pa.array(values, type=pa.binary()),
        ],
        schema=RAW_BATCH_SCHEMA,
    )


def raw_messages(batch: pa.Table) -> Iterator[RawMessage]:
    """Unpack a raw batch table into messages."""
    columns = [batch.column(name).to_pylist() for name in RAW_BATCH_SCHEMA.names]
    for partition, offset, key, value in zip(*columns, strict=True):
        yield RawMessage(partition, offset, key, value)


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


def cluster_id_of(bootstrap_servers: str) -> str | None:
    """The cluster id the broker reports, to tell one cluster from another."""
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="socmon-admin")
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


class ReadPartitionRange(beam.DoFn):
    """Reads one fixed offset range and emits raw batch tables (``RAW_BATCH_SCHEMA``)."""

    def __init__(self, bootstrap_servers: str, batch_size: int, poll_timeout_s: float) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.batch_size = batch_size
        self.poll_timeout_s = poll_timeout_s
        self.messages_read = Metrics.counter("socmon", "records_read")
        self._consumer: Any = None

    def setup(self) -> None:
        from kafka import KafkaConsumer

        self._consumer = KafkaConsumer(**consumer_settings(self.bootstrap_servers, "socmon-reader"))

    def teardown(self) -> None:
        if self._consumer is not None:
            self._consumer.close()

    def process(self, piece: PartitionRange) -> Iterator[pa.Table]:
        for batch in read_range(self._consumer, piece, self.batch_size, self.poll_timeout_s):
            self.messages_read.inc(batch.num_rows)
            yield batch


def read_range(
    consumer: Any, piece: PartitionRange, batch_size: int, poll_timeout_s: float
) -> Iterator[pa.Table]:
    """Read ``piece`` with an assigned consumer, in batches of at most ``batch_size``."""
    from kafka import TopicPartition

    if piece.size == 0:
        return
    partition = TopicPartition(piece.topic, piece.partition)
    consumer.assign([partition])
    consumer.seek(partition, piece.start)
    offsets: list[int] = []
    keys: list[bytes | None] = []
    values: list[bytes | None] = []
    last_progress = time.monotonic()
    position = piece.start
    while position < piece.end:
        polled = consumer.poll(timeout_ms=200)
        messages = polled.get(partition, [])
        if messages:
            last_progress = time.monotonic()
        for message in messages:
            if message.offset >= piece.end:
                break
            offsets.append(message.offset)
            keys.append(message.key)
            values.append(message.value)
            if len(offsets) >= batch_size:
                yield raw_batch(piece.partition, offsets, keys, values)
                offsets, keys, values = [], [], []
        position = consumer.position(partition)
        if time.monotonic() - last_progress > poll_timeout_s:
            raise KafkaReadError(
                f"{piece.topic}[{piece.partition}] stalled at offset {position}, "
                f"range ends at {piece.end}"
            )
    if offsets:
        yield raw_batch(piece.partition, offsets, keys, values)

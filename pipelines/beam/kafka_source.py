"""A bounded read of Kafka partitions for the Beam pipeline.

A run fixes, at its start, the offset range of every partition
(:func:`pipelines.kafka_admin.fix_ranges`); :class:`ReadPartitionRange` is the
DoFn that reads one range and emits its messages in batches (one element per
batch, so Beam's per-element cost is paid per thousands of messages).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import apache_beam as beam
import pyarrow as pa
from apache_beam.metrics.metric import Metrics

from pipelines.kafka_admin import KafkaReadError, consumer_settings
from pipelines.ranges import PartitionRange

log = logging.getLogger(__name__)


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

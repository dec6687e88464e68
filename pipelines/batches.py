"""Plain functions the pipeline applies to batches of messages: parse, shard, keep the latest.

No Beam here, so they are tested directly; :mod:`pipelines.transforms`
wraps them in DoFns.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence

from pipelines.kafka_source import RawMessage
from pipelines.staging import RECORD_COLUMNS, StagedRow, dead_letter_to_row, record_to_row
from schemas.errors import RecordRejected
from schemas.kafka_codec import dead_letter_for, decode_record

_ID = RECORD_COLUMNS.index("id")
_OBSERVED_AT = RECORD_COLUMNS.index("observed_at")
_PARTITION = RECORD_COLUMNS.index("source_partition")
_OFFSET = RECORD_COLUMNS.index("source_offset")


def parse_messages(
    messages: Iterable[RawMessage], topic: str
) -> tuple[list[StagedRow], list[StagedRow]]:
    """Split messages into warehouse rows of valid records and rows of dead letters."""
    records: list[StagedRow] = []
    dead_letters: list[StagedRow] = []
    for message in messages:
        try:
            record = decode_record(message.value, message.key)
        except RecordRejected as rejected:
            dead_letter = dead_letter_for(
                rejected,
                topic=topic,
                partition=message.partition,
                offset=message.offset,
                key=message.key,
                value=message.value,
            )
            dead_letters.append(dead_letter_to_row(dead_letter))
            continue
        records.append(record_to_row(record, message.partition, message.offset))
    return records, dead_letters


def id_bucket(record_id: str, buckets: int) -> int:
    """A stable shard for a record id (the same in every process and run)."""
    return zlib.crc32(record_id.encode("utf-8")) % buckets


def split_by_bucket(rows: Sequence[StagedRow], buckets: int) -> dict[int, list[StagedRow]]:
    """Group rows by the shard of their id."""
    shards: dict[int, list[StagedRow]] = {}
    for row in rows:
        shards.setdefault(id_bucket(row[_ID], buckets), []).append(row)
    return shards


def keep_latest(rows: Iterable[StagedRow]) -> tuple[list[StagedRow], int]:
    """One row per id: the latest observed (ties: the later offset). Returns (rows, duplicates)."""
    latest: dict[str, StagedRow] = {}
    seen = 0
    for row in rows:
        seen += 1
        current = latest.get(row[_ID])
        if current is None or _version(row) > _version(current):
            latest[row[_ID]] = row
    kept = sorted(latest.values(), key=lambda row: row[_ID])
    return kept, seen - len(kept)


def _version(row: StagedRow) -> tuple[object, int, int]:
    return (row[_OBSERVED_AT], row[_PARTITION], row[_OFFSET])

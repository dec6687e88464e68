"""Plain functions the pipeline applies to batches of messages: parse, shard, keep the latest.

Batches travel between pipeline steps as Arrow tables: one element per
thousands of records, serialised as a few buffers instead of field by field.
No Beam here, so these are tested directly; :mod:`pipelines.beam.transforms`
wraps them in DoFns.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from classifiers.model_set import ClassifierSet
from pipelines.beam.kafka_source import RawMessage
from pipelines.beam.scoring import NOT_SCORED, RecordVerdict, score_records
from pipelines.privacy.protect import ProtectedRecord, RecordProtector
from pipelines.staging import (
    DEAD_LETTER_ARROW_SCHEMA,
    DETECTION_ARROW_SCHEMA,
    OUT_OF_SCOPE_ARROW_SCHEMA,
    RECORD_ARROW_SCHEMA,
    StagedRow,
    dead_letter_to_row,
    detection_to_row,
    record_to_row,
    rows_to_table,
)
from schemas.errors import RecordRejected
from schemas.kafka_codec import dead_letter_for, decode_record
from schemas.records import Record

#: Order that puts the version to keep first within each id.
_LATEST_FIRST = [
    ("id", "ascending"),
    ("observed_at", "descending"),
    ("source_partition", "descending"),
    ("source_offset", "descending"),
]


@dataclass(frozen=True)
class ParsedBatch:
    """A batch split four ways: stored records, dead letters, out of scope, detections."""

    records: pa.Table
    dead_letters: pa.Table
    out_of_scope: pa.Table
    detections: pa.Table


def parse_messages(
    messages: Iterable[RawMessage],
    topic: str,
    protector: RecordProtector,
    classifiers: ClassifierSet | None = None,
) -> ParsedBatch:
    """Validate, scope, score and protect each message; the raw text never leaves this function.

    The classifiers see the raw text (redaction would hide the words that matter) of the
    whole batch at once; only their verdicts are kept.
    """
    records: list[StagedRow] = []
    dead_letters: list[StagedRow] = []
    out_of_scope: list[StagedRow] = []
    detections: list[StagedRow] = []
    kept: list[tuple[Record, ProtectedRecord, RawMessage]] = []
    in_scope: list[tuple[Record, RawMessage]] = []
    for message in messages:
        try:
            record = decode_record(message.value, message.key)
        except RecordRejected as rejected:
            dead_letters.append(_dead_letter_row(rejected, topic, message))
            continue
        if not protector.in_scope(record):
            out_of_scope.append((record.id, record.account, message.partition, message.offset))
            continue
        in_scope.append((record, message))
    # One detector call for the batch: its NER model runs on all texts at once.
    all_protected = protector.protect_many([record for record, _ in in_scope])
    for (record, message), protected in zip(in_scope, all_protected, strict=True):
        left = protector.detector.leftovers(protected.record.text)
        if left:
            # Set aside, not stored and not stopping the batch at the gate's backstop.
            leak = RecordRejected(
                "personal_data_left", f"stored text would still hold: {', '.join(left)}"
            )
            dead_letters.append(_dead_letter_row(leak, topic, message))
            continue
        kept.append((record, protected, message))
        if protected.detection is not None:
            detections.append(detection_to_row(protected.detection, record.observed_at))
    kept, verdicts = _scored(kept, classifiers, topic, dead_letters)
    for (record, protected, message), verdict in zip(kept, verdicts, strict=True):
        records.append(
            record_to_row(
                protected.record,
                message.partition,
                message.offset,
                protected.pii_entities,
                verdict.lang,
                verdict.scored,
            )
        )
        detections.extend(
            detection_to_row(detection, record.observed_at) for detection in verdict.detections
        )
    return ParsedBatch(
        records=rows_to_table(records, RECORD_ARROW_SCHEMA),
        dead_letters=rows_to_table(dead_letters, DEAD_LETTER_ARROW_SCHEMA),
        out_of_scope=rows_to_table(out_of_scope, OUT_OF_SCOPE_ARROW_SCHEMA),
        detections=rows_to_table(detections, DETECTION_ARROW_SCHEMA),
    )


Kept = tuple[Record, ProtectedRecord, RawMessage]
#: What a model can raise on a text it chokes on (a bug, odd input, a huge text).
SCORING_ERRORS = (ValueError, ArithmeticError, IndexError, KeyError, TypeError, MemoryError)


def _scored(
    kept: list[Kept],
    classifiers: ClassifierSet | None,
    topic: str,
    dead_letters: list[StagedRow],
) -> tuple[list[Kept], list[RecordVerdict]]:
    """The classifiers' verdicts on the batch; if scoring the batch fails, each record is
    scored alone and one that still fails is set aside, so it cannot stop the partition."""
    if classifiers is None or not kept:
        return kept, [NOT_SCORED] * len(kept)
    try:
        return kept, score_records(classifiers, [k[0] for k in kept], [k[1].findings for k in kept])
    except SCORING_ERRORS:
        pass
    survivors: list[Kept] = []
    verdicts: list[RecordVerdict] = []
    for item in kept:
        try:
            [verdict] = score_records(classifiers, [item[0]], [item[1].findings])
        except SCORING_ERRORS as error:
            failed = RecordRejected(
                "scoring_failed", f"the classifiers failed: {type(error).__name__}"
            )
            dead_letters.append(_dead_letter_row(failed, topic, item[2]))
            continue
        survivors.append(item)
        verdicts.append(verdict)
    return survivors, verdicts


def _dead_letter_row(rejected: RecordRejected, topic: str, message: RawMessage) -> StagedRow:
    dead_letter = dead_letter_for(
        rejected,
        topic=topic,
        partition=message.partition,
        offset=message.offset,
        key=message.key,
        value=message.value,
    )
    return dead_letter_to_row(dead_letter)


def id_bucket(record_id: str, buckets: int) -> int:
    """A stable shard for a record id (the same in every process and run)."""
    return zlib.crc32(record_id.encode("utf-8")) % buckets


def split_by_bucket(records: pa.Table, buckets: int) -> dict[int, pa.Table]:
    """Split a table of records by the shard of their id; empty shards are left out."""
    shard_of_row = pa.array(
        [id_bucket(record_id, buckets) for record_id in records.column("id").to_pylist()],
        type=pa.int32(),
    )
    shards = {}
    for bucket in range(buckets):
        shard = records.filter(pc.equal(shard_of_row, bucket))
        if shard.num_rows:
            shards[bucket] = shard
    return shards


def keep_latest(tables: Iterable[pa.Table]) -> tuple[pa.Table, int]:
    """One row per id: the latest observed (ties: the later partition and offset).

    Returns the kept rows, sorted by id, and how many duplicates were dropped.
    """
    combined = pa.concat_tables(list(tables) or [RECORD_ARROW_SCHEMA.empty_table()])
    if combined.num_rows == 0:
        return combined, 0
    ordered = combined.sort_by(_LATEST_FIRST)
    ids = ordered.column("id").combine_chunks()
    first_of_id = pa.concat_arrays(
        [pa.array([True]), pc.not_equal(ids.slice(1), ids.slice(0, len(ids) - 1))]
    )
    kept = ordered.filter(first_of_id)
    return kept, combined.num_rows - kept.num_rows

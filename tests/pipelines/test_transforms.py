"""The pipeline's DoFns on a TestPipeline: parse, shard, deduplicate and stage, without Kafka."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import apache_beam as beam
import pyarrow.parquet as pq
import pytest
from apache_beam.testing import test_pipeline
from apache_beam.testing.util import assert_that, equal_to

from pipelines.beam.kafka_source import raw_batch
from pipelines.beam.transforms import (
    DETECTIONS,
    READ_RECEIPTS,
    RECORDS,
    KeyByStagedFile,
    ParseBatch,
    StageFile,
)
from pipelines.privacy.spec import ProtectionSpec
from pipelines.settings.privacy import PrivacySettings
from pipelines.staging import staged_run_from_files
from schemas.kafka_codec import encode_record
from testing.synthetic import generate_records

PROTECTION = ProtectionSpec(
    PrivacySettings(), ("uni_main", "uni_research", "uni_students"), ("UniOfficial",)
)


def test_batches_from_two_partitions_are_deduplicated_and_staged(tmp_path: Path) -> None:
    records = list(generate_records(40))
    edited = dataclasses.replace(
        records[3], text="edited", observed_at=records[3].observed_at + timedelta(minutes=5)
    )
    first = [encode_record(record, "t") for record in records[:25]]
    second = [encode_record(record, "t") for record in [*records[20:], edited]]
    batches = [
        raw_batch(0, list(range(len(first))), [m.key for m in first], [m.value for m in first]),
        raw_batch(
            1,
            list(range(len(second) + 1)),
            [m.key for m in second] + [None],
            [m.value for m in second] + [b"\xff not utf-8"],
        ),
    ]
    directory = str(tmp_path)
    with test_pipeline.TestPipeline() as pipeline:
        staged = (
            pipeline
            | beam.Create(batches)
            | beam.ParDo(ParseBatch("records", PROTECTION))
            | beam.ParDo(KeyByStagedFile(3))
            | beam.GroupByKey()
            | beam.ParDo(StageFile(directory))
            | beam.Map(lambda path: Path(path).name)
        )
        # Both batches' dead letters in one file; every version of an id in its shard's file;
        # what each batch read in the receipts' file.
        expected = [
            "dead_letters-0000.parquet",
            "read_receipts-0000.parquet",
            *(f"records-{n:04d}.parquet" for n in range(3)),
        ]
        assert_that(staged, equal_to(expected))

    # No metrics (as on Dask): the messages read are the receipts' count, not the outputs'.
    staged = staged_run_from_files("run", tmp_path, (), None)
    assert staged.records_read == len(first) + len(second) + 1 == 47
    assert staged.records_staged == 40  # 25 + 21 - 5 overlapping - 1 edit of an id already there
    assert staged.duplicates == 6
    assert staged.dead_letters == 1
    assert staged.reconciles()
    receipts = pq.read_table(tmp_path / "read_receipts-0000.parquet").to_pylist()
    assert receipts == [
        {"kafka_partition": 0, "first_offset": 0, "last_offset": 24, "messages": 25},
        {"kafka_partition": 1, "first_offset": 0, "last_offset": 21, "messages": 22},
    ]
    rows = [row for path in staged.record_files for row in pq.read_table(path).to_pylist()]
    assert next(row for row in rows if row["id"] == records[3].id)["text"] == "edited"
    assert len({row["id"] for row in rows}) == 40


def test_records_are_keyed_by_shard_and_other_kinds_by_their_one_file() -> None:
    messages = [encode_record(record, "t") for record in generate_records(30)]
    batch = raw_batch(0, list(range(30)), [m.key for m in messages], [m.value for m in messages])
    parse = ParseBatch("records", PROTECTION)
    parse.setup()
    try:
        [(kind, table), (receipt_kind, receipt)] = list(parse.process(batch))
    finally:
        parse.teardown()
    assert kind == RECORDS
    assert receipt_kind == READ_RECEIPTS and receipt["messages"].to_pylist() == [30]
    assert list(KeyByStagedFile(4).process((READ_RECEIPTS, receipt))) == [
        ((READ_RECEIPTS, 0), receipt)
    ]
    key = KeyByStagedFile(4)
    shards = list(key.process((RECORDS, table)))
    assert sorted(shard for (_, shard), _ in shards) == [0, 1, 2, 3]
    assert {name for (name, _), _ in shards} == {RECORDS}
    assert sum(part.num_rows for _, part in shards) == 30
    assert list(key.process((DETECTIONS, table))) == [((DETECTIONS, 0), table)]
    with pytest.raises(ValueError, match="known: records, dead_letters"):
        list(key.process(("dead_letter", table)))


def test_a_staged_file_lost_without_metrics_fails_reconciliation(tmp_path: Path) -> None:
    messages = [encode_record(record, "t") for record in generate_records(30)]
    batch = raw_batch(0, list(range(30)), [m.key for m in messages], [m.value for m in messages])
    with test_pipeline.TestPipeline() as pipeline:
        _ = (
            pipeline
            | beam.Create([batch])
            | beam.ParDo(ParseBatch("records", PROTECTION))
            | beam.ParDo(KeyByStagedFile(3))
            | beam.GroupByKey()
            | beam.ParDo(StageFile(str(tmp_path)))
        )
    assert staged_run_from_files("run", tmp_path, (), None).reconciles()

    lost = sorted(tmp_path.glob("records-*.parquet"))[0]
    short = pq.read_metadata(lost).num_rows
    lost.unlink()  # a task's output that never reached the staging place

    staged = staged_run_from_files("run", tmp_path, (), None)
    assert (staged.records_read, staged.records_staged) == (30, 30 - short)
    assert not staged.reconciles()

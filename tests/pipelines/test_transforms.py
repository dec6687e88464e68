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
    DEAD_LETTERS,
    RECORDS,
    ParseBatch,
    ShardById,
    StageLatestRecords,
    StageSideTable,
    TablesOf,
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
        parsed = pipeline | beam.Create(batches) | beam.ParDo(ParseBatch("records", PROTECTION))
        staged = (
            parsed
            | "Records" >> beam.ParDo(TablesOf(RECORDS))
            | beam.ParDo(ShardById(3))
            | beam.GroupByKey()
            | beam.ParDo(StageLatestRecords(directory))
            | "Count" >> beam.combiners.Count.Globally()
        )
        dead = (
            parsed
            | "DeadLetters" >> beam.ParDo(TablesOf(DEAD_LETTERS))
            | beam.Map(lambda table: (0, table))
            | "GroupDead" >> beam.GroupByKey()
            | beam.ParDo(StageSideTable(directory, DEAD_LETTERS))
            | beam.Map(lambda path: Path(path).name)
        )
        assert_that(staged, equal_to([3]), label="three shards staged")
        assert_that(dead, equal_to(["dead_letters-0000.parquet"]), label="dead letters staged")

    staged = staged_run_from_files("run", tmp_path, (), None)
    assert staged.records_staged == 40  # 25 + 21 - 5 overlapping - 1 edit of an id already there
    assert staged.duplicates == 6
    assert staged.dead_letters == 1
    rows = [row for path in staged.record_files for row in pq.read_table(path).to_pylist()]
    assert next(row for row in rows if row["id"] == records[3].id)["text"] == "edited"
    assert len({row["id"] for row in rows}) == 40


def test_tables_of_selects_one_kind_and_refuses_unknown_kinds() -> None:
    batch = raw_batch(0, [0], [None], [b"x"])
    select = TablesOf(DEAD_LETTERS)
    assert list(select.process((DEAD_LETTERS, batch))) == [batch]
    assert list(select.process((RECORDS, batch))) == []
    with pytest.raises(ValueError, match="known: records, dead_letters"):
        TablesOf("dead_letter")

"""The pipeline's DoFns: thin adapters that count what they do and call :mod:`pipelines.batches`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.metrics import Metrics

from pipelines.batches import keep_latest, parse_messages, split_by_bucket
from pipelines.kafka_source import RawMessage
from pipelines.staging import (
    DEAD_LETTER_ARROW_SCHEMA,
    RECORD_ARROW_SCHEMA,
    StagedRow,
    rows_to_table,
    write_staged_table,
)

DEAD_LETTERS = "dead_letters"


class ParseBatch(beam.DoFn):  # type: ignore[misc]
    """Valid records go to the main output (a list of rows); the rest to ``dead_letters``."""

    def __init__(self, topic: str) -> None:
        self.topic = topic
        self.valid = Metrics.counter("socmon", "records_valid")
        self.rejected = Metrics.counter("socmon", "dead_letters")

    def process(self, batch: list[RawMessage]) -> Iterator[Any]:
        records, dead_letters = parse_messages(batch, self.topic)
        self.valid.inc(len(records))
        self.rejected.inc(len(dead_letters))
        if records:
            yield records
        if dead_letters:
            yield pvalue.TaggedOutput(DEAD_LETTERS, dead_letters)


class ShardById(beam.DoFn):  # type: ignore[misc]
    """Splits a batch of rows into (shard, rows) so that each id meets its duplicates."""

    def __init__(self, buckets: int) -> None:
        self.buckets = buckets

    def process(self, rows: list[StagedRow]) -> Iterator[tuple[int, list[StagedRow]]]:
        yield from split_by_bucket(rows, self.buckets).items()


class StageLatestRecords(beam.DoFn):  # type: ignore[misc]
    """Keeps the latest version of each id in a shard and stages it as one Parquet file."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.duplicates = Metrics.counter("socmon", "duplicates")

    def process(self, shard: tuple[int, Iterable[list[StagedRow]]]) -> Iterator[str]:
        bucket, batches = shard
        rows, duplicates = keep_latest(row for batch in batches for row in batch)
        self.duplicates.inc(duplicates)
        path = Path(self.directory) / f"records-{bucket:04d}.parquet"
        write_staged_table(rows_to_table(rows, RECORD_ARROW_SCHEMA), path, duplicates)
        yield str(path)


class StageDeadLetters(beam.DoFn):  # type: ignore[misc]
    """Stages every dead letter of the run as one Parquet file."""

    def __init__(self, directory: str) -> None:
        self.directory = directory

    def process(self, grouped: tuple[int, Iterable[list[StagedRow]]]) -> Iterator[str]:
        _, batches = grouped
        rows = sorted((row for batch in batches for row in batch), key=lambda row: (row[1], row[2]))
        path = Path(self.directory) / "dead_letters-0000.parquet"
        write_staged_table(rows_to_table(rows, DEAD_LETTER_ARROW_SCHEMA), path)
        yield str(path)

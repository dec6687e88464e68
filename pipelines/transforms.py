"""The pipeline's DoFns: thin adapters that count what they do and call :mod:`pipelines.batches`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import apache_beam as beam
import pyarrow as pa
from apache_beam import pvalue
from apache_beam.metrics.metric import Metrics

from pipelines.batches import keep_latest, parse_messages, split_by_bucket
from pipelines.kafka_source import raw_messages
from pipelines.staging import DEAD_LETTER_ARROW_SCHEMA, write_staged_table

DEAD_LETTERS = "dead_letters"


class ParseBatch(beam.DoFn):
    """Valid records go to the main output (an Arrow table); the rest to ``dead_letters``."""

    def __init__(self, topic: str) -> None:
        self.topic = topic
        self.valid = Metrics.counter("socmon", "records_valid")
        self.rejected = Metrics.counter("socmon", "dead_letters")

    def process(self, batch: pa.Table) -> Iterator[Any]:
        records, dead_letters = parse_messages(raw_messages(batch), self.topic)
        self.valid.inc(records.num_rows)
        self.rejected.inc(dead_letters.num_rows)
        if records.num_rows:
            yield records
        if dead_letters.num_rows:
            yield pvalue.TaggedOutput(DEAD_LETTERS, dead_letters)


class ShardById(beam.DoFn):
    """Splits a table of records into (shard, table) so that each id meets its duplicates."""

    def __init__(self, buckets: int) -> None:
        self.buckets = buckets

    def process(self, records: pa.Table) -> Iterator[tuple[int, pa.Table]]:
        yield from split_by_bucket(records, self.buckets).items()


class StageLatestRecords(beam.DoFn):
    """Keeps the latest version of each id in a shard and stages it as one Parquet file."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.duplicates = Metrics.counter("socmon", "duplicates")

    def process(self, shard: tuple[int, Iterable[pa.Table]]) -> Iterator[str]:
        bucket, tables = shard
        kept, duplicates = keep_latest(tables)
        self.duplicates.inc(duplicates)
        path = Path(self.directory) / f"records-{bucket:04d}.parquet"
        write_staged_table(kept, path, duplicates)
        yield str(path)


class StageDeadLetters(beam.DoFn):
    """Stages every dead letter of the run as one Parquet file, in offset order."""

    def __init__(self, directory: str) -> None:
        self.directory = directory

    def process(self, grouped: tuple[int, Iterable[pa.Table]]) -> Iterator[str]:
        _, tables = grouped
        combined = pa.concat_tables(list(tables) or [DEAD_LETTER_ARROW_SCHEMA.empty_table()])
        ordered = combined.sort_by(
            [("kafka_partition", "ascending"), ("kafka_offset", "ascending")]
        )
        path = Path(self.directory) / "dead_letters-0000.parquet"
        write_staged_table(ordered, path)
        yield str(path)

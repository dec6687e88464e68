"""The pipeline's DoFns: thin adapters that count what they do and call the batch functions.

The functions live in :mod:`pipelines.beam.batches`; the DoFns only load, count and emit.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import apache_beam as beam
import pyarrow as pa
from apache_beam import pvalue
from apache_beam.metrics.metric import Metrics

from classifiers.model_set import ClassifierSet
from pipelines.beam.batches import keep_latest, parse_messages, split_by_bucket
from pipelines.beam.kafka_source import raw_messages
from pipelines.beam.scoring import ScoringSpec
from pipelines.privacy.protect import RecordProtector
from pipelines.privacy.spec import ProtectionSpec
from pipelines.staging import SIDE_TABLES, write_staged_table

DEAD_LETTERS = "dead_letters"
OUT_OF_SCOPE = "out_of_scope"
DETECTIONS = "detections"


class ParseBatch(beam.DoFn):
    """Valid, in-scope records — redacted and pseudonymised — go to the main output.

    Dead letters, out-of-scope records and detections (privacy and classifiers) go to
    tagged outputs. The classifiers, like the protector, are loaded once per worker.
    """

    def __init__(
        self, topic: str, protection: ProtectionSpec, scoring: ScoringSpec | None = None
    ) -> None:
        self.topic = topic
        self.protection = protection
        self.scoring = scoring
        self.valid = Metrics.counter("socmon", "records_valid")
        self.rejected = Metrics.counter("socmon", "dead_letters")
        self.skipped = Metrics.counter("socmon", "out_of_scope")
        self.unscored = Metrics.counter("socmon", "records_unscored")
        self._protector: RecordProtector | None = None
        self._classifiers: ClassifierSet | None = None

    def setup(self) -> None:
        self._protector = self.protection.build()
        self._classifiers = self.scoring.build() if self.scoring else None
        # The protector and models live as long as the worker: keep the garbage collector
        # from walking their objects again at every full collection (a tenth of the
        # pipeline's time on the process benchmark); ``teardown`` hands them back.
        gc.freeze()

    def teardown(self) -> None:
        gc.unfreeze()

    def process(self, batch: pa.Table) -> Iterator[Any]:
        assert self._protector is not None, "setup() builds the protector"
        parsed = parse_messages(raw_messages(batch), self.topic, self._protector, self._classifiers)
        self.valid.inc(parsed.records.num_rows)
        self.rejected.inc(parsed.dead_letters.num_rows)
        self.skipped.inc(parsed.out_of_scope.num_rows)
        if parsed.records.num_rows:
            yield parsed.records
        for tag, table in (
            (DEAD_LETTERS, parsed.dead_letters),
            (OUT_OF_SCOPE, parsed.out_of_scope),
            (DETECTIONS, parsed.detections),
        ):
            if table.num_rows:
                yield pvalue.TaggedOutput(tag, table)


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


class StageSideTable(beam.DoFn):
    """Stages every row of one side table (dead letters, out of scope, detections) as one file."""

    def __init__(self, directory: str, name: str) -> None:
        self.directory = directory
        self.name = name

    def process(self, grouped: tuple[int, Iterable[pa.Table]]) -> Iterator[str]:
        _, tables = grouped
        schema = SIDE_TABLES[self.name]
        combined = pa.concat_tables(list(tables) or [schema.empty_table()])
        first_columns = [(name, "ascending") for name in schema.names[:3]]
        path = Path(self.directory) / f"{self.name}-0000.parquet"
        write_staged_table(combined.sort_by(first_columns), path)
        yield str(path)

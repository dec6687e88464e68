"""The Beam pipeline: read fixed Kafka ranges, parse and validate, deduplicate, stage.

It has no side effects beyond the files it stages under
``<staging_dir>/<run_id>/``; the commit step (:mod:`pipelines.warehouse.commit`) turns
those into warehouse rows in one transaction.

Shape::

    ranges ─ Reshuffle ─ Read ─ Parse+Protect ─┬─ ShardById ─ GroupByKey ─ StageLatestRecords
                                               ├─ dead letters ─ GroupByKey ─ StageSideTable
                                               ├─ out of scope ─ GroupByKey ─ StageSideTable
                                               └─ detections ─── GroupByKey ─ StageSideTable

Parse+Protect validates each message, drops records of unregistered accounts,
detects personal data in the raw text (in memory only), and emits redacted
text with pseudonymous authors: nothing raw is staged.

Elements are batches of messages, not single messages, so the runner's
per-element overhead is paid once per batch. Deduplication shards rows by a
stable hash of the record id, so every version of an id meets in one shard,
whatever partition it came from.

Runs on the DirectRunner by default (``socmon process``); pass runner
options after ``--``, e.g. ``socmon process -- --direct_running_mode=multi_processing
--direct_num_workers=2``, or ``--runner=FlinkRunner --flink_master=host:8081``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import apache_beam as beam
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.pvalue import PCollection

from pipelines.beam.kafka_source import ReadPartitionRange
from pipelines.beam.scoring import ScoringSpec
from pipelines.beam.transforms import (
    DEAD_LETTERS,
    DETECTIONS,
    OUT_OF_SCOPE,
    ParseBatch,
    ShardById,
    StageLatestRecords,
    StageSideTable,
)
from pipelines.privacy.spec import ProtectionSpec
from pipelines.ranges import PartitionRange, split_range
from pipelines.staging import StagedRun, staged_run_from_files
from schemas.errors import SocmonError

log = logging.getLogger(__name__)


class ReconciliationError(SocmonError):
    """What the pipeline read does not add up to what it staged."""


class StageRun(beam.PTransform[PCollection[PartitionRange], PCollection[str]]):
    """Turns offset ranges into staged Parquet files; outputs the staged paths."""

    def __init__(
        self,
        *,
        topic: str,
        bootstrap_servers: str,
        directory: Path,
        batch_size: int,
        buckets: int,
        poll_timeout_s: float,
        protection: ProtectionSpec,
        scoring: ScoringSpec | None = None,
    ) -> None:
        super().__init__()
        self.protection = protection
        self.scoring = scoring
        self.topic = topic
        self.bootstrap_servers = bootstrap_servers
        self.directory = str(directory)
        self.batch_size = batch_size
        self.buckets = buckets
        self.poll_timeout_s = poll_timeout_s

    def expand(self, ranges: PCollection[PartitionRange]) -> PCollection[str]:
        parsed = (
            ranges
            | "Spread" >> beam.Reshuffle()
            | "Read"
            >> beam.ParDo(
                ReadPartitionRange(self.bootstrap_servers, self.batch_size, self.poll_timeout_s)
            )
            | "ParseAndProtect"
            >> beam.ParDo(ParseBatch(self.topic, self.protection, self.scoring)).with_outputs(
                DEAD_LETTERS, OUT_OF_SCOPE, DETECTIONS, main="records"
            )
        )
        staged_records = (
            parsed.records
            | "ShardById" >> beam.ParDo(ShardById(self.buckets))
            | "GroupShards" >> beam.GroupByKey()
            | "StageRecords" >> beam.ParDo(StageLatestRecords(self.directory))
        )
        staged_side_tables = [
            parsed[name]
            | f"Key{name}" >> beam.Map(lambda table: (0, table))
            | f"Gather{name}" >> beam.GroupByKey()
            | f"Stage{name}" >> beam.ParDo(StageSideTable(self.directory, name))
            for name in (DEAD_LETTERS, OUT_OF_SCOPE, DETECTIONS)
        ]
        staged: PCollection[str] = (staged_records, *staged_side_tables) | "StagedFiles" >> (
            beam.Flatten()
        )
        return staged


def run_pipeline(
    *,
    run_id: str,
    ranges: Sequence[PartitionRange],
    bootstrap_servers: str,
    staging_dir: Path,
    batch_size: int,
    buckets: int,
    max_range_span: int,
    poll_timeout_s: float,
    runner_options: Sequence[str],
    protection: ProtectionSpec,
    scoring: ScoringSpec | None = None,
) -> StagedRun:
    """Run the pipeline over ``ranges`` and return the manifest of what it staged."""
    directory = staging_dir / run_id
    pieces = [piece for whole in ranges for piece in split_range(whole, max_range_span)]
    topic = ranges[0].topic
    options = PipelineOptions(list(runner_options))
    pipeline = beam.Pipeline(options=options)
    _ = (
        pipeline
        | "Ranges" >> beam.Create(pieces)
        | "StageRun"
        >> StageRun(
            topic=topic,
            bootstrap_servers=bootstrap_servers,
            directory=directory,
            batch_size=batch_size,
            buckets=buckets,
            poll_timeout_s=poll_timeout_s,
            protection=protection,
            scoring=scoring,
        )
    )
    result = pipeline.run()
    result.wait_until_finish()
    manifest = staged_run_from_files(
        run_id, directory, tuple(ranges), _counter(result, "records_read")
    )
    if not manifest.reconciles():
        raise ReconciliationError(
            f"run {run_id}: read {manifest.records_read} but staged {manifest.records_staged} "
            f"+ duplicates {manifest.duplicates} + out of scope {manifest.out_of_scope} "
            f"+ dead letters {manifest.dead_letters}"
        )
    manifest.save()
    return manifest


def _counter(result: beam.runners.runner.PipelineResult, name: str) -> int | None:
    try:
        query = result.metrics().query(MetricsFilter().with_namespace("socmon").with_name(name))
    except (NotImplementedError, AttributeError):
        return None
    counters = query.get("counters", [])
    if not counters:
        return None
    total = 0
    for counter in counters:
        value = counter.committed if counter.committed is not None else counter.attempted
        total += int(value or 0)
    return total

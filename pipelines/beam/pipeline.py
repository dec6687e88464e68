"""The Beam pipeline: read fixed Kafka ranges, parse and validate, deduplicate, stage.

It has no side effects beyond the files it stages under
``<staging_dir>/<run_id>/``; the commit step (:mod:`pipelines.warehouse.commit`) turns
those into warehouse rows in one transaction.

Shape::

    ranges ─ Reshuffle ─ Read ─ Parse+Protect ─ KeyByStagedFile ─ GroupByKey ─ StageFile

Parse+Protect emits ``(kind, table)`` pairs (records, dead letters, out of scope,
detections) rather than tagged outputs, which the DaskRunner does not keep apart;
``KeyByStagedFile`` keys each table by the file it is staged in (records by the shard of
their ids, each other kind in one file), so one ``GroupByKey`` gathers them all: on Dask
a shuffle costs about pieces² scheduler tasks, and one is cheaper than one per kind.

Parse+Protect validates each message, drops records of unregistered accounts,
detects personal data in the raw text (in memory only), and emits redacted
text with pseudonymous authors: nothing raw is staged.

Elements are batches of messages, not single messages, so the runner's
per-element overhead is paid once per batch. Deduplication shards rows by a
stable hash of the record id, so every version of an id meets in one shard,
whatever partition it came from.

Runs on the DirectRunner by default (``socmon process``); pass runner
options after ``--``, e.g. ``socmon process -- --direct_running_mode=multi_processing
--direct_num_workers=2``, or ``--runner=FlinkRunner --flink_master=host:8081``, or a Dask
cluster: ``--runner=apache_beam.runners.dask.dask_runner.DaskRunner
--dask_client_address=tcp://scheduler:8786`` (Beam 2.77 knows it by its full path only).

On the DaskRunner each element of ``Ranges`` is its own Dask partition unless
``--dask_npartitions`` or ``--dask_partition_size`` says otherwise (Beam's default puts up to
128 elements in one partition, and its Reshuffle does nothing, so one worker would read every
range), and the run's ``records_read`` is counted from the staged files, since that runner
returns no metrics. The staging directory may be a URL (``s3://bucket/staging``) that every
worker can reach.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path

import apache_beam as beam
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.pvalue import PCollection

from pipelines.beam.kafka_source import ReadPartitionRange
from pipelines.beam.readers import is_dask, reader_slots
from pipelines.beam.scoring import ScoringSpec
from pipelines.beam.transforms import KeyByStagedFile, ParseBatch, StageFile
from pipelines.phases import PhaseClock
from pipelines.privacy.spec import ProtectionSpec
from pipelines.quality.parts import RecordChecks
from pipelines.ranges import PartitionRange, read_pieces
from pipelines.staging import StagedRun, staged_path, staged_run_from_files
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
        directory: str | Path,
        batch_size: int,
        buckets: int,
        poll_timeout_s: float,
        protection: ProtectionSpec,
        scoring: ScoringSpec | None = None,
        checks: RecordChecks | None = None,
    ) -> None:
        super().__init__()
        self.protection = protection
        self.scoring = scoring
        self.checks = checks
        self.topic = topic
        self.bootstrap_servers = bootstrap_servers
        self.directory = str(directory)
        self.batch_size = batch_size
        self.buckets = buckets
        self.poll_timeout_s = poll_timeout_s

    def expand(self, ranges: PCollection[PartitionRange]) -> PCollection[str]:
        staged: PCollection[str] = (
            ranges
            | "Spread" >> beam.Reshuffle()
            | "Read"
            >> beam.ParDo(
                ReadPartitionRange(self.bootstrap_servers, self.batch_size, self.poll_timeout_s)
            )
            | "ParseAndProtect" >> beam.ParDo(ParseBatch(self.topic, self.protection, self.scoring))
            | "KeyByStagedFile" >> beam.ParDo(KeyByStagedFile(self.buckets))
            | "GatherFiles" >> beam.GroupByKey()
            | "StageFiles" >> beam.ParDo(StageFile(self.directory, self.checks))
        )
        return staged


def run_pipeline(
    *,
    run_id: str,
    ranges: Sequence[PartitionRange],
    bootstrap_servers: str,
    staging_dir: str | Path,
    batch_size: int,
    buckets: int,
    max_range_span: int,
    poll_timeout_s: float,
    runner_options: Sequence[str],
    protection: ProtectionSpec,
    scoring: ScoringSpec | None = None,
    checks: RecordChecks | None = None,
    clock: PhaseClock | None = None,
) -> StagedRun:
    """Run the pipeline over ``ranges`` and return the manifest of what it staged.

    ``checks``, when given, are the records suites, run on each staged records file where it
    is written (the workers, on a cluster); the commit step merges their results.
    ``clock`` times its phases: ``pipeline.submit`` (building the graph and handing it to the
    runner; the DirectRunner runs it all here), ``pipeline.wait`` and ``pipeline.manifest``.
    """
    clock = clock or PhaseClock()
    with clock.phase("pipeline"):
        return _run_pipeline(
            run_id=run_id,
            ranges=ranges,
            bootstrap_servers=bootstrap_servers,
            staging_dir=staging_dir,
            batch_size=batch_size,
            buckets=buckets,
            max_range_span=max_range_span,
            poll_timeout_s=poll_timeout_s,
            runner_options=runner_options,
            protection=protection,
            scoring=scoring,
            checks=checks,
            clock=clock,
        )


def _run_pipeline(
    *,
    run_id: str,
    ranges: Sequence[PartitionRange],
    bootstrap_servers: str,
    staging_dir: str | Path,
    batch_size: int,
    buckets: int,
    max_range_span: int,
    poll_timeout_s: float,
    runner_options: Sequence[str],
    protection: ProtectionSpec,
    scoring: ScoringSpec | None,
    checks: RecordChecks | None,
    clock: PhaseClock,
) -> StagedRun:
    directory = staged_path(staging_dir, run_id)
    topic = ranges[0].topic
    options = PipelineOptions(with_runner_defaults(runner_options))
    with clock.phase("pipeline.submit"):
        pieces = read_pieces(ranges, max_range_span, reader_slots(runner_options))
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
                checks=checks,
            )
        )
        result = pipeline.run()
    try:
        with clock.phase("pipeline.wait"):
            _wait_until_finish(result)
    finally:
        with clock.phase("pipeline.close"):
            _close_runner_client(result)
    with clock.phase("pipeline.manifest"):
        records_read = _counter(result, "records_read")
        if records_read is None:
            log.info("the runner reports no metrics: records read are counted from staged files")
        manifest = staged_run_from_files(run_id, directory, tuple(ranges), records_read)
        if not manifest.reconciles():
            raise ReconciliationError(
                f"run {run_id}: read {manifest.records_read} but staged "
                f"{manifest.records_staged} + duplicates {manifest.duplicates} + out of scope "
                f"{manifest.out_of_scope} + dead letters {manifest.dead_letters}"
            )
        manifest.save()
    return manifest


def with_runner_defaults(runner_options: Sequence[str]) -> list[str]:
    """The runner options, plus one range piece per Dask partition when the DaskRunner is
    chosen without a partitioning (its default puts up to 128 pieces on one worker)."""
    options = list(runner_options)
    partitioned = any(
        option.startswith(("--dask_npartitions", "--dask_partition_size")) for option in options
    )
    if is_dask(options) and not partitioned:
        options.append("--dask_partition_size=1")
    return options


#: Statuses of a Dask future whose task may still run (a lost result is computed again).
_DASK_RUNNING = ("pending", "lost")


def _wait_until_finish(result: beam.runners.runner.PipelineResult) -> None:
    """Wait for the run; raise its error if it failed.

    The DaskRunner's own wait gathers the graph's result (the staged paths, which
    ``staged_run_from_files`` lists anyway) into the client, and that gather returned 1-4 s
    after the last task had ended on the two-worker benchmark, with every process idle. So on
    Dask the futures' statuses are watched instead (updated by the scheduler as tasks end);
    only a failed future's result is fetched, to raise the task's error here.
    """
    futures = getattr(result, "futures", None)
    if futures is None:
        result.wait_until_finish()
        return
    while any(future.status in _DASK_RUNNING for future in futures):
        time.sleep(0.01)
    for future in futures:
        if future.status != "finished":
            future.result()  # raises what the task raised
            raise PipelineFailed(f"a Dask task of the pipeline ended {future.status}")


class PipelineFailed(SocmonError):
    """A runner reported the pipeline unfinished without an error of its own."""


def _close_runner_client(result: beam.runners.runner.PipelineResult) -> None:
    # The DaskRunner's result holds the cluster client it opened and never closes it.
    client = getattr(result, "client", None)
    if client is not None and hasattr(client, "close"):
        client.close()


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

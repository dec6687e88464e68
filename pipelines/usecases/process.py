"""`socmon process`: one exactly-once pass from the records topic into the warehouse.

1. Finish what an earlier run left after its commit (dead letters to copy,
   group offsets to commit).
2. Fix the read ranges: stored offset → high-water mark, per partition.
3. Run the Beam pipeline, which stages Parquet files and a manifest.
4. Build alerts, check the batch, then commit records, dead letters, alerts, offsets and
   the run row in ONE transaction (:mod:`pipelines.warehouse.commit`).
5. Copy dead letters and alerts to their topics and offsets to the Kafka group.

A crash before 4 leaves the offsets where they were, so the next run reads
the same range again; the upsert by record id makes that harmless. A crash
after 4 leaves flags that step 1 of the next run acts on.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pipelines.audit import component_versions
from pipelines.beam.pipeline import run_pipeline
from pipelines.config import Settings
from pipelines.kafka_admin import cluster_id_of, fix_ranges, high_water_marks
from pipelines.logs import log_fields
from pipelines.phases import PhaseClock, PhaseTiming
from pipelines.quality.parts import RecordChecks, staged_record_results
from pipelines.quality.results import DqResult
from pipelines.quality.volume import volume_checks
from pipelines.ranges import PartitionRange
from pipelines.staging import remove_staged, remove_stale_runs, staged_path
from pipelines.steps import reached
from pipelines.usecases.after_commit import finish_after_commit
from pipelines.usecases.commit_step import check_quality, log_warnings, with_alerts
from pipelines.usecases.compose import ProcessPlan, process_plan
from pipelines.usecases.patterns import raise_pattern_alerts
from pipelines.usecases.reference import keep_reference_tables
from pipelines.warehouse import Warehouse, open_warehouse
from pipelines.warehouse.commit import CommitCounts, StagedTables, commit_run, finish_empty_run

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProcessResult:
    """What one `socmon process` did."""

    run_id: str
    ranges: tuple[PartitionRange, ...]
    records_read: int
    duplicates: int
    dead_letters: int
    out_of_scope: int
    counts: CommitCounts
    dq_warnings: tuple[DqResult, ...] = ()
    #: Wall-clock and CPU seconds of each phase of the run, in the order they ended.
    phases: tuple[PhaseTiming, ...] = ()

    @property
    def records_stored(self) -> int:
        """Distinct records written or found already stored."""
        return self.counts.stored

    def reconciles(self) -> bool:
        """Records read = stored + suppressed + duplicates + out of scope + dead letters."""
        accounted = (
            self.records_stored
            + self.counts.suppressed
            + self.duplicates
            + self.out_of_scope
            + self.dead_letters
        )
        return self.records_read == accounted


def new_run_id() -> str:
    """Sortable, unique run id: UTC time plus a random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def process(
    settings: Settings,
    extra_runner_options: Sequence[str] = (),
    warehouse: Warehouse | None = None,
) -> ProcessResult:
    """One pass with these settings (the warehouse opened here unless one is given)."""
    plan = process_plan(settings)
    if warehouse is not None:
        keep_reference_tables(warehouse, settings)
        return run_process(plan, warehouse, extra_runner_options)
    with open_warehouse(settings.warehouse, writer="process") as opened:
        keep_reference_tables(opened, settings)
        return run_process(plan, opened, extra_runner_options)


def run_process(
    plan: ProcessPlan, warehouse: Warehouse, extra_runner_options: Sequence[str] = ()
) -> ProcessResult:
    """Run one pass; raise on failure after marking the run failed."""
    run_id = new_run_id()
    with log_fields(stage="process", run_id=run_id):
        return _run_process(plan, warehouse, run_id, extra_runner_options)


def _run_process(
    plan: ProcessPlan, warehouse: Warehouse, run_id: str, extra_runner_options: Sequence[str]
) -> ProcessResult:
    clock = PhaseClock()
    try:
        with clock.phase("start"):
            warehouse.runs.start(run_id, "process", component_versions())
            cluster_id = cluster_id_of(plan.bootstrap_servers, plan.kafka.connect_timeout_ms)
            finish_after_commit(warehouse, plan.bootstrap_servers, plan.kafka, cluster_id)
        with clock.phase("ranges"):
            ranges = _fix_ranges(plan, warehouse, cluster_id)
        if sum(piece.size for piece in ranges) == 0:
            return _nothing_new(plan, warehouse, run_id, ranges, cluster_id)
        result = _stage_and_commit(
            plan, warehouse, run_id, ranges, cluster_id, extra_runner_options, clock
        )
        _log_result(result)
        return result
    except BaseException as error:
        # What a failed run staged holds redacted records out of reach of `socmon erase`:
        # the next run reads the same ranges again, so nothing is lost by removing it.
        remove_staged(staged_path(plan.pipeline.staging_dir, run_id))
        try:
            warehouse.runs.fail(run_id, f"{type(error).__name__}: {error}")
        except Exception:  # the original error matters more than the bookkeeping
            log.exception("could not mark run %s failed", run_id)
        raise


def _fix_ranges(
    plan: ProcessPlan, warehouse: Warehouse, cluster_id: str | None
) -> tuple[PartitionRange, ...]:
    topic = plan.kafka.records_topic.name
    earliest, high_water = high_water_marks(
        plan.bootstrap_servers, topic, plan.pipeline.poll_timeout_s
    )
    stored = warehouse.offsets.stored(plan.kafka.consumer_group, topic)
    ranges = tuple(fix_ranges(topic, earliest, high_water, stored, cluster_id))
    log.info(
        "reading %s", ", ".join(f"{r.topic}[{r.partition}] {r.start}..{r.end}" for r in ranges)
    )
    return ranges


def _nothing_new(
    plan: ProcessPlan,
    warehouse: Warehouse,
    run_id: str,
    ranges: tuple[PartitionRange, ...],
    cluster_id: str | None,
) -> ProcessResult:
    # Nothing new is exactly when a silent account must be noticed.
    zone = ZoneInfo(plan.alerting.settings.timezone)
    volume = volume_checks(warehouse.quality, plan.account_keys, {}, {}, zone=zone)
    warehouse.quality.record(run_id, volume)
    finish_empty_run(warehouse, run_id, ranges, plan.audit, plan.kafka.consumer_group, cluster_id)
    raise_pattern_alerts(warehouse, plan.alerting, run_id)
    quiet = tuple(result for result in volume if not result.success)
    log_warnings(quiet)
    return ProcessResult(run_id, ranges, 0, 0, 0, 0, CommitCounts(0, 0, 0, 0), quiet)


def _stage_and_commit(
    plan: ProcessPlan,
    warehouse: Warehouse,
    run_id: str,
    ranges: tuple[PartitionRange, ...],
    cluster_id: str | None,
    extra_runner_options: Sequence[str],
    clock: PhaseClock,
) -> ProcessResult:
    settings = plan.pipeline
    clauses = tuple(plan.alerting.rules.policy.clauses)
    allowed = (*plan.protection.privacy.allow_list, *plan.protection.official_handles)
    with clock.phase("remove_stale_staging"):
        remove_stale_runs(settings.staging_dir, keep=run_id)
    staged = run_pipeline(
        run_id=run_id,
        ranges=ranges,
        bootstrap_servers=plan.bootstrap_servers,
        staging_dir=settings.staging_dir,
        batch_size=settings.read_batch_size,
        buckets=settings.id_buckets,
        max_range_span=settings.max_range_span,
        poll_timeout_s=settings.poll_timeout_s,
        runner_options=[*settings.runner_options, *extra_runner_options],
        protection=plan.protection,
        scoring=plan.scoring,
        checks=RecordChecks(plan.account_keys, clauses, allowed, now=datetime.now(UTC)),
        clock=clock,
    )
    reached("after_staging")
    with clock.phase("note_staged"):
        warehouse.runs.note_staged(
            run_id,
            {
                "records_read": staged.records_read,
                "duplicates": staged.duplicates,
                "dead_letters": staged.dead_letters,
                "out_of_scope": staged.out_of_scope,
            },
            staged.ranges,
        )
    with clock.phase("read_staged"):
        tables = StagedTables.read(staged)
    with clock.phase("build_alerts"):
        tables = with_alerts(tables, plan.alerting, warehouse)
    with clock.phase("quality_gate"):
        warnings = check_quality(
            warehouse,
            run_id,
            tables,
            plan.account_keys,
            clauses,
            plan.operations,
            allowed,
            zone=ZoneInfo(plan.alerting.settings.timezone),
            record_results=staged_record_results(staged.record_checks),
        )
    with clock.phase("commit_transaction"):
        counts = commit_run(
            warehouse, staged, tables, plan.kafka.consumer_group, cluster_id, plan.audit
        )
    reached("after_commit")
    with clock.phase("pattern_alerts"):
        raise_pattern_alerts(warehouse, plan.alerting, run_id)
    with clock.phase("after_commit"):
        finish_after_commit(warehouse, plan.bootstrap_servers, plan.kafka, cluster_id)
    with clock.phase("analytics_copy"):
        copy = warehouse.connection.publish_for_readers()
    if copy is not None:
        log.info("analytics copy published at %s", copy)
    with clock.phase("remove_staging"):
        remove_staged(staged.directory)
    return ProcessResult(
        run_id,
        ranges,
        staged.records_read,
        staged.duplicates,
        staged.dead_letters,
        staged.out_of_scope,
        counts,
        tuple(warnings),
        clock.timings,
    )


def _log_result(result: ProcessResult) -> None:
    counts = result.counts
    log.info(
        "run %s: read %d, stored %d (new %d, updated %d, unchanged %d), duplicates %d, "
        "out of scope %d, erased earlier %d, dead letters %d; personal data redacted: %s",
        result.run_id,
        result.records_read,
        counts.stored,
        counts.inserted,
        counts.updated,
        counts.unchanged,
        result.duplicates,
        result.out_of_scope,
        counts.suppressed,
        result.dead_letters,
        counts.entity_counts or "none",
    )

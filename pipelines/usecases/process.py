"""`socmon process`: one exactly-once pass from the records topic into the warehouse.

1. Finish what an earlier run left after its commit (dead letters to copy,
   group offsets to commit).
2. Fix the read ranges: stored offset → high-water mark, per partition.
3. Run the Beam pipeline, which stages Parquet files and a manifest.
4. Commit: records, dead letters, offsets and the run row in ONE transaction.
5. Copy dead letters to their topic and offsets to the Kafka group.

A crash before 4 leaves the offsets where they were, so the next run reads
the same range again; the upsert by record id makes that harmless. A crash
after 4 leaves flags that step 1 of the next run acts on.
"""

from __future__ import annotations

import getpass
import logging
import platform
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from pipelines import __version__
from pipelines.alerts.stage import rules_for, with_alerts
from pipelines.beam.pipeline import run_pipeline
from pipelines.beam.scoring import ScoringSpec
from pipelines.config import ConfigError, Settings
from pipelines.kafka_admin import cluster_id_of, fix_ranges, high_water_marks
from pipelines.privacy.pseudonyms import PseudonymKeyError, key_from_environment
from pipelines.privacy.spec import ProtectionSpec
from pipelines.quality.gate import validate_tables
from pipelines.quality.notify import notify_operations
from pipelines.quality.results import DataQualityError, DqResult
from pipelines.quality.volume import volume_checks
from pipelines.ranges import PartitionRange
from pipelines.staging import StagedRun
from pipelines.steps import reached
from pipelines.usecases.after_commit import (
    commit_group_offsets,
    publish_alerts,
    publish_dead_letters,
)
from pipelines.warehouse import open_warehouse
from pipelines.warehouse.base import AuditEntry, CommitCounts, StagedTables, Warehouse
from schemas import RECORD_SCHEMA_VERSION

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


def component_versions() -> dict[str, str]:
    """Versions recorded with every run."""
    versions = {"socmon": __version__, "record_schema": str(RECORD_SCHEMA_VERSION)}
    for package in ("apache-beam", "kafka-python", "duckdb", "psycopg", "pyarrow"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "absent"
    versions["python"] = platform.python_version()
    return versions


def new_run_id() -> str:
    """Sortable, unique run id: UTC time plus a random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def require_bootstrap(settings: Settings) -> str:
    """The broker address, or a config error saying how to get one."""
    if not settings.kafka.bootstrap_servers:
        raise ConfigError(
            "kafka.bootstrap_servers is not set: start one with `socmon broker` and set "
            "SOCMON_KAFKA__BOOTSTRAP_SERVERS, or use `socmon run`, which starts an embedded broker"
        )
    return settings.kafka.bootstrap_servers


def protection_spec(settings: Settings) -> ProtectionSpec:
    """What the pipeline needs to protect records; checks the pseudonym key is set."""
    try:
        key_from_environment()
    except PseudonymKeyError as error:
        raise ConfigError(f"privacy.pseudonym_key: {error}") from None
    return ProtectionSpec(
        privacy=settings.privacy,
        account_keys=tuple(account.key for account in settings.accounts),
        official_handles=tuple(account.handle for account in settings.accounts),
    )


def audit_entry(settings: Settings, command: str) -> AuditEntry:
    """The audit facts of a command run with these settings."""
    return AuditEntry(
        command=command,
        accounts=tuple(account.key for account in settings.accounts),
        versions=component_versions(),
        config_digest=settings.digest(),
        operator=_operator(),
    )


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def process(settings: Settings, extra_runner_options: Sequence[str] = ()) -> ProcessResult:
    """Run one pass; raise on failure after marking the run failed."""
    bootstrap = require_bootstrap(settings)
    protection = protection_spec(settings)
    rules = rules_for(settings)  # a bad rules file stops the run before it reads anything
    if not settings.accounts:
        raise ConfigError("accounts: no official accounts are configured; nothing is in scope")
    audit = audit_entry(settings, "process")
    kafka = settings.kafka
    topic = kafka.records_topic.name
    warehouse = open_warehouse(settings.warehouse)
    run_id = new_run_id()
    try:
        warehouse.start_run(run_id, "process", component_versions())
        cluster_id = cluster_id_of(bootstrap)
        _finish_after_commit(warehouse, bootstrap, settings, cluster_id)
        earliest, high_water = high_water_marks(bootstrap, topic, settings.pipeline.poll_timeout_s)
        stored = warehouse.stored_offsets(kafka.consumer_group, topic)
        ranges = tuple(fix_ranges(topic, earliest, high_water, stored, cluster_id))
        log.info(
            "run %s reads %s",
            run_id,
            ", ".join(f"{r.topic}[{r.partition}] {r.start}..{r.end}" for r in ranges),
        )
        if sum(piece.size for piece in ranges) == 0:
            # Nothing new is exactly when a silent account must be noticed.
            volume = volume_checks(
                warehouse, [account.key for account in settings.accounts], {}, {}
            )
            warehouse.record_dq_results(run_id, volume)
            warehouse.finish_empty_run(run_id, ranges, audit)
            quiet = tuple(result for result in volume if not result.success)
            _log_warnings(quiet)
            return ProcessResult(run_id, ranges, 0, 0, 0, 0, CommitCounts(0, 0, 0, 0), quiet)
        _remove_old_staging(settings.pipeline.staging_dir, keep=run_id)
        staged = run_pipeline(
            run_id=run_id,
            ranges=ranges,
            bootstrap_servers=bootstrap,
            staging_dir=settings.pipeline.staging_dir,
            batch_size=settings.pipeline.read_batch_size,
            buckets=settings.pipeline.id_buckets,
            max_range_span=settings.pipeline.max_range_span,
            poll_timeout_s=settings.pipeline.poll_timeout_s,
            runner_options=[*settings.pipeline.runner_options, *extra_runner_options],
            protection=protection,
            scoring=ScoringSpec(settings.classifiers),
        )
        reached("after_staging")
        warehouse.note_staged(staged)
        tables = with_alerts(StagedTables.read(staged), settings, rules, warehouse)
        warnings = check_quality(warehouse, staged, tables, settings)
        counts = warehouse.commit_run(staged, kafka.consumer_group, cluster_id, audit, tables)
        reached("after_commit")
        _finish_after_commit(warehouse, bootstrap, settings, cluster_id)
        shutil.rmtree(staged.directory, ignore_errors=True)
        result = ProcessResult(
            run_id,
            ranges,
            staged.records_read,
            staged.duplicates,
            staged.dead_letters,
            staged.out_of_scope,
            counts,
            tuple(warnings),
        )
        log.info(
            "run %s: read %d, stored %d (new %d, updated %d, unchanged %d), duplicates %d, "
            "out of scope %d, erased earlier %d, dead letters %d; personal data redacted: %s",
            run_id,
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
        return result
    except BaseException as error:
        try:
            warehouse.fail_run(run_id, f"{type(error).__name__}: {error}")
        except Exception:  # the original error matters more than the bookkeeping
            log.exception("could not mark run %s failed", run_id)
        raise
    finally:
        warehouse.close()


def check_quality(
    warehouse: Warehouse, staged: StagedRun, tables: StagedTables, settings: Settings
) -> list[DqResult]:
    """Validate the staged batch; store the results; raise if a critical expectation failed.

    Returns the failed warnings (the batch still commits with those).
    """
    records, detections = tables.records, tables.detections
    account_keys = [account.key for account in settings.accounts]
    results = validate_tables(
        {"records": records, "detections": detections, "alerts": tables.alerts}, account_keys
    )
    counts: dict[str, int] = {}
    latest: dict[str, datetime] = {}
    if records is not None:
        per_account = records.group_by("account").aggregate(
            [("id", "count"), ("created_at", "max")]
        )
        for row in per_account.to_pylist():
            counts[row["account"]] = row["id_count"]
            latest[row["account"]] = row["created_at_max"]
    results += volume_checks(warehouse, account_keys, counts, latest)
    warehouse.record_dq_results(staged.run_id, results)
    blocking = [result for result in results if result.blocks_commit]
    if blocking:
        notify_operations(
            settings.operations.email, settings.operations.outbox_dir, staged.run_id, blocking
        )
        raise DataQualityError(staged.run_id, blocking)
    warnings = [result for result in results if not result.success]
    _log_warnings(warnings)
    return warnings


def _log_warnings(warnings: Sequence[DqResult]) -> None:
    for warning in warnings:
        log.warning("data quality warning: %s (%s)", warning.explains, warning.observed_value)


def _finish_after_commit(
    warehouse: Warehouse, bootstrap: str, settings: Settings, cluster_id: str | None
) -> None:
    published = publish_dead_letters(warehouse, bootstrap, settings.kafka)
    alerts = publish_alerts(warehouse, bootstrap, settings.kafka)
    committed = commit_group_offsets(
        warehouse, bootstrap, settings.kafka.consumer_group, cluster_id
    )
    if published or committed or alerts:
        log.info(
            "copied %d dead letter(s) to %s; published %d alert(s) to %s; "
            "committed %d group offset(s)",
            published,
            settings.kafka.deadletter_topic.name,
            alerts,
            settings.kafka.alerts_topic.name,
            committed,
        )


def _remove_old_staging(staging_dir: Path, keep: str) -> None:
    # Staged output of runs that never committed is stale: their ranges are read again.
    if not staging_dir.exists():
        return
    for entry in staging_dir.iterdir():
        if entry.is_dir() and entry.name != keep:
            shutil.rmtree(entry, ignore_errors=True)

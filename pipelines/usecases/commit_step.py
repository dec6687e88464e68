"""What the commit step does before its transaction: alerts built from the staged tables, and
the batch checked against the expectation suites (a critical failure stops the commit)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo

from pipelines.alerts.build import Masker, Routing, build_alerts
from pipelines.alerts.rules import LoadedRules
from pipelines.config import OperationsSettings
from pipelines.quality.gate import validate_tables
from pipelines.quality.notify import notify_operations
from pipelines.quality.results import DataQualityError, DqResult
from pipelines.quality.volume import volume_checks
from pipelines.settings.alerts import AlertSettings
from pipelines.warehouse import Warehouse
from pipelines.warehouse.alerts import alerts_table, deliveries_table
from pipelines.warehouse.commit import StagedTables

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Alerting:
    """What turns staged records into alerts: rules, routing, timing and the masker."""

    rules: LoadedRules
    routing: Routing
    settings: AlertSettings
    masker: Masker


def with_alerts(tables: StagedTables, alerting: Alerting, warehouse: Warehouse) -> StagedTables:
    """The staged tables plus the alerts and deliveries they give rise to."""
    records = tables.records
    if records is None or not records.num_rows:
        return tables
    staged = dict(zip(records["id"].to_pylist(), records["text"].to_pylist(), strict=True))
    parent_ids = {parent for parent in records["parent_id"].to_pylist() if parent}
    # Thread context: the redacted text of the posts and comments the records answer.
    parents = {p: staged[p] for p in parent_ids if p in staged}
    parents.update(warehouse.records.texts(parent_ids - set(staged)))
    built = build_alerts(
        records,
        tables.detections,
        alerting.rules,
        alerting.routing,
        alerting.settings,
        alerting.masker,
        parents,
    )
    return dataclasses.replace(
        tables, alerts=alerts_table(built.alerts), deliveries=deliveries_table(built.deliveries)
    )


def check_quality(
    warehouse: Warehouse,
    run_id: str,
    tables: StagedTables,
    account_keys: Sequence[str],
    known_clauses: Sequence[str],
    operations: OperationsSettings,
    allowed: Sequence[str] = (),
    zone: tzinfo = UTC,
    record_results: Sequence[DqResult] | None = None,
) -> list[DqResult]:
    """Validate the staged batch; store the results; raise if a critical expectation failed.

    ``record_results`` are the records suites' results when the pipeline already checked the
    records where it staged them (merged from the staged files); otherwise they are checked
    here. Returns the failed warnings (the batch still commits with those).
    """
    records, detections = tables.records, tables.detections
    results = list(record_results or [])
    results += validate_tables(
        {
            "records": records if record_results is None else None,
            "detections": detections,
            "alerts": tables.alerts,
        },
        account_keys,
        known_clauses=known_clauses,
        allowed=allowed,
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
    results += volume_checks(warehouse.quality, account_keys, counts, latest, zone=zone)
    results.append(leftover_check(tables))
    warehouse.quality.record(run_id, results)
    blocking = [result for result in results if result.blocks_commit]
    if blocking:
        notify_operations(operations.email, operations.outbox_dir, run_id, blocking)
        raise DataQualityError(run_id, blocking)
    warnings = [result for result in results if not result.success]
    log_warnings(warnings)
    return warnings


#: Records set aside because their stored text would still hold personal data: a few are
#: hostile or odd input, more mean the privacy filter is misconfigured and the batch stops.
LEFTOVER_ALLOWANCE = (5, 0.01)


def leftover_check(tables: StagedTables) -> DqResult:
    """Few records set aside for personal data left in stored text, or the batch stops."""
    letters = tables.dead_letters
    left = 0
    if letters is not None and letters.num_rows:
        left = sum(1 for reason in letters["reason"].to_pylist() if reason == "personal_data_left")
    staged = tables.records.num_rows if tables.records is not None else 0
    least, share = LEFTOVER_ALLOWANCE
    allowed = max(least, int(share * (staged + left)))
    return DqResult(
        suite="privacy",
        expectation="few_records_set_aside_for_personal_data_left",
        column="text",
        severity="critical",
        success=left <= allowed,
        observed_value=f'{{"set_aside": {left}, "allowed": {allowed}}}',
        unexpected_count=left or None,
        explains=(
            f"at most {allowed} records set aside because personal data would be left in "
            "stored text (more means the privacy filter is misconfigured)"
        ),
    )


def log_warnings(warnings: Sequence[DqResult]) -> None:
    """One log line per failed warning."""
    for warning in warnings:
        log.warning("data quality warning: %s (%s)", warning.explains, warning.observed_value)

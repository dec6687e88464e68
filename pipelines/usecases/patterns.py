"""Bullying patterns after each commit: judge recent windows, raise their alerts once.

Runs right after the commit step's transaction (and on a run that found nothing new, so a
crash between the two is made good by the next run): the windows holding a hostile item
stored in the last :data:`RECHECK` are judged over everything the warehouse holds, passing
over those that overlap a stored pattern alert of the same pattern and subject, and each
pattern that fires is inserted if absent, with its deliveries, in one transaction that also
counts them in the run's ``alerts_raised``, after the alerts suite has checked them as it
checks the batch's alerts. The ids
depend only on the pattern, the subject and the window's start, so judging again changes
nothing (:mod:`pipelines.alerts.patterns`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pyarrow as pa

from pipelines.alerts.pattern_alerts import pattern_alerts
from pipelines.alerts.patterns import (
    find_patterns,
    items_from_rows,
    lookback,
    raised_from_rows,
)
from pipelines.quality.gate import validate_tables
from pipelines.usecases.commit_step import Alerting
from pipelines.warehouse import Warehouse
from pipelines.warehouse.alerts import alerts_table, deliveries_table
from pipelines.warehouse.patterns import PatternStore

log = logging.getLogger(__name__)

#: Windows holding an item stored this recently are judged (again) on every run.
RECHECK = timedelta(hours=24)


def raise_pattern_alerts(
    warehouse: Warehouse, alerting: Alerting, run_id: str, now: datetime | None = None
) -> int:
    """Judge the recent windows; insert the pattern alerts not stored yet; how many were new."""
    patterns = alerting.rules.rules.patterns
    if not patterns:
        return 0
    moment = now or datetime.now(UTC)
    store = PatternStore(warehouse.connection)
    categories = sorted({category for pattern in patterns for category in pattern.categories})
    recent_since = moment - RECHECK
    span = store.recent_span(categories, recent_since)
    if span is None:
        return 0
    longest = max(timedelta(minutes=pattern.window_minutes) for pattern in patterns)
    rows = store.hostile_items(
        categories, span[0] - longest - lookback(patterns), span[1] + longest
    )
    # Judged windows start after span[0] - longest; a stored one ending before cannot overlap.
    raised = store.raised_windows([pattern.id for pattern in patterns], span[0] - longest)
    matches = find_patterns(items_from_rows(rows), patterns, recent_since, raised_from_rows(raised))
    if not matches:
        return 0
    built = pattern_alerts(
        matches,
        alerting.rules.version,
        alerting.routing,
        alerting.settings,
        alerting.masker,
        moment,
    )
    alerts = alerts_table(built.alerts)
    if not passes_the_alerts_suite(warehouse, alerting, run_id, alerts):
        return 0
    with warehouse.transaction():
        new = warehouse.alerts.insert(alerts, deliveries_table(built.deliveries), run_id)
        if new:  # the run that raised them counts them, as it counts its records' alerts
            warehouse.runs.add_alerts_raised(run_id, new)
    if new:
        log.info("bullying patterns: %d new alert(s) (%d judged as firing)", new, len(matches))
    return new


def passes_the_alerts_suite(
    warehouse: Warehouse, alerting: Alerting, run_id: str, alerts: pa.Table
) -> bool:
    """Check pattern alerts as the commit step checks the batch's: results stored with the
    run's; a critical failure keeps them out (logged; they are judged again next run)."""
    clauses = tuple(alerting.rules.policy.clauses)
    results = validate_tables({"alerts": alerts}, (), known_clauses=clauses)
    warehouse.quality.record(run_id, results, after=warehouse.quality.next_position(run_id))
    blocking = [result for result in results if result.blocks_commit]
    for result in blocking:
        log.error(
            "bullying pattern alerts not raised: %s (%s unexpected)",
            result.explains,
            result.unexpected_count,
        )
    return not blocking

"""Volume checks across runs: an account gone quiet for longer than usual, or a sudden spike.

Both are warnings, not blockers: silence may be a broken connector or a quiet
week, a spike may be a pile-on or a backfill — a person should look.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from pipelines.quality.results import DqResult
from pipelines.warehouse.quality import QualityStore

HISTORY_RUNS = 20
MIN_HISTORY_RUNS = 5
MIN_RECORDS_FOR_GAP = 20
GAP_FACTOR = 5.0
MIN_SILENCE = timedelta(hours=1)


def volume_checks(
    store: QualityStore,
    account_keys: Iterable[str],
    batch_counts: Mapping[str, int],
    batch_latest: Mapping[str, datetime],
    now: datetime | None = None,
) -> list[DqResult]:
    """Warnings for accounts that went silent or spiked, judged against their history."""
    moment = now or datetime.now(UTC)
    history = store.new_records_per_run(HISTORY_RUNS)
    results = []
    for account in sorted(account_keys):
        results.append(_spike(account, batch_counts.get(account, 0), history.get(account, [])))
        results.append(_silence(store, account, batch_latest.get(account), moment))
    return [result for result in results if result is not None]


def _spike(account: str, count: int, history: list[int]) -> DqResult | None:
    if len(history) < MIN_HISTORY_RUNS:
        return None
    mean = statistics.fmean(history)
    spread = statistics.pstdev(history)
    limit = max(mean + 4 * spread, 3 * mean + 20)
    return DqResult(
        suite="volume",
        expectation="account_volume_within_normal_range",
        column=account,
        severity="warning",
        success=count <= limit,
        observed_value=f'{{"this_run": {count}, "usual_mean": {mean:.1f}, "limit": {limit:.1f}}}',
        unexpected_count=None,
        explains=f"{account}: items per run stay below {limit:.0f} (usual {mean:.0f})",
    )


def _silence(
    store: QualityStore, account: str, batch_latest: datetime | None, moment: datetime
) -> DqResult | None:
    stored = store.latest_item_times(account, 200)
    times = sorted(
        [_utc(moment) for moment in stored] + ([_utc(batch_latest)] if batch_latest else []),
        reverse=True,
    )
    if len(times) < MIN_RECORDS_FOR_GAP:
        return None
    gaps = [(newer - older).total_seconds() for newer, older in itertools.pairwise(times)]
    usual = statistics.median(gaps)
    allowed = max(timedelta(seconds=usual * GAP_FACTOR), MIN_SILENCE)
    quiet_for = moment - times[0]
    return DqResult(
        suite="volume",
        expectation="account_activity_within_usual_gap",
        column=account,
        severity="warning",
        success=quiet_for <= allowed,
        observed_value=(
            f'{{"quiet_hours": {quiet_for.total_seconds() / 3600:.1f}, '
            f'"usual_gap_minutes": {usual / 60:.1f}}}'
        ),
        unexpected_count=None,
        explains=f"{account}: new items arrive within {allowed.total_seconds() / 3600:.1f} h",
    )


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

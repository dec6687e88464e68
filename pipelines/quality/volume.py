"""Volume checks across runs: an account gone quiet for longer than usual, or a sudden spike.

Both are warnings, not blockers: silence may be a broken connector or a quiet
week, a spike may be a pile-on or a backfill — a person should look. "Usual" follows the
account's rhythm: its rate of items is learned per hour of the day and, with two weeks of
history, per weekday — local hours and days in the university's zone (``alerts.timezone``),
so the rhythm does not shift by an hour when the clocks change — and a normal night or
weekend is not a warning while the same quiet spell on a busy afternoon is. A spike of
*hostile* replies is not this check's business: it is the brigading pattern
(``pipelines/alerts/rules.yaml``), an alert emailed to the account's owner and line manager
through the alert outbox.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, tzinfo

from pipelines.quality.results import DqResult
from pipelines.warehouse.quality import QualityStore

HISTORY_RUNS = 20
MIN_HISTORY_RUNS = 5
MIN_RECORDS_FOR_GAP = 20
GAP_FACTOR = 5.0
MIN_SILENCE = timedelta(hours=1)
#: The silence check learns the account's rhythm from this much history before its newest
#: item (at most this many items).
HISTORY_DAYS = 28
HISTORY_ITEMS = 20_000
#: With less history than this, the usual gap between items decides instead.
MIN_HISTORY_FOR_RHYTHM = timedelta(days=2)
#: With this much history, weekdays are told apart (a quiet weekend is not a warning).
WEEKLY_RHYTHM = timedelta(days=14)
#: A quiet spell is a warning once this many items would usually have arrived in it: no
#: item when ten are expected happens by chance about once in 22,000 times, and still about
#: once in 800 when four weeks of history overstate an hour's rate by half (five were too
#: few: a simulated busy account then warned on a normal Saturday afternoon).
EXPECTED_ITEMS_FOR_SILENCE = 10.0


def volume_checks(
    store: QualityStore,
    account_keys: Iterable[str],
    batch_counts: Mapping[str, int],
    batch_latest: Mapping[str, datetime],
    now: datetime | None = None,
    zone: tzinfo = UTC,
) -> list[DqResult]:
    """Warnings for accounts that went silent or spiked, judged against their history
    (hours and weekdays of the rhythm in ``zone``)."""
    moment = now or datetime.now(UTC)
    history = store.new_records_per_run(HISTORY_RUNS)
    results = []
    for account in sorted(account_keys):
        results.append(_spike(account, batch_counts.get(account, 0), history.get(account, [])))
        results.append(_silence(store, account, batch_latest.get(account), moment, zone))
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
    store: QualityStore,
    account: str,
    batch_latest: datetime | None,
    moment: datetime,
    zone: tzinfo,
) -> DqResult | None:
    stored = store.latest_item_times(account, HISTORY_ITEMS)
    times = [_utc(each) for each in stored] + ([_utc(batch_latest)] if batch_latest else [])
    return silence_check(account, times, moment, zone)


def silence_check(
    account: str, times: Iterable[datetime], moment: datetime, zone: tzinfo = UTC
) -> DqResult | None:
    """Whether the account's quiet spell up to ``moment`` is longer than its rhythm allows.

    With at least :data:`MIN_HISTORY_FOR_RHYTHM` of history (up to :data:`HISTORY_DAYS`
    before its newest item), the account's usual rate is learned per hour of the day (and per
    weekday too, with two weeks or more), and the spell is a warning only when the items
    expected in it add up to :data:`EXPECTED_ITEMS_FOR_SILENCE` (a normal night expects few).
    With less history: five times the usual gap between items, at least an hour.
    """
    ordered = sorted(times, reverse=True)
    if len(ordered) < MIN_RECORDS_FOR_GAP:
        return None
    newest = ordered[0]
    history = [each for each in ordered if each >= newest - timedelta(days=HISTORY_DAYS)]
    quiet_for = moment - newest
    if len(history) >= MIN_RECORDS_FOR_GAP and newest - history[-1] >= MIN_HISTORY_FOR_RHYTHM:
        rhythm = Rhythm.learn(history, weekly=newest - history[-1] >= WEEKLY_RHYTHM, zone=zone)
        expected = rhythm.expected(newest, moment)
        usual = rhythm.usual_gap(moment)
        gap = "null" if usual is None else f"{usual.total_seconds() / 60:.1f}"
        return DqResult(
            suite="volume",
            expectation="account_activity_within_usual_gap",
            column=account,
            severity="warning",
            success=quiet_for <= MIN_SILENCE or expected < EXPECTED_ITEMS_FOR_SILENCE,
            observed_value=(
                f'{{"quiet_hours": {quiet_for.total_seconds() / 3600:.1f}, '
                f'"expected_items": {expected:.1f}, "usual_gap_minutes_now": {gap}, '
                f'"rhythm": "{rhythm.name}"}}'
            ),
            unexpected_count=None,
            explains=(
                f"{account}: a quiet spell is flagged once {EXPECTED_ITEMS_FOR_SILENCE:.0f} "
                f"items would usually have arrived in it (usual rate {rhythm.name})"
            ),
        )
    gaps = [(newer - older).total_seconds() for newer, older in itertools.pairwise(ordered)]
    typical = statistics.median(gaps)
    allowed = max(timedelta(seconds=typical * GAP_FACTOR), MIN_SILENCE)
    return DqResult(
        suite="volume",
        expectation="account_activity_within_usual_gap",
        column=account,
        severity="warning",
        success=quiet_for <= allowed,
        observed_value=(
            f'{{"quiet_hours": {quiet_for.total_seconds() / 3600:.1f}, '
            f'"usual_gap_minutes": {typical / 60:.1f}}}'
        ),
        unexpected_count=None,
        explains=f"{account}: new items arrive within {allowed.total_seconds() / 3600:.1f} h",
    )


class Rhythm:
    """Items per hour, learned per local hour of the day, or per weekday and hour, in ``zone``."""

    def __init__(self, rates: dict[int, float], weekly: bool, zone: tzinfo = UTC) -> None:
        self.rates = rates
        self.weekly = weekly
        self.zone = zone

    @property
    def name(self) -> str:
        return "per weekday and hour" if self.weekly else "per hour of the day"

    def slot(self, moment: datetime) -> int:
        local = moment.astimezone(self.zone)
        return local.weekday() * 24 + local.hour if self.weekly else local.hour

    @classmethod
    def learn(cls, times: Sequence[datetime], weekly: bool, zone: tzinfo = UTC) -> Rhythm:
        """Rates from item times (newest first): items in each slot over the hours of that
        slot the history covers."""
        probe = cls({}, weekly, zone)
        counts: dict[int, int] = {}
        for each in times:
            counts[probe.slot(each)] = counts.get(probe.slot(each), 0) + 1
        covered = _hours_per_slot(times[-1], times[0], probe)
        rates = {slot: counts.get(slot, 0) / hours for slot, hours in covered.items() if hours}
        return cls(rates, weekly, zone)

    def expected(self, start: datetime, end: datetime) -> float:
        """Items usually arriving between ``start`` and ``end``."""
        return sum(
            self.rates.get(slot, 0.0) * hours
            for slot, hours in _hours_per_slot(start, end, self).items()
        )

    def usual_gap(self, moment: datetime) -> timedelta | None:
        """The usual time between items at this hour (None: usually none)."""
        rate = self.rates.get(self.slot(moment), 0.0)
        return timedelta(hours=1 / rate) if rate > 0 else None


def _hours_per_slot(start: datetime, end: datetime, rhythm: Rhythm) -> dict[int, float]:
    """How many hours of each slot lie between ``start`` and ``end``."""
    covered: dict[int, float] = {}
    hour = start.replace(minute=0, second=0, microsecond=0)
    while hour < end:
        following = hour + timedelta(hours=1)
        inside = (min(following, end) - max(hour, start)).total_seconds() / 3600
        slot = rhythm.slot(hour)
        covered[slot] = covered.get(slot, 0.0) + max(inside, 0.0)
        hour = following
    return covered


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

"""`socmon status` and each tick's metrics: how far behind, what is waiting, what is covered,
what is broken.

The figures come from the warehouse (runs, deliveries, unresolved alerts, coverage) and,
for consumer lag, from the broker: lag per partition is what the next run would read,
from the offset the warehouse has committed (the source of truth) to the partition's
high-water mark, computed exactly as a run fixes its ranges.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pipelines.config import Settings
from pipelines.kafka_admin import cluster_id_of, fix_ranges, high_water_marks
from pipelines.metrics import TickFigures, publish
from pipelines.warehouse import Warehouse
from schemas.errors import SocmonError

if TYPE_CHECKING:
    from pipelines.usecases.tick import TickResult

log = logging.getLogger(__name__)

#: Coverage statuses from best to worst; an account shows its worst stream.
_COVERAGE_ORDER = ("complete", "partial", "not_covered")
#: The connector that fetches each platform's accounts.
_CONNECTOR_OF = {"x": "twitter", "facebook": "facebook"}
#: Delivery states still waiting to be sent (the rest are sent or cancelled).
BACKLOG_STATES = ("pending", "retrying", "sending", "uncertain")
#: How many recent runs a failed tick looks through for the last successful one.
_RUNS_SEARCHED_FOR_SUCCESS = 200


@dataclass(frozen=True)
class PartitionLag:
    """One partition: the next offset the warehouse will read, the partition's end, the gap."""

    topic: str
    partition: int
    next_offset: int
    end: int

    @property
    def lag(self) -> int:
        """Messages not yet committed to the warehouse."""
        return self.end - self.next_offset


@dataclass(frozen=True)
class AccountCoverage:
    """What the latest ingest fetched for one account."""

    account: str
    status: str
    fetched: int
    newest_item_at: datetime | None
    last_complete_at: datetime | None
    gaps: tuple[str, ...]


@dataclass(frozen=True)
class Status:
    """Everything `socmon status` shows."""

    runs: list[dict[str, Any]]
    lag: list[PartitionLag]
    lag_note: str | None
    ingest_id: str | None
    coverage: list[AccountCoverage]
    deliveries: dict[str, int]
    unresolved_alerts: list[dict[str, Any]]
    #: Accounts in the configuration that no ingest has reported on yet.
    uncovered_accounts: tuple[str, ...] = field(default=())
    #: Operations problems not yet resolved (failed runs, data-quality stops, coverage
    #: gaps, expiring tokens): kind, subject, summary and since when.
    open_problems: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; times in ISO 8601 (UTC)."""
        document: dict[str, Any] = _jsonable(
            {
                "runs": [_run_json(run) for run in self.runs],
                "consumer_lag": {
                    "note": self.lag_note,
                    "partitions": [{**asdict(p), "lag": p.lag} for p in self.lag],
                },
                "coverage": {
                    "ingest_id": self.ingest_id,
                    "accounts": [asdict(account) for account in self.coverage],
                    "never_reported": list(self.uncovered_accounts),
                },
                "deliveries": self.deliveries,
                "unresolved_alerts": self.unresolved_alerts,
                "open_problems": self.open_problems,
            }
        )
        return document


def gather_status(settings: Settings, warehouse: Warehouse, runs: int = 5) -> Status:
    """Read everything `socmon status` shows (the broker only for consumer lag)."""
    lag, note = consumer_lag(settings, warehouse)
    ingest_id = warehouse.connectors.latest_ingest()
    coverage = _coverage(warehouse, ingest_id)
    reported = {row.account for row in coverage}
    return Status(
        runs=warehouse.runs.recent(runs),
        lag=lag,
        lag_note=note,
        ingest_id=ingest_id,
        coverage=coverage,
        deliveries=warehouse.status.delivery_states(),
        unresolved_alerts=warehouse.status.unresolved_alerts(),
        uncovered_accounts=tuple(
            account.key
            for account in settings.accounts
            if _CONNECTOR_OF[account.platform] in settings.connectors.enabled
            and account.key not in reported
        ),
        open_problems=[
            {key: row[key] for key in ("kind", "subject", "summary", "opened_at")}
            for row in warehouse.notices.open_problems()
        ],
    )


def consumer_lag(settings: Settings, warehouse: Warehouse) -> tuple[list[PartitionLag], str | None]:
    """Lag of the records topic per partition, or why it cannot be told (the note)."""
    kafka = settings.kafka
    bootstrap = kafka.bootstrap_servers
    if not bootstrap:
        return [], "no kafka.bootstrap_servers: each tick uses its own embedded broker"
    topic = kafka.records_topic.name
    try:
        cluster_id = cluster_id_of(bootstrap, kafka.connect_timeout_ms)
        earliest, ends = high_water_marks(bootstrap, topic, timeout_s=15)
    except (SocmonError, OSError) as error:
        return [], f"broker {bootstrap}: {error}"
    except Exception as error:  # kafka-python's own errors share no base with ours
        return [], f"broker {bootstrap}: {type(error).__name__}: {error}"
    stored = warehouse.offsets.stored(kafka.consumer_group, topic)
    ranges = fix_ranges(topic, earliest, ends, stored, cluster_id)
    lags = [PartitionLag(r.topic, r.partition, r.start, r.end) for r in ranges]
    return lags, None


def _coverage(warehouse: Warehouse, ingest_id: str | None) -> list[AccountCoverage]:
    if ingest_id is None:
        return []
    complete = warehouse.status.last_complete_fetch()
    by_account: dict[str, list[dict[str, Any]]] = {}
    for row in warehouse.connectors.coverage_of(ingest_id):
        by_account.setdefault(row["account"], []).append(row)
    accounts = []
    for account, rows in sorted(by_account.items()):
        statuses = [row["status"] for row in rows]
        worst = max(statuses, key=lambda s: _COVERAGE_ORDER.index(s) if s in _COVERAGE_ORDER else 9)
        newest = [row["newest_item_at"] for row in rows if row["newest_item_at"] is not None]
        stamps = [
            complete[(account, row["stream"])]
            for row in rows
            if (account, row["stream"]) in complete
        ]
        accounts.append(
            AccountCoverage(
                account=account,
                status=worst,
                fetched=sum(int(row["fetched"]) for row in rows),
                newest_item_at=max(newest) if newest else None,
                # The account was fully fetched at the latest of these only if every stream was.
                last_complete_at=min(stamps) if len(stamps) == len(rows) else None,
                gaps=tuple(
                    f"{row['stream']}: {row['status']} — {row['reason']}"
                    for row in rows
                    if row["status"] != "complete"
                ),
            )
        )
    return accounts


class StageClock:
    """Seconds spent in each named stage: ``with clock("ingest"): ...``."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.monotonic() - started


def record_tick_metrics(
    settings: Settings, warehouse: Warehouse, result: TickResult, stage_seconds: dict[str, float]
) -> None:
    """Publish a finished tick's figures where ``[operations]`` says (nothing if unset).

    Never fails the tick: it has done its work, and a metrics destination that cannot be
    reached is logged as a warning.
    """
    operations = settings.operations
    if operations.metrics_file is None and operations.pushgateway_url is None:
        return
    try:
        figures = tick_figures(settings, warehouse, result, stage_seconds)
    except SocmonError as error:
        log.warning("tick metrics not gathered: %s", error)
        return
    publish(figures, operations.metrics_file, operations.pushgateway_url)


def record_failed_tick_metrics(
    settings: Settings,
    warehouse: Warehouse,
    ingested: Mapping[str, int],
    stage_seconds: dict[str, float],
) -> None:
    """Publish that a tick failed (its stages' seconds, what it ingested, the backlog and the
    last success carried from the warehouse), so a dashboard sees the failure now and not
    only the age of the last success. Never raises: the tick's own error is what counts."""
    operations = settings.operations
    if operations.metrics_file is None and operations.pushgateway_url is None:
        return
    try:
        runs = warehouse.runs.recent(_RUNS_SEARCHED_FOR_SUCCESS)
        states = warehouse.status.delivery_states()
        lag, _ = consumer_lag(settings, warehouse)
        figures = TickFigures(
            run_id=runs[0]["run_id"] if runs else "",
            records={},
            ingested=dict(ingested),
            emails={},
            stage_seconds=stage_seconds,
            coverage_gaps=0,
            delivery_backlog={state: states.get(state, 0) for state in BACKLOG_STATES},
            lag={(p.topic, p.partition): p.lag for p in lag},
            finished_at=time.time(),
            succeeded=False,
            last_success_at=last_success_of(runs),
        )
    except Exception as error:  # the warehouse may be what failed the tick
        log.warning("metrics of the failed tick not gathered: %s", error)
        return
    publish(figures, operations.metrics_file, operations.pushgateway_url)


def last_success_of(runs: list[dict[str, Any]]) -> float | None:
    """When the latest successful process run among ``runs`` finished (epoch seconds)."""
    finished = [
        run["finished_at"]
        for run in runs
        if run["command"] == "process" and run["status"] == "succeeded" and run["finished_at"]
    ]
    return max(finished).timestamp() if finished else None


def tick_figures(
    settings: Settings, warehouse: Warehouse, result: TickResult, stage_seconds: dict[str, float]
) -> TickFigures:
    """A finished tick's counts, durations, lag and delivery backlog."""
    processed, notified = result.process, result.notify
    counts = processed.counts
    lag, note = consumer_lag(settings, warehouse)
    if note:
        log.info("consumer lag not in the metrics: %s", note)
    states = warehouse.status.delivery_states()
    return TickFigures(
        run_id=processed.run_id,
        records={
            "read": processed.records_read,
            "stored": processed.records_stored,
            "inserted": counts.inserted,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "duplicates": processed.duplicates,
            "out_of_scope": processed.out_of_scope,
            "dead_letters": processed.dead_letters,
            "alerts_raised": counts.alerts_new,
        },
        ingested=dict(result.ingest.delivered),
        emails={
            "sent": notified.emails_sent,
            "deliveries_sent": notified.deliveries_sent,
            "failed": notified.failed,
            "held_back": notified.held_back,
        },
        stage_seconds=stage_seconds,
        coverage_gaps=len(result.ingest.gaps),
        delivery_backlog={state: states.get(state, 0) for state in BACKLOG_STATES},
        lag={(p.topic, p.partition): p.lag for p in lag},
        finished_at=time.time(),
        last_success_at=last_success_of(warehouse.runs.recent(_RUNS_SEARCHED_FOR_SUCCESS)),
    )


#: The runs columns `socmon status` shows (the ranges and versions are in `socmon runs`).
RUN_COLUMNS = (
    "run_id",
    "command",
    "status",
    "started_at",
    "finished_at",
    "records_read",
    "records_stored",
    "duplicates",
    "out_of_scope",
    "dead_letters",
    "alerts_raised",
    "error",
)


def run_duration_s(run: dict[str, Any]) -> float | None:
    """Seconds from a run's start to its end (None while it runs)."""
    started, finished = run.get("started_at"), run.get("finished_at")
    return (finished - started).total_seconds() if started and finished else None


def _run_json(run: dict[str, Any]) -> dict[str, Any]:
    shown = {column: run.get(column) for column in RUN_COLUMNS}
    gaps = run.get("coverage_gaps")
    shown["coverage_gaps"] = json.loads(gaps) if gaps else []
    shown["duration_s"] = run_duration_s(run)
    return shown


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value

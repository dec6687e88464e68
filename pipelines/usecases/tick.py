"""`socmon run`: one scheduler tick of every stage — ingest, process, notify (embedded broker if
none is configured)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from connectors.broker import EmbeddedBroker
from pipelines.config import Settings
from pipelines.usecases.ingest import IngestResult, ingest
from pipelines.usecases.notify import NotifyResult, notify
from pipelines.usecases.process import ProcessResult, process
from pipelines.usecases.status import StageClock, record_failed_tick_metrics, record_tick_metrics
from pipelines.warehouse import Warehouse, open_warehouse

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TickResult:
    """What one tick did."""

    bootstrap_servers: str
    embedded_broker: bool
    ingest: IngestResult
    process: ProcessResult
    notify: NotifyResult


@contextlib.contextmanager
def broker_for(settings: Settings) -> Iterator[tuple[Settings, bool]]:
    """The configured broker, or an embedded one for the duration of the block."""
    if settings.kafka.bootstrap_servers:
        yield settings, False
        return
    with EmbeddedBroker() as broker:
        kafka = settings.kafka.model_copy(update={"bootstrap_servers": broker.bootstrap_servers})
        yield settings.model_copy(update={"kafka": kafka}), True


def run_tick(settings: Settings, extra_runner_options: Sequence[str] = ()) -> TickResult:
    """Ingest, then process, against the configured or an embedded broker."""
    with broker_for(settings) as (effective, embedded):
        bootstrap = effective.kafka.bootstrap_servers
        assert bootstrap is not None
        if embedded:
            log.warning(
                "no kafka.bootstrap_servers configured: using an embedded in-memory broker "
                "for this tick only"
            )
        # One warehouse connection for the whole tick: ingest, process, notify.
        clock = StageClock()
        with open_warehouse(effective.warehouse, writer="run") as warehouse:
            delivered: dict[str, int] = {}
            try:
                with clock("ingest"):
                    ingested = ingest(effective, bootstrap, warehouse=warehouse)
                delivered = dict(ingested.delivered)
                with clock("process"):
                    try:
                        processed = process(effective, extra_runner_options, warehouse)
                    except Exception:
                        _tell_anyway(effective, warehouse)
                        raise
                warehouse.runs.link_ingest(
                    processed.run_id, ingested.ingest_id, ingested.describe_gaps()
                )
                with clock("notify"):
                    notified = notify(effective, warehouse)
            except Exception:
                record_failed_tick_metrics(effective, warehouse, delivered, clock.seconds)
                raise
            result = TickResult(bootstrap, embedded, ingested, processed, notified)
            record_tick_metrics(effective, warehouse, result, clock.seconds)
        return result


def _tell_anyway(settings: Settings, warehouse: Warehouse) -> None:
    """The process step failed: still send what is due, the notice of this failure among it
    (the platform team must not wait for a tick that succeeds to hear that ticks fail)."""
    try:
        notify(settings, warehouse)
    except Exception:  # the run's own failure is what the caller must see
        log.exception("could not send notices after the failed process step")

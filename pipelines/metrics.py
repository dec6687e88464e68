"""Prometheus metrics of one tick: counts, stage durations, consumer lag, delivery backlog.

A scheduler's batch job has no endpoint to scrape, so the figures of each `socmon run` go
where Prometheus' batch-job patterns look for them: a text file that node-exporter's
textfile collector reads (``[operations] metrics_file``, replaced atomically so a scrape
never sees half a file), and a Pushgateway (``[operations] pushgateway_url``). Each tick
replaces the previous tick's figures; alert on ``socmon_last_success_timestamp_seconds``
growing old to learn that ticks stopped succeeding.

This module only turns plain figures into Prometheus text: the tick
(:mod:`pipelines.usecases.tick`) gathers them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from prometheus_client import CollectorRegistry, Gauge, push_to_gateway, write_to_textfile

log = logging.getLogger(__name__)

#: The Pushgateway job the figures are grouped under.
PUSHGATEWAY_JOB = "socmon"


@dataclass(frozen=True)
class TickFigures:
    """What one tick did, as plain numbers: the input of :func:`registry_of`."""

    run_id: str
    #: Records of the process run by outcome: read, stored, inserted, updated, unchanged,
    #: duplicates, out_of_scope, dead_letters, alerts_raised.
    records: Mapping[str, int]
    #: Messages the ingest delivered to the records topic, per connector.
    ingested: Mapping[str, int]
    #: Emails and deliveries of the notifier: sent, delivered, failed, held_back.
    emails: Mapping[str, int]
    #: Seconds each stage took: ingest, process, notify.
    stage_seconds: Mapping[str, float]
    #: Streams the ingest could not fetch completely.
    coverage_gaps: int
    #: Deliveries waiting by state (pending, retrying, uncertain) after the tick.
    delivery_backlog: Mapping[str, int]
    #: Messages not yet processed per (topic, partition); empty when it could not be read.
    lag: Mapping[tuple[str, int], int] = field(default_factory=dict)
    #: When the tick finished (seconds since the epoch).
    finished_at: float = 0.0
    #: False for a tick that stopped on an error (its counts are then those it reached).
    succeeded: bool = True
    #: When the latest successful process run finished (seconds since the epoch, from the
    #: warehouse's runs), this tick's or an earlier one's; None if none ever did.
    last_success_at: float | None = None


def registry_of(figures: TickFigures) -> CollectorRegistry:
    """A registry holding one tick's figures, for rendering or pushing."""
    registry = CollectorRegistry()

    def gauge(name: str, documentation: str, labels: tuple[str, ...] = ()) -> Gauge:
        return Gauge(name, documentation, labels, registry=registry)

    info = gauge("socmon_last_run_info", "The latest tick's process run id.", ("run_id",))
    info.labels(run_id=figures.run_id).set(1)
    gauge("socmon_last_run_timestamp_seconds", "When the latest tick finished.").set(
        figures.finished_at
    )
    gauge("socmon_last_run_succeeded", "1 if the latest tick succeeded, 0 if it failed.").set(
        1 if figures.succeeded else 0
    )
    if figures.last_success_at is not None:
        gauge(
            "socmon_last_success_timestamp_seconds",
            "When the latest successful process run finished (as the warehouse records it).",
        ).set(figures.last_success_at)
    records = gauge("socmon_run_records", "Records of the latest tick by outcome.", ("outcome",))
    for outcome, value in sorted(figures.records.items()):
        records.labels(outcome=outcome).set(value)
    ingested = gauge(
        "socmon_run_ingested_messages",
        "Messages the latest tick's ingest delivered, per connector.",
        ("connector",),
    )
    for connector, value in sorted(figures.ingested.items()):
        ingested.labels(connector=connector).set(value)
    emails = gauge("socmon_run_emails", "The latest tick's notifier, by outcome.", ("outcome",))
    for outcome, value in sorted(figures.emails.items()):
        emails.labels(outcome=outcome).set(value)
    durations = gauge(
        "socmon_run_stage_duration_seconds",
        "Seconds each stage of the latest tick took.",
        ("stage",),
    )
    for stage, seconds in figures.stage_seconds.items():
        durations.labels(stage=stage).set(seconds)
    gauge(
        "socmon_run_coverage_gaps", "Streams the latest tick's ingest could not fetch completely."
    ).set(figures.coverage_gaps)
    backlog = gauge("socmon_delivery_backlog", "Alert deliveries waiting, by state.", ("state",))
    for state, value in sorted(figures.delivery_backlog.items()):
        backlog.labels(state=state).set(value)
    lag = gauge(
        "socmon_consumer_lag_messages",
        "Messages in the topic not yet committed to the warehouse, per partition.",
        ("topic", "partition"),
    )
    for (topic, partition), value in sorted(figures.lag.items()):
        lag.labels(topic=topic, partition=str(partition)).set(value)
    return registry


def publish(figures: TickFigures, metrics_file: Path | None, pushgateway_url: str | None) -> None:
    """Write the text file and push to the Pushgateway, each if configured.

    The tick has done its work by then: a metrics destination that fails is logged as a
    warning and changes neither the tick's result nor its exit code.
    """
    if metrics_file is None and pushgateway_url is None:
        return
    registry = registry_of(figures)
    if metrics_file is not None:
        try:
            metrics_file.parent.mkdir(parents=True, exist_ok=True)
            # Written to a temporary file beside it, then renamed over it.
            write_to_textfile(str(metrics_file), registry)
        except OSError as error:
            log.warning("metrics file %s not written: %s", metrics_file, error)
    if pushgateway_url is not None:
        try:
            push_to_gateway(pushgateway_url, job=PUSHGATEWAY_JOB, registry=registry, timeout=10)
        except OSError as error:
            log.warning("metrics not pushed to the Pushgateway: %s", error)

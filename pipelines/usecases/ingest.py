"""`socmon ingest`: run the enabled connectors into the records topic, resuming from cursors.

For each connector (one per official account, plus replay): resume from its
cursor, send each fetched batch to Kafka, flush, and only then keep a checkpoint
of the batch's cursor with the offsets it reached. The cursor itself moves when
the warehouse has committed those records, so a crash, a failed process or a
broker that lost its messages means the batch is fetched again; record ids make
that harmless. What each account and
stream covered is recorded in ``coverage`` under this ingest's id, and an
account that could not be fetched (expired token, quota, permissions)
makes the command exit with code 3, never a quiet success. What a connector
could not send as a record (a replayed line too large for a message) goes to
the dead-letter topic with its reason, and is counted.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from connectors.base import Connector, StreamCoverage
from connectors.config import KafkaSettings
from connectors.producer import RecordProducer
from connectors.registry import AccountRef, ConnectorContext, UnknownConnector, build_connectors
from connectors.topics import ensure_social_monitor_topics
from pipelines.config import ConfigError, Settings
from pipelines.kafka_admin import cluster_id_of, high_water_marks
from pipelines.logs import log_fields
from pipelines.steps import reached
from pipelines.warehouse import Warehouse, open_warehouse
from pipelines.warehouse.connector_state import BrokerView, ConnectorState
from schemas.kafka_codec import KafkaMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestResult:
    """Messages delivered per connector, per account and stream what was covered, and how
    many items went to the dead-letter topic instead of the records topic."""

    ingest_id: str
    delivered: dict[str, int]
    coverage: tuple[StreamCoverage, ...] = field(default=())
    dead_lettered: int = 0

    @property
    def total(self) -> int:
        """All messages delivered."""
        return sum(self.delivered.values())

    @property
    def gaps(self) -> tuple[StreamCoverage, ...]:
        """Streams that were not fetched completely."""
        return tuple(row for row in self.coverage if row.status != "complete")

    def describe_gaps(self) -> list[str]:
        """One line per gap: account, stream, status and why."""
        return [f"{g.account}/{g.stream}: {g.status} — {g.reason}" for g in self.gaps]


def ingest(
    settings: Settings,
    bootstrap_servers: str,
    replay_files: Sequence[Path] = (),
    warehouse: Warehouse | None = None,
) -> IngestResult:
    """Create topics if missing, then run every enabled connector into the records topic
    (the warehouse, which keeps cursors and coverage, is opened here unless given)."""
    if warehouse is None:
        with open_warehouse(settings.warehouse, writer="ingest") as opened:
            return ingest(settings, bootstrap_servers, replay_files, opened)
    ensure_social_monitor_topics(bootstrap_servers, settings.kafka)
    files = tuple(replay_files) or tuple(settings.ingest.replay_files)
    if replay_files and "replay" not in settings.connectors.enabled:
        raise ConfigError("replay files were given but connectors.enabled has no 'replay'")
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise ConfigError(f"ingest.replay_files: no such file(s): {', '.join(missing)}")
    ingest_id = uuid.uuid4().hex
    state = warehouse.connectors
    context = ConnectorContext(
        accounts=tuple(
            AccountRef(a.key, a.platform, a.platform_id, a.handle) for a in settings.accounts
        ),
        settings=settings.connectors,
        replay_files=files,
        known_items=state,
    )
    try:
        connectors = build_connectors(settings.connectors.enabled, context)
    except UnknownConnector as error:
        raise ConfigError(f"connectors.enabled: {error}") from None
    broker = broker_view(bootstrap_servers, settings.kafka.records_topic.name, settings)
    delivered: dict[str, int] = {}
    coverage: list[StreamCoverage] = []
    connector_of: dict[str, str] = {}
    dead_letters: list[KafkaMessage] = []
    with RecordProducer(
        bootstrap_servers,
        settings.kafka.records_topic.name,
        client_id=f"{settings.kafka.client_id}-ingest",
        request_timeout_ms=settings.kafka.request_timeout_ms,
        connect_timeout_ms=settings.kafka.connect_timeout_ms,
    ) as producer:
        for connector in connectors:
            with log_fields(stage="ingest", ingest_id=ingest_id, account=connector.account):
                sent = _run_connector(connector, producer, state, broker)
            delivered[connector.name] = delivered.get(connector.name, 0) + sent
            coverage.extend(connector.coverage())
            dead_letters.extend(connector.dead_letters())
            connector_of[connector.account] = connector.name
            log.info("%s/%s: %d message(s) delivered", connector.name, connector.account, sent)
    dead_lettered = _send_dead_letters(bootstrap_servers, settings.kafka, dead_letters)
    state.record_coverage(ingest_id, connector_of, coverage)
    result = IngestResult(ingest_id, delivered, tuple(coverage), dead_lettered)
    for line in result.describe_gaps():
        log.warning("coverage gap: %s", line)
    return result


def _send_dead_letters(
    bootstrap_servers: str, kafka: KafkaSettings, letters: Sequence[KafkaMessage]
) -> int:
    """Deliver what connectors could not send as records to the dead-letter topic."""
    if not letters:
        return 0
    with RecordProducer(
        bootstrap_servers,
        kafka.deadletter_topic.name,
        client_id=f"{kafka.client_id}-ingest-deadletters",
        request_timeout_ms=kafka.request_timeout_ms,
        connect_timeout_ms=kafka.connect_timeout_ms,
    ) as producer:
        for letter in letters:
            producer.send(letter)
        sent = producer.flush()  # raises if anything was not delivered
    log.warning(
        "%d item(s) sent to %s instead of the records topic", sent, kafka.deadletter_topic.name
    )
    return sent


def broker_view(bootstrap_servers: str, topic: str, settings: Settings) -> BrokerView:
    """The records topic as the broker holds it now: cluster id and high-water marks."""
    _, high_water = high_water_marks(bootstrap_servers, topic, settings.pipeline.poll_timeout_s)
    timeout_ms = settings.kafka.connect_timeout_ms
    return BrokerView(topic, cluster_id_of(bootstrap_servers, timeout_ms), high_water)


def _run_connector(
    connector: Connector, producer: RecordProducer, state: ConnectorState, broker: BrokerView
) -> int:
    """Fetch from the connector's resume point into the topic; return messages delivered.

    Each delivered batch leaves a checkpoint, not a cursor: the cursor moves when the
    warehouse commits those messages (see :mod:`pipelines.warehouse.connector_state`).
    """
    cursor = state.load_cursor(connector.name, connector.account, broker)
    sent = 0
    for batch in connector.fetch(cursor):
        for message in batch.messages:
            producer.send(message)
        sent += producer.flush()  # raises if anything was not delivered
        reached("after_ingest_flush")  # delivered, checkpoint not yet stored
        if batch.next_cursor is not None and batch.next_cursor != cursor:
            state.save_checkpoint(
                connector.name, connector.account, batch.next_cursor, broker, producer.positions
            )
            cursor = batch.next_cursor
    return sent

"""`socmon ingest`: run the configured connectors into the records topic (replay files for now)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from connectors.producer import RecordProducer
from connectors.replay import ReplayConnector
from connectors.topics import ensure_social_monitor_topics
from pipelines.config import ConfigError, Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestResult:
    """Messages delivered per connector."""

    delivered: dict[str, int]

    @property
    def total(self) -> int:
        """All messages delivered."""
        return sum(self.delivered.values())


def ingest(
    settings: Settings, bootstrap_servers: str, replay_files: Sequence[Path] = ()
) -> IngestResult:
    """Create topics if missing, then replay files into the records topic."""
    ensure_social_monitor_topics(bootstrap_servers, settings.kafka)
    files = list(replay_files) or list(settings.ingest.replay_files)
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise ConfigError(f"ingest.replay_files: no such file(s): {', '.join(missing)}")
    delivered = 0
    if files:
        connector = ReplayConnector(files)
        with RecordProducer(
            bootstrap_servers,
            settings.kafka.records_topic.name,
            client_id=f"{settings.kafka.client_id}-replay",
            request_timeout_ms=settings.kafka.request_timeout_ms,
        ) as producer:
            for batch in connector.fetch(None):
                for message in batch.messages:
                    producer.send(message)
                delivered += producer.flush()
        log.info("replayed %d message(s) from %d file(s)", delivered, len(files))
    return IngestResult({"replay": delivered})

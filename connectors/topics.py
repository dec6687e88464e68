"""Create social-monitor's topics when they are missing."""

from __future__ import annotations

import logging
from typing import Any

from connectors.config import KafkaSettings, TopicSettings
from connectors.producer import BrokerUnreachable

log = logging.getLogger(__name__)


def ensure_topics(
    bootstrap_servers: str, topics: tuple[TopicSettings, ...], connect_timeout_ms: int = 5_000
) -> list[str]:
    """Create each topic that does not exist yet; return the names created.

    Raises ``BrokerUnreachable`` when no broker answers within ``connect_timeout_ms``.
    """
    from kafka.admin import NewTopic
    from kafka.errors import TopicAlreadyExistsError

    admin = admin_client(bootstrap_servers, connect_timeout_ms)
    try:
        existing = set(admin.list_topics())
        missing = [topic for topic in topics if topic.name not in existing]
        created: list[str] = []
        for topic in missing:
            new_topic = NewTopic(
                name=topic.name,
                num_partitions=topic.partitions,
                replication_factor=topic.replication_factor,
                topic_configs={"retention.ms": str(topic.retention_ms)},
            )
            try:
                admin.create_topics([new_topic])
                created.append(topic.name)
                log.info("created topic %s (%d partitions)", topic.name, topic.partitions)
            except TopicAlreadyExistsError:
                pass  # another process created it between listing and creating
        return created
    finally:
        admin.close()


def ensure_social_monitor_topics(bootstrap_servers: str, kafka: KafkaSettings) -> list[str]:
    """Create the records, alerts and dead-letter topics if missing."""
    return ensure_topics(bootstrap_servers, kafka.topics(), kafka.connect_timeout_ms)


def admin_client(bootstrap_servers: str, connect_timeout_ms: int) -> Any:
    """A kafka-python admin client, or ``BrokerUnreachable`` after ``connect_timeout_ms``."""
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaTimeoutError

    try:
        return KafkaAdminClient(
            bootstrap_servers=bootstrap_servers,
            client_id="socmon-admin",
            bootstrap_timeout_ms=connect_timeout_ms,
        )
    except KafkaTimeoutError:
        raise BrokerUnreachable(bootstrap_servers, connect_timeout_ms) from None

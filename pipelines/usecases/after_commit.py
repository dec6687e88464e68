"""What happens after the commit transaction, driven by flags on committed rows.

Copying dead letters to ``socmon.deadletter.v1``, publishing alerts to
``socmon.alerts.v1`` (for other consumers: a ticketing system, a dashboard) and committing the Kafka
consumer group's offsets (so lag is visible in Kafka tools) both happen
after the warehouse transaction. Each is flagged on its row only once done,
so a crash in between is repaired by the next run, never lost and never
doubled in the warehouse.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from connectors.config import KafkaSettings
from connectors.producer import RecordProducer
from pipelines.kafka_admin import consumer_settings
from pipelines.warehouse import Warehouse
from pipelines.warehouse.dead_letters import PendingDeadLetter
from schemas.kafka_codec import KafkaMessage

log = logging.getLogger(__name__)


def publish_dead_letters(warehouse: Warehouse, bootstrap_servers: str, kafka: KafkaSettings) -> int:
    """Copy every unpublished dead letter's original bytes to the dead-letter topic."""
    pending = warehouse.dead_letters.unpublished()
    if not pending:
        return 0
    originals = _fetch_originals(bootstrap_servers, pending)
    found = [letter for letter in pending if _key(letter) in originals]
    gone = [letter for letter in pending if _key(letter) not in originals]
    if found:
        with RecordProducer(
            bootstrap_servers, kafka.deadletter_topic.name, client_id="socmon-deadletters"
        ) as producer:
            for letter in found:
                key, value = originals[_key(letter)]
                producer.send(
                    KafkaMessage(
                        key=key,
                        value=value,
                        headers=(
                            ("reason", letter.reason.encode()),
                            ("detail", letter.detail.encode()),
                            ("source_topic", letter.topic.encode()),
                            ("source_partition", str(letter.kafka_partition).encode()),
                            ("source_offset", str(letter.kafka_offset).encode()),
                        ),
                    )
                )
            producer.flush()
        warehouse.dead_letters.mark(found, "published")
    if gone:
        log.error(
            "%d dead letter(s) could not be copied to %s: their original bytes are no longer "
            "in the source topic (retention, or a replaced broker)",
            len(gone),
            kafka.deadletter_topic.name,
        )
        warehouse.dead_letters.mark(gone, "source_gone")
    return len(found)


def commit_group_offsets(
    warehouse: Warehouse, bootstrap_servers: str, consumer_group: str, cluster_id: str | None
) -> int:
    """Copy the warehouse's consumed offsets to the Kafka consumer group."""
    from kafka import KafkaConsumer, TopicPartition
    from kafka.structs import OffsetAndMetadata

    pending = warehouse.offsets.not_in_kafka(consumer_group)
    if not pending:
        return 0
    # Offsets of another cluster mean nothing here; they are only marked.
    current = [offset for offset in pending if offset.cluster_id in (None, cluster_id)]
    if current:
        settings = consumer_settings(bootstrap_servers, "socmon-offset-committer")
        settings["group_id"] = consumer_group
        consumer = KafkaConsumer(**settings)
        try:
            partitions = [TopicPartition(o.topic, o.kafka_partition) for o in current]
            consumer.assign(partitions)
            consumer.commit(
                {
                    TopicPartition(o.topic, o.kafka_partition): OffsetAndMetadata(
                        o.next_offset, "", -1
                    )
                    for o in current
                }
            )
        finally:
            consumer.close(autocommit=False)
    warehouse.offsets.mark_in_kafka(pending)
    return len(current)


def _key(letter: PendingDeadLetter) -> tuple[str, int, int]:
    return (letter.topic, letter.kafka_partition, letter.kafka_offset)


def _fetch_originals(
    bootstrap_servers: str, pending: Sequence[PendingDeadLetter]
) -> dict[tuple[str, int, int], tuple[bytes | None, bytes]]:
    """Read the original messages back by offset; keep those whose digest still matches."""
    from kafka import KafkaConsumer, TopicPartition
    from kafka.errors import OffsetOutOfRangeError

    wanted: dict[tuple[str, int], dict[int, PendingDeadLetter]] = defaultdict(dict)
    for letter in pending:
        wanted[(letter.topic, letter.kafka_partition)][letter.kafka_offset] = letter
    found: dict[tuple[str, int, int], tuple[bytes | None, bytes]] = {}
    consumer: Any = KafkaConsumer(
        **consumer_settings(bootstrap_servers, "socmon-deadletter-reader")
    )
    try:
        for (topic, partition), letters in wanted.items():
            tp = TopicPartition(topic, partition)
            consumer.assign([tp])
            consumer.seek(tp, min(letters))
            last = max(letters)
            empty_polls = 0
            try:
                while consumer.position(tp) <= last and empty_polls < 20:
                    polled = consumer.poll(timeout_ms=200).get(tp, [])
                    empty_polls = 0 if polled else empty_polls + 1
                    for message in polled:
                        wanted_letter = letters.get(message.offset)
                        value = message.value or b""
                        if (
                            wanted_letter
                            and hashlib.sha256(value).hexdigest() == wanted_letter.value_sha256
                        ):
                            found[(topic, partition, message.offset)] = (message.key, value)
            except OffsetOutOfRangeError:
                log.warning("%s[%d]: dead-letter offsets are out of range", topic, partition)
    finally:
        consumer.close()
    return found


def publish_alerts(warehouse: Warehouse, bootstrap_servers: str, kafka: KafkaSettings) -> int:
    """Copy committed alerts not yet published to ``socmon.alerts.v1`` (key: alert id)."""
    alerts = warehouse.alerts.unpublished()
    if not alerts:
        return 0
    with RecordProducer(
        bootstrap_servers, kafka.alerts_topic.name, client_id="socmon-alerts"
    ) as producer:
        for alert in alerts:
            producer.send(
                KafkaMessage(
                    key=alert.alert_id.encode(),
                    value=json.dumps(
                        alert.to_message(), sort_keys=True, ensure_ascii=False
                    ).encode(),
                    headers=(("schema_version", b"1"), ("severity", alert.severity.encode())),
                )
            )
        producer.flush()
    warehouse.alerts.mark_published([alert.alert_id for alert in alerts])
    return len(alerts)


def finish_after_commit(
    warehouse: Warehouse, bootstrap_servers: str, kafka: KafkaSettings, cluster_id: str | None
) -> None:
    """Everything the flags on committed rows say is still to do, done now."""
    published = publish_dead_letters(warehouse, bootstrap_servers, kafka)
    alerts = publish_alerts(warehouse, bootstrap_servers, kafka)
    committed = commit_group_offsets(warehouse, bootstrap_servers, kafka.consumer_group, cluster_id)
    if published or committed or alerts:
        log.info(
            "copied %d dead letter(s) to %s; published %d alert(s) to %s; "
            "committed %d group offset(s)",
            published,
            kafka.deadletter_topic.name,
            alerts,
            kafka.alerts_topic.name,
            committed,
        )

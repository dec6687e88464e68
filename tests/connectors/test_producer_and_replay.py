"""The producer and the replay connector against the real broker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.broker import EmbeddedBroker
from connectors.config import TopicSettings
from connectors.producer import DeliveryError, RecordProducer
from connectors.replay import ReplayConnector
from connectors.topics import ensure_topics
from testing.synthetic import generate_records, record_line
from tests.integration.helpers import read_topic
from tests.support import SettingsFactory, unique

pytestmark = pytest.mark.integration


def test_replay_sends_every_line_as_is_keyed_by_record_id(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    settings = make_settings()
    records = list(generate_records(5))
    lines = [record_line(record) for record in records] + [b"{broken", b'{"id": 42}']
    path = tmp_path / "replay.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n\n")
    assert settings.kafka.bootstrap_servers
    ensure_topics(settings.kafka.bootstrap_servers, settings.kafka.topics())
    with RecordProducer(
        settings.kafka.bootstrap_servers, settings.kafka.records_topic.name
    ) as producer:
        for batch in ReplayConnector([path], batch_size=3).fetch(None):
            for message in batch.messages:
                producer.send(message)
        assert producer.flush() == 7

    messages = read_topic(settings, settings.kafka.records_topic.name)
    assert sorted(message.value for message in messages) == sorted(lines)
    keys = {message.value: message.key for message in messages}
    assert keys[lines[0]] == records[0].id.encode()
    assert keys[b"{broken"] is None and keys[b'{"id": 42}'] is None
    headers = dict(messages[0].headers)
    assert headers == {"schema_version": b"1", "connector": b"replay"}


def test_ensure_topics_creates_only_what_is_missing(broker: EmbeddedBroker) -> None:
    topic = TopicSettings(name=unique("topic"), partitions=2)
    assert ensure_topics(broker.bootstrap_servers, (topic,)) == [topic.name]
    assert ensure_topics(broker.bootstrap_servers, (topic,)) == []


def test_flush_raises_when_the_broker_is_gone() -> None:
    with EmbeddedBroker() as doomed:
        topic = TopicSettings(name=unique("topic"), partitions=1)
        ensure_topics(doomed.bootstrap_servers, (topic,))
        producer = RecordProducer(doomed.bootstrap_servers, topic.name, request_timeout_ms=2000)
        producer.send_records(generate_records(1), connector="test")
        assert producer.flush() == 1
        doomed.stop()
        producer.send_records(generate_records(3), connector="test")
        with pytest.raises(DeliveryError) as failed:
            producer.flush(timeout_s=5)
        assert failed.value.sent == 3
        assert failed.value.failed >= 1
        producer.close(timeout_s=1)


def test_replay_skips_blank_lines_only(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b'{"id": "x:1"}\r\n   \n\n[1]\n')
    values = [m.value for b in ReplayConnector([path]).fetch(None) for m in b.messages]
    assert values == [b'{"id": "x:1"}', b"[1]"]
    assert json.loads(values[0])["id"] == "x:1"

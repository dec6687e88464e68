"""Helpers for integration tests: replay lines, read topics back, snapshot the warehouse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from pipelines.config import Settings
from pipelines.kafka_admin import consumer_settings, high_water_marks
from pipelines.usecases.ingest import ingest
from pipelines.warehouse import open_warehouse


def replay(settings: Settings, lines: list[bytes], path: Path) -> int:
    """Write lines to a JSONL file and replay it into the records topic."""
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert settings.kafka.bootstrap_servers
    return ingest(settings, settings.kafka.bootstrap_servers, [path]).total


def read_topic(settings: Settings, topic: str) -> list[Any]:
    """Every message currently in a topic, in partition then offset order."""
    from kafka import KafkaConsumer, TopicPartition

    bootstrap = settings.kafka.bootstrap_servers
    assert bootstrap
    _, ends = high_water_marks(bootstrap, topic)
    consumer = KafkaConsumer(**consumer_settings(bootstrap, "test-reader"))
    try:
        partitions = [TopicPartition(topic, number) for number in sorted(ends)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        messages: list[Any] = []
        while any(consumer.position(tp) < ends[tp.partition] for tp in partitions):
            for batch in consumer.poll(timeout_ms=500).values():
                messages.extend(batch)
        return sorted(messages, key=lambda message: (message.partition, message.offset))
    finally:
        consumer.close()


def snapshot(settings: Settings) -> dict[str, list[tuple[Any, ...]]]:
    """Data rows of the warehouse, for comparing before and after a rerun."""
    warehouse = open_warehouse(settings.warehouse)
    try:
        return {
            "records": warehouse.query("SELECT * FROM records ORDER BY id"),
            "dead_letters": warehouse.query(
                "SELECT * FROM dead_letters ORDER BY topic, value_sha256"
            ),
            "offsets": warehouse.query(
                "SELECT consumer_group, topic, kafka_partition, next_offset, cluster_id "
                "FROM offsets ORDER BY 1, 2, 3"
            ),
        }
    finally:
        warehouse.close()


def query(settings: Settings, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one query against the test's warehouse."""
    warehouse = open_warehouse(settings.warehouse)
    try:
        return warehouse.query(sql, parameters)
    finally:
        warehouse.close()


def settings_environment(settings: Settings) -> dict[str, str]:
    """Environment variables that give a subprocess exactly these settings."""
    secrets = {
        "twitter": {"bearer_token", "account_tokens"},
        "facebook": {"page_tokens"},
    }
    dumped = settings.model_dump(
        mode="json",
        exclude={
            "warehouse": {"password"},
            "privacy": {"pseudonym_key"},
            "connectors": secrets,  # type: ignore[dict-item]
        },
    )
    environment = {key: value for key, value in os.environ.items() if not key.startswith("SOCMON_")}
    environment["SOCMON_PRIVACY__PSEUDONYM_KEY"] = os.environ["SOCMON_PRIVACY__PSEUDONYM_KEY"]
    for section, value in dumped.items():
        if section != "connectors":
            environment[f"SOCMON_{section.upper()}"] = json.dumps(value)
    # Nested variables for the connectors, so their tokens can travel as separate secrets.
    connectors = settings.connectors
    environment["SOCMON_CONNECTORS__ENABLED"] = json.dumps(list(connectors.enabled))
    for name in ("twitter", "facebook", "retry"):
        environment[f"SOCMON_CONNECTORS__{name.upper()}"] = json.dumps(dumped["connectors"][name])
    tokens = {
        "SOCMON_CONNECTORS__TWITTER__ACCOUNT_TOKENS": connectors.twitter.account_tokens,
        "SOCMON_CONNECTORS__FACEBOOK__PAGE_TOKENS": connectors.facebook.page_tokens,
    }
    for variable, by_account in tokens.items():
        if by_account:
            environment[variable] = json.dumps(
                {key: token.get_secret_value() for key, token in by_account.items()}
            )
    return environment


def run_cli(
    settings: Settings, *args: str, failpoint: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``socmon`` in a subprocess with these settings (and maybe a failpoint)."""
    environment = settings_environment(settings)
    if failpoint:
        environment["SOCMON_FAILPOINT"] = failpoint
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )

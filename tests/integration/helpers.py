"""Helpers for integration tests: replay lines, read topics back, read the warehouse by name.

The warehouse is read through a connection of the test's own (read-only for
DuckDB), opened and closed around each query, so tests check what was
committed without going through the code under test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipelines.config import Settings
from pipelines.kafka_admin import consumer_settings, high_water_marks
from pipelines.usecases.ingest import ingest

#: A warehouse row, read by column name.
Row = dict[str, Any]

READ_TOPIC_TIMEOUT_S = 60.0


def replay(settings: Settings, lines: list[bytes], path: Path) -> int:
    """Write lines to a JSONL file and replay it into the records topic."""
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert settings.kafka.bootstrap_servers
    return ingest(settings, settings.kafka.bootstrap_servers, [path]).total


def read_topic(
    settings: Settings, topic: str, timeout_s: float = READ_TOPIC_TIMEOUT_S
) -> list[Any]:
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
        deadline = time.monotonic() + timeout_s
        while True:
            behind = {
                tp.partition: (position, ends[tp.partition])
                for tp in partitions
                if (position := consumer.position(tp)) < ends[tp.partition]
            }
            if not behind:
                break
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{topic} not read to its end within {timeout_s:.0f} s; "
                    f"partition: (position, end) {behind}"
                )
            for batch in consumer.poll(timeout_ms=500).values():
                messages.extend(batch)
        return sorted(messages, key=lambda message: (message.partition, message.offset))
    finally:
        consumer.close()


def snapshot(settings: Settings) -> dict[str, list[Row]]:
    """Data rows of the warehouse, for comparing before and after a rerun."""
    with _reading(settings) as run:
        return {
            "records": run("SELECT * FROM records ORDER BY id", ()),
            "dead_letters": run("SELECT * FROM dead_letters ORDER BY topic, value_sha256", ()),
            "offsets": run(
                "SELECT consumer_group, topic, kafka_partition, next_offset, cluster_id "
                "FROM offsets ORDER BY consumer_group, topic, kafka_partition",
                (),
            ),
        }


def query(settings: Settings, sql: str, parameters: Sequence[Any] = ()) -> list[Row]:
    """Rows of one query (``?`` placeholders) against the test's warehouse, keyed by column."""
    with _reading(settings) as run:
        return run(sql, parameters)


def count(settings: Settings, table: str, where: str = "", parameters: Sequence[Any] = ()) -> int:
    """How many rows of ``table`` match ``where`` (all of them when it is empty)."""
    condition = f" WHERE {where}" if where else ""
    [row] = query(settings, f"SELECT count(*) AS n FROM {table}{condition}", parameters)
    return int(row["n"])


Run = Callable[[str, Sequence[Any]], list[Row]]


@contextmanager
def _reading(settings: Settings) -> Iterator[Run]:
    """Queries on a read connection of the test's own to the warehouse, closed on leaving."""
    url = settings.warehouse.url
    if url.startswith("duckdb://"):
        import duckdb

        from pipelines.warehouse.duckdb_connection import DUCKDB_CONFIG

        duck = duckdb.connect(url.removeprefix("duckdb:///"), read_only=True, config=DUCKDB_CONFIG)
        duck.execute("SET TimeZone = 'UTC'")

        def run(sql: str, parameters: Sequence[Any]) -> list[Row]:
            cursor = duck.execute(sql, list(parameters))
            names = [column[0] for column in cursor.description or []]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

        close = duck.close
    else:
        import psycopg
        from psycopg import sql as pgsql
        from psycopg.rows import dict_row

        from pipelines.warehouse.postgres_connection import read_json_as_text

        password = settings.warehouse.password
        postgres = psycopg.connect(
            url,
            password=password.get_secret_value() if password else None,
            autocommit=True,
            connect_timeout=10,
            row_factory=dict_row,
        )
        postgres.execute("SET TIME ZONE 'UTC'")
        read_json_as_text(postgres)  # as socmon's own connection reads JSON columns
        schema = pgsql.Identifier(settings.warehouse.db_schema)
        postgres.execute(pgsql.SQL("SET search_path TO {}").format(schema))

        def run(sql: str, parameters: Sequence[Any]) -> list[Row]:
            # Tests write DuckDB's "?" placeholders; psycopg wants "%s" (and "%%" for "%").
            statement = sql.replace("%", "%%").replace("?", "%s")
            return postgres.execute(statement, list(parameters)).fetchall()

        close = postgres.close
    try:
        yield run
    finally:
        close()


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
            "connectors": secrets,
            "review": {"link_key"},
            "smtp": {"password"},
        },
    )
    environment = {key: value for key, value in os.environ.items() if not key.startswith("SOCMON_")}
    environment["SOCMON_PRIVACY__PSEUDONYM_KEY"] = os.environ["SOCMON_PRIVACY__PSEUDONYM_KEY"]
    # Secrets travel as their own variables (a dumped SecretStr is only its mask).
    for variable, secret in (
        ("SOCMON_REVIEW__LINK_KEY", settings.review.link_key),
        ("SOCMON_SMTP__PASSWORD", settings.smtp.password),
    ):
        if secret is not None:
            environment[variable] = secret.get_secret_value()
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

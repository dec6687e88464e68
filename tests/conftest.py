"""Shared fixtures: one real broker per test session, PostgreSQL, settings with private names.

Every test gets its own topics, consumer group, DuckDB file or PostgreSQL
schema, so tests never see each other's data.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from connectors.broker import EmbeddedBroker
from pipelines.config import Settings
from tests.support import (
    POSTGRES_URL,
    TEST_PSEUDONYM_KEY,
    SettingsFactory,
    demo_accounts,
)


@pytest.fixture(scope="session", autouse=True)
def pseudonym_key() -> Iterator[str]:
    """Every test process (and its pipeline workers) reads the key from the environment."""
    previous = os.environ.get("SOCMON_PRIVACY__PSEUDONYM_KEY")
    os.environ["SOCMON_PRIVACY__PSEUDONYM_KEY"] = TEST_PSEUDONYM_KEY
    yield TEST_PSEUDONYM_KEY
    if previous is None:
        del os.environ["SOCMON_PRIVACY__PSEUDONYM_KEY"]
    else:
        os.environ["SOCMON_PRIVACY__PSEUDONYM_KEY"] = previous


@pytest.fixture(scope="session")
def broker() -> Iterator[EmbeddedBroker]:
    """A real Kafka-protocol broker (Tansu) for the whole test session."""
    with EmbeddedBroker() as embedded:
        yield embedded


@pytest.fixture(scope="session")
def postgres_available() -> bool:
    """Whether PostgreSQL answers; under CI a missing server fails instead of skipping."""
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
        return True
    except psycopg.OperationalError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI and is not reachable: {error}")
        return False


@pytest.fixture(params=["duckdb", "postgresql"])
def warehouse_kind(request: pytest.FixtureRequest, postgres_available: bool) -> str:
    """Each warehouse test runs against DuckDB and against PostgreSQL."""
    kind = str(request.param)
    if kind == "postgresql" and not postgres_available:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    return kind


@pytest.fixture
def make_settings(
    tmp_path: Path, broker: EmbeddedBroker, postgres_available: bool
) -> Iterator[SettingsFactory]:
    """Build Settings with private topics, group and warehouse for this test."""
    schemas: list[str] = []

    def factory(warehouse: str = "duckdb", **overrides: Any) -> Settings:
        suffix = uuid.uuid4().hex[:10]
        if warehouse == "postgresql":
            schema = f"t_{suffix}"
            schemas.append(schema)
            warehouse_settings = {"url": POSTGRES_URL, "db_schema": schema}
        else:
            warehouse_settings = {"url": f"duckdb:///{tmp_path / 'warehouse.duckdb'}"}
        values: dict[str, Any] = {
            "accounts": demo_accounts(),
            "kafka": {
                "bootstrap_servers": broker.bootstrap_servers,
                "records_topic": {"name": f"records-{suffix}", "partitions": 3},
                "alerts_topic": {"name": f"alerts-{suffix}"},
                "deadletter_topic": {"name": f"deadletter-{suffix}", "partitions": 1},
                "consumer_group": f"group-{suffix}",
            },
            "warehouse": warehouse_settings,
            "pipeline": {"staging_dir": str(tmp_path / "staging"), "poll_timeout_s": 20},
            "connectors": {"enabled": ["replay"]},
        }
        for key, value in overrides.items():
            if isinstance(value, dict) and isinstance(values.get(key), dict):
                values[key] = {**values[key], **value}
            else:
                values[key] = value
        return Settings(**values)

    yield factory
    if schemas and postgres_available:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            for schema in schemas:
                connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(autouse=True)
def logging_as_it_was() -> Iterator[None]:
    """A command run in-process sets up logging for itself; undo it, so later tests do not
    write to a stream that this test's output capture has closed."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)

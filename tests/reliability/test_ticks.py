"""Ticks of `socmon run` on the embedded broker survive kills: nothing fetched is ever lost.

The embedded broker keeps messages in memory and dies with the tick, so every kill loses
what the broker held. Cursors follow the warehouse (checkpoints promoted by the commit), so
the next tick fetches again whatever was not committed, and the upsert by record id makes
the repeats harmless.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from pipelines.config import Settings
from testing.failpoints import FAILPOINT_EXIT_CODE
from testing.simulators import SeedPlan, Simulators
from tests.integration.helpers import count, query, run_cli, settings_environment
from tests.support import SettingsFactory, expected_ids, simulated_accounts

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SOAK = os.environ.get("SOCMON_SOAK") == "1"
KILLS = 60 if SOAK else 20
PLAN = SeedPlan(posts_per_account=4, replies_per_post=6, mentions_per_account=3)
TICK_DEADLINE_S = 120


@pytest.fixture
def simulators() -> Iterator[Simulators]:
    with Simulators(simulated_accounts(), PLAN) as running:
        yield running


def embedded_settings(make_settings: SettingsFactory, simulators: Simulators) -> Settings:
    """The shipped default: no broker configured, so each tick starts its own in memory."""
    settings = make_settings(connectors=simulators.connector_settings())
    kafka = settings.kafka.model_copy(update={"bootstrap_servers": None})
    return settings.model_copy(update={"kafka": kafka})


def stored_ids(settings: Settings) -> set[str]:
    return {row["id"] for row in query(settings, "SELECT id FROM records WHERE NOT deleted")}


def assert_every_run_reconciles(settings: Settings) -> None:
    for run in query(settings, "SELECT * FROM runs WHERE status = 'succeeded'"):
        accounted = (
            run["records_stored"]
            + run["records_suppressed"]
            + run["duplicates"]
            + run["out_of_scope"]
            + run["dead_letters"]
        )
        assert run["records_read"] == accounted, run["run_id"]


def test_a_tick_killed_after_staging_is_fetched_again_by_the_next_tick(
    make_settings: SettingsFactory, simulators: Simulators
) -> None:
    settings = embedded_settings(make_settings, simulators)
    expected = expected_ids(simulators.world, simulated_accounts())

    crashed = run_cli(settings, "run", failpoint="after_staging")
    assert crashed.returncode == FAILPOINT_EXIT_CODE, crashed.stderr
    assert count(settings, "records") == 0
    assert count(settings, "connector_cursors") == 0  # fetched, never committed: no cursor

    again = run_cli(settings, "run")
    assert again.returncode == 0, again.stderr
    assert stored_ids(settings) == expected
    assert "fetching again from the committed cursor" in again.stderr
    assert count(settings, "cursor_checkpoints") == 0


def test_random_kills_of_run_lose_nothing_and_store_nothing_twice(
    make_settings: SettingsFactory, simulators: Simulators
) -> None:
    settings = embedded_settings(make_settings, simulators)
    environment = settings_environment(settings)
    rng = random.Random(7)
    killed = 0
    while killed < KILLS:
        if rng.random() < 0.3:  # the platforms move on between ticks
            new_activity(simulators, killed)
        tick = start_tick(environment)
        time.sleep(rng.uniform(0.2, 6.0))
        if tick.poll() is None:
            tick.send_signal(signal.SIGKILL)
            killed += 1
        tick.wait(timeout=TICK_DEADLINE_S)
    finished = run_cli(settings, "run")
    assert finished.returncode == 0, finished.stderr
    assert stored_ids(settings) == expected_ids(simulators.world, simulated_accounts())
    assert_every_run_reconciles(settings)


def new_activity(simulators: Simulators, number: int) -> None:
    """An official post with a reply on X, and a comment on a Facebook page post."""
    accounts = simulated_accounts()
    x_account = next(a for a in accounts if a.platform == "x")
    page = next(a for a in accounts if a.platform == "facebook")
    world = simulators.world
    post = world.tweet(x_account.platform_id, f"Open day update {number}")
    world.tweet("7700000001", f"Thanks for update {number}", reply_to=post.id)
    page_post = world.page_post(page.platform_id, f"Library hours {number}")
    world.comment(page_post.id, "1077", "Some One", f"Good to know {number}")


def start_tick(environment: dict[str, str]) -> subprocess.Popen[Any]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "run"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_persistent_broker_restarted_empty_makes_the_connectors_fetch_again(
    make_settings: SettingsFactory, simulators: Simulators
) -> None:
    from connectors.broker import EmbeddedBroker
    from pipelines.usecases.ingest import ingest
    from pipelines.usecases.process import process

    settings = make_settings(connectors=simulators.connector_settings())
    expected = expected_ids(simulators.world, simulated_accounts())
    with EmbeddedBroker() as first:
        on_first = with_broker(settings, first.bootstrap_servers)
        assert ingest(on_first, first.bootstrap_servers).total > 0
    # The broker comes back empty (another cluster id) before anything was processed.
    with EmbeddedBroker() as second:
        on_second = with_broker(settings, second.bootstrap_servers)
        ingest(on_second, second.bootstrap_servers)
        process(on_second)
    assert stored_ids(settings) == expected
    assert count(settings, "cursor_checkpoints") == 0


def with_broker(settings: Settings, bootstrap: str) -> Settings:
    kafka = settings.kafka.model_copy(update={"bootstrap_servers": bootstrap})
    return settings.model_copy(update={"kafka": kafka})

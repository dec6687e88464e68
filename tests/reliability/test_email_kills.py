"""`socmon notify` killed at random moments sends no email twice and, once settled, every one.

A real SMTP server (aiosmtpd on loopback) counts every Message-ID it accepts and answers a
recipient and the final dot after short random pauses, so kills land both before the final
dot and between the server's acceptance and the notifier's record of it. New alerts arrive
between runs (ticks); each run is SIGKILLed at a random moment of its sending. Afterwards the
notifier runs undisturbed, the emails it holds as uncertain are settled from the server's log
(as an operator would: delivered if the log has the Message-ID, resent otherwise), and then:
no Message-ID was accepted twice, every delivery is sent, and every sent delivery's email is
one the server accepted exactly once.

CI runs 20 kills on DuckDB and 20 on PostgreSQL (under a minute each); ``SOCMON_SOAK=1``
(``make soak``) runs 150 on each.
"""

from __future__ import annotations

import asyncio
import email
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from connectors.broker import free_loopback_port
from pipelines.config import Settings
from pipelines.warehouse import open_warehouse
from pipelines.warehouse.alerts import alerts_table, deliveries_table
from schemas.alerts import Alert, Delivery, alert_id_of, delivery_id_of
from tests.integration.helpers import query, run_cli, settings_environment
from tests.support import SettingsFactory

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SOAK = os.environ.get("SOCMON_SOAK") == "1"
KILLS = 150 if SOAK else 20
TEST_DEADLINE_S = 3600 if SOAK else 150
RUN_DEADLINE_S = 60
RECIPIENTS = ("owner@university.example", "head@university.example")
#: Per tick: threads of three alerts; with two alerts per email each thread needs two emails.
THREADS_PER_TICK = 3


class CountingServer:
    """An SMTP handler that counts Message-IDs and pauses before answering a recipient (a
    kill then finds the email 'sending') and before answering the final dot ('uncertain')."""

    def __init__(self, seed: int) -> None:
        self.accepted: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.random = random.Random(seed)

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        await asyncio.sleep(self.random.uniform(0, 0.03))
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        await asyncio.sleep(self.random.uniform(0, 0.03))
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.accepted[str(message["Message-ID"])] += 1
        return "250 OK"

    def total(self) -> int:
        with self.lock:
            return sum(self.accepted.values())


@pytest.fixture
def smtp() -> Iterator[tuple[CountingServer, int]]:
    server = CountingServer(seed=12)
    port = free_loopback_port()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield server, port
    finally:
        controller.stop()


def add_tick_of_alerts(settings: Settings, tick: int) -> int:
    """Commit a tick's alerts with a delivery per recipient, due now; how many deliveries."""
    alerts: list[Alert] = []
    deliveries: list[Delivery] = []
    now = datetime.now(UTC)
    for thread in range(THREADS_PER_TICK):
        for number in range(3):
            record_id = f"x:{tick}{thread:02d}{number:02d}"
            alert = Alert(
                alert_id=alert_id_of(record_id),
                record_id=record_id,
                account="uni_main",
                rule_id="abuse-received",
                rule_version="rules-v1",
                category="offensive",
                policy_clause="7.17",
                severity="critical" if number == 0 else "high",
                score=0.9,
                evidence={"excerpt": f"excerpt {record_id}", "rule": {"id": "abuse-received"}},
                recommended_action="Report the post and keep the evidence.",
                recipients=RECIPIENTS,
                conversation_id=f"x:thread-{tick}-{thread}",
                url=None,
            )
            alerts.append(alert)
            deliveries.extend(
                Delivery(
                    delivery_id_of(alert.alert_id, recipient),
                    alert.alert_id,
                    recipient,
                    "immediate",
                    now - timedelta(minutes=1),
                )
                for recipient in RECIPIENTS
            )
    with open_warehouse(settings.warehouse) as warehouse:
        warehouse.alerts.insert(alerts_table(alerts), deliveries_table(deliveries), f"tick-{tick}")
    return len(deliveries)


def start_notify(environment: dict[str, str]) -> subprocess.Popen[Any]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "notify"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill_at_a_random_moment(
    notifier: subprocess.Popen[Any], server: CountingServer, rng: random.Random
) -> bool:
    """SIGKILL the notifier a random time after its first accepted email (or at a random
    moment from its start, one time in four); False if it had finished by then."""
    if rng.random() < 0.25:
        time.sleep(rng.uniform(0, 3.0))
    else:
        before, deadline = server.total(), time.monotonic() + RUN_DEADLINE_S
        while server.total() == before and notifier.poll() is None:
            assert time.monotonic() < deadline, "the notifier sent nothing within the deadline"
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.4))
    if notifier.poll() is not None:
        return False
    notifier.send_signal(signal.SIGKILL)
    notifier.wait(timeout=RUN_DEADLINE_S)
    return True


def emails_in(settings: Settings, status: str) -> list[str]:
    """Message-IDs of the emails whose deliveries are in ``status``."""
    rows = query(
        settings, "SELECT DISTINCT message_id FROM alert_deliveries WHERE status = ?", (status,)
    )
    return [row["message_id"] for row in rows]


def settle_from_the_server_log(settings: Settings, server: CountingServer) -> tuple[int, int]:
    """What an operator does for each uncertain email: (delivered, resent)."""
    delivered = resent = 0
    for message_id in emails_in(settings, "uncertain"):
        known = server.accepted[message_id] > 0
        settled = run_cli(
            settings, "alerts", "settle", message_id, "--delivered" if known else "--resend"
        )
        assert settled.returncode == 0, settled.stderr
        delivered, resent = delivered + known, resent + (not known)
    return delivered, resent


@pytest.mark.timeout(TEST_DEADLINE_S + 300)
def test_random_kills_of_notify_send_every_email_exactly_once(
    make_settings: SettingsFactory, smtp: tuple[CountingServer, int], warehouse_kind: str
) -> None:
    server, port = smtp
    settings = make_settings(
        warehouse_kind,
        smtp={"host": "127.0.0.1", "port": port, "starttls": False, "retry_base_s": 0},
        alerts={"max_alerts_per_email": 2, "max_emails_per_hour": 10_000},
    )
    environment = settings_environment(settings)
    rng = random.Random(2026)
    started = time.monotonic()
    deliveries = kills = finished_runs = tick = caught_sending = 0
    while kills < KILLS:
        assert time.monotonic() - started < TEST_DEADLINE_S, f"only {kills} kills in time"
        deliveries += add_tick_of_alerts(settings, tick)
        tick += 1
        if kill_at_a_random_moment(start_notify(environment), server, rng):
            kills += 1
            caught_sending += len(emails_in(settings, "sending"))  # resent by the next run
        else:
            finished_runs += 1
        # No Message-ID accepted twice (none yet is fine: a kill may land before the first).
        assert max(server.accepted.values(), default=0) <= 1, server.accepted.most_common(3)

    undisturbed = run_cli(settings, "notify")
    assert undisturbed.returncode == 0, undisturbed.stderr
    delivered, resent = settle_from_the_server_log(settings, server)
    after_settling = run_cli(settings, "notify")
    assert after_settling.returncode == 0, after_settling.stderr

    duplicates = {mid: n for mid, n in server.accepted.items() if n > 1}
    assert duplicates == {}
    rows = query(settings, "SELECT status, message_id FROM alert_deliveries")
    assert len(rows) == deliveries
    assert Counter(row["status"] for row in rows) == {"sent": deliveries}
    assert {row["message_id"] for row in rows} == set(server.accepted)
    print(
        f"\n{kills} kills ({finished_runs} runs finished first) over {tick} ticks: "
        f"{deliveries} deliveries in {len(server.accepted)} emails, no duplicate; "
        f"{caught_sending} kills before a final dot (resent by the next run), "
        f"{delivered + resent} after one: held as uncertain and settled "
        f"({delivered} delivered, {resent} resent)"
    )

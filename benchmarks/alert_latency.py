"""End-to-end alert latency: from an abusive reply on X to the email at the SMTP server.

Runs the X and Graph API simulators, an embedded broker, a DuckDB warehouse
and a real SMTP server (aiosmtpd) on loopback. While scheduler ticks
(`socmon run`: ingest, process, notify) run every ``--interval`` seconds, a
member of the public posts threatening replies to @UniOfficial at random
moments. For each reply, the time from its creation to the arrival of the
email naming it is measured. A tick on 100 new records is timed separately.

The last line is machine-readable: ``alert_latency_p50_s=A alert_latency_p95_s=B``.

Usage: ``python benchmarks/alert_latency.py [--replies 20] [--interval 30]``
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import secrets
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from connectors.broker import EmbeddedBroker, free_loopback_port
from pipelines.config import Settings
from pipelines.privacy.pseudonyms import KEY_VARIABLE
from pipelines.usecases.tick import run_tick
from testing.simulators import SeedPlan, SimulatedAccount, Simulators
from testing.synthetic import demo_account_settings, demo_text


class Arrivals:
    """Records when each email arrived and what it said."""

    def __init__(self) -> None:
        self.seen: list[tuple[float, str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.seen.append((time.time(), envelope.content.decode("utf-8", "replace")))
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=20)
    parser.add_argument("--interval", type=float, default=30.0)
    parser.add_argument("--ticks", type=int, default=8)
    options = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    os.environ.setdefault(KEY_VARIABLE, secrets.token_hex(32))  # synthetic data: any key
    accounts = [
        SimulatedAccount(a["key"], a["platform"], a["platform_id"], a["handle"])
        for a in demo_account_settings()
    ]
    arrivals = Arrivals()
    smtp_port = free_loopback_port()
    controller = Controller(arrivals, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    rng = random.Random(5)
    plan = SeedPlan(posts_per_account=10, replies_per_post=10, mentions_per_account=5)
    with (
        tempfile.TemporaryDirectory() as workdir,
        EmbeddedBroker() as broker,
        Simulators(accounts, plan, text=demo_text) as simulators,
    ):
        settings = Settings(
            accounts=demo_account_settings(),
            kafka={"bootstrap_servers": broker.bootstrap_servers},
            warehouse={"url": f"duckdb:///{Path(workdir) / 'warehouse.duckdb'}"},
            pipeline={"staging_dir": str(Path(workdir) / "staging")},
            connectors=simulators.connector_settings(),
            smtp={"host": "127.0.0.1", "port": smtp_port, "starttls": False},
            alerts={"burst_minutes": 0},
        )
        run_tick(settings)  # the backlog: the first sync
        main_account = simulators.account("uni_main")
        posts = [
            t for t in simulators.world.tweets.values() if t.author_id == main_account.platform_id
        ]
        created: dict[str, float] = {}
        span = options.interval * (options.ticks - 1)
        moments = sorted(rng.uniform(0, span) for _ in range(options.replies))
        started = time.time()

        def publish() -> None:
            for number, moment in enumerate(moments):
                time.sleep(max(0.0, started + moment - time.time()))
                marker = f"ref{number:03d}"
                post = rng.choice(posts)
                simulators.world.tweet(
                    "7700000003",
                    f"I know where you live {marker}, watch your back",
                    reply_to=post.id,
                )
                created[marker] = time.time()

        publisher = threading.Thread(target=publish, daemon=True)
        publisher.start()
        tick_seconds = []
        for tick in range(options.ticks + 2):
            begin = time.time()
            run_tick(settings)
            tick_seconds.append(time.time() - begin)
            time.sleep(max(0.0, started + (tick + 1) * options.interval - time.time()))
        publisher.join()
        for n in range(100):  # one tick on 100 new records
            simulators.world.tweet(
                "7700000004", f"Question {n} about the timetable", reply_to=rng.choice(posts).id
            )
        begin = time.time()
        run_tick(settings)
        hundred = time.time() - begin
    controller.stop()
    latencies = []
    for marker, at in created.items():
        arrived = [when for when, content in arrivals.seen if marker in content]
        if arrived:
            latencies.append(min(arrived) - at)
    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    print(f"replies published / emailed    : {len(created)} / {len(latencies)}")
    print(f"tick interval                  : {options.interval:.0f} s")
    median_tick, slowest = statistics.median(tick_seconds), max(tick_seconds)
    print(f"tick wall time (median / max)  : {median_tick:.1f} / {slowest:.1f} s")
    print(f"one tick on 100 new records    : {hundred:.1f} s")
    print(f"latency reply → email (min/max): {latencies[0]:.1f} / {latencies[-1]:.1f} s")
    print(f"alert_latency_p50_s={p50:.1f} alert_latency_p95_s={p95:.1f}")


if __name__ == "__main__":
    main()

"""Review queue page load with 10,000 alerts: the time to GET the queue through the running app.

Seeds a warehouse with ``--alerts`` alerts raised by the real alert builder (three demo
accounts, over 30 days, about one in eight still waiting; the rest resolved), serves the
review app with uvicorn on loopback and times ``--loads`` GETs of a queue over HTTP, with a
session cookie as a browser would send it. Each GET opens the warehouse, runs the page's
queries (one page of 50 rows and the counts by severity, status and account), writes the
view to the audit log, renders and closes the warehouse again. Timed pages:

* ``admin /``: every account's waiting alerts (the largest queue);
* ``admin /?status=any``: all 10,000 alerts, any status;
* ``owner /accounts/KEY?severity=high``: one account, filtered.

Goal: p95 under 200 ms. The last line is machine-readable:
``review_queue_p50_ms=A review_queue_p95_ms=B`` (the slowest page's).

Usage: ``python benchmarks/review_queue.py [--alerts 10000] [--loads 50]
[--warehouses duckdb postgresql]`` (PostgreSQL at 127.0.0.1:5432, database ``test``, in a
schema of its own that is dropped after).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from pipelines.config import Settings
from pipelines.warehouse import open_warehouse
from pipelines.web import create_app
from pipelines.web.identity import SESSION_COOKIE
from testing.review_demo import seed, serving
from testing.synthetic import demo_account_settings

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
KEY = "benchmark-only-link-key-0123456789abcdef"
ADMIN = "admin@university.example"
OWNER = "comms@university.example"


def _settings(place: dict[str, Any]) -> Settings:
    values: dict[str, Any] = {
        "accounts": demo_account_settings(),
        "warehouse": place,
        "review": {"link_key": KEY, "admins": [ADMIN]},
    }
    return Settings(**values)


def _seed(settings: Settings, count: int) -> None:
    now = datetime.now(UTC)
    started = time.perf_counter()
    with open_warehouse(settings.warehouse) as warehouse:
        raised = seed(warehouse, settings, count, now, spread_hours=30 * 24)
        rng = random.Random(5)
        verdicts = ("confirmed", "false_positive", "false_positive", "duplicate")
        with warehouse.transaction():
            for alert in raised:
                if rng.random() < 0.875:
                    warehouse.review.resolve(alert.alert_id, rng.choice(verdicts), OWNER, now)
    print(f"seeded {count} alerts in {time.perf_counter() - started:.1f} s")


def _time(client: httpx.Client, path: str, loads: int) -> list[float]:
    client.get(path).raise_for_status()  # warm: templates compiled, files cached
    spent = []
    for _ in range(loads):
        started = time.perf_counter()
        response = client.get(path)
        spent.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return spent


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(place: dict[str, Any], count: int, loads: int) -> tuple[float, float]:
    settings = _settings(place)
    _seed(settings, count)
    app = create_app(settings)
    sessions = app.state.review.sessions
    now = datetime.now(UTC)
    worst = (0.0, 0.0)
    with serving(app) as base:
        for who, path in (
            (ADMIN, "/"),
            (ADMIN, "/?status=any"),
            (OWNER, "/accounts/uni_main?severity=high"),
        ):
            cookie = sessions.cookie(sessions.new(who, "link", now))
            with httpx.Client(base_url=base, cookies={SESSION_COOKIE: cookie}) as client:
                spent = _time(client, path, loads)
                total = client.get(path).text.split(" alert(s)")[0].rsplit(">", 1)[-1].strip()
            p50, p95 = statistics.median(spent), _percentile(spent, 0.95)
            name = who.split("@")[0]
            print(f"{name:>5} {path:<34} {total:>6} alerts  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
            worst = max(worst, (p50, p95), key=lambda pair: pair[1])
    return worst


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--loads", type=int, default=50)
    parser.add_argument(
        "--warehouses", nargs="+", choices=["duckdb", "postgresql"], default=["duckdb"]
    )
    args = parser.parse_args(argv)
    worst = (0.0, 0.0)
    for kind in args.warehouses:
        print(kind)
        if kind == "duckdb":
            with tempfile.TemporaryDirectory() as folder:
                place = {"url": f"duckdb:///{Path(folder) / 'w.duckdb'}"}
                measured = run(place, args.alerts, args.loads)
        else:
            import psycopg

            schema = f"bench_{uuid.uuid4().hex[:8]}"
            try:
                measured = run({"url": POSTGRES_URL, "db_schema": schema}, args.alerts, args.loads)
            finally:
                with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
                    connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        worst = max(worst, measured, key=lambda pair: pair[1])
    print(f"review_queue_p50_ms={worst[0]:.1f} review_queue_p95_ms={worst[1]:.1f}")


if __name__ == "__main__":
    main()

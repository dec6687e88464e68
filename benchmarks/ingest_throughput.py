"""Throughput of `socmon ingest`: from the API simulators into the broker, through the real clients.

Seeds the X and Graph API simulators with about 50,000 items on 10 official
accounts (6 on X, 4 Facebook pages), then times one `ingest` — the real
tweepy and facebook-sdk clients over HTTP on loopback, mapping to records,
producing to an embedded broker with acks=all, and storing cursors in a
DuckDB warehouse after each flushed page. The simulators run in the same
process (threads), so their own work is counted against us.

The last line is machine-readable: ``ingest_records_per_s=N``.

Usage: ``python benchmarks/ingest_throughput.py [--posts N] [--replies N] [--mentions N]``
"""

from __future__ import annotations

import argparse
import logging
import resource
import tempfile
import time
from pathlib import Path

from connectors.broker import EmbeddedBroker
from pipelines.config import Settings
from pipelines.usecases.ingest import ingest
from testing.simulators import SeedPlan, Simulators, ten_accounts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100, help="Posts per account.")
    parser.add_argument("--replies", type=int, default=48, help="Replies or comments per post.")
    parser.add_argument("--mentions", type=int, default=200, help="Mentions per X account.")
    options = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    plan = SeedPlan(
        posts_per_account=options.posts,
        replies_per_post=options.replies,
        mentions_per_account=options.mentions,
        days=5.0,
        public_users=2000,
    )
    seeding = time.perf_counter()
    simulated = ten_accounts()
    with Simulators(simulated, plan) as simulators, EmbeddedBroker() as broker:
        seeded = time.perf_counter() - seeding
        items = len(simulators.world.tweets) + len(simulators.world.posts)
        items += len(simulators.world.comments)
        with tempfile.TemporaryDirectory() as workdir:
            settings = Settings(
                accounts=simulators.account_settings(),
                kafka={"bootstrap_servers": broker.bootstrap_servers},
                warehouse={"url": f"duckdb:///{Path(workdir) / 'warehouse.duckdb'}"},
                connectors=simulators.connector_settings(),
            )
            started = time.perf_counter()
            result = ingest(settings, broker.bootstrap_servers)
            elapsed = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    requests = len(simulators.x_server.requests) + len(simulators.graph_server.requests)
    gaps = result.describe_gaps()
    print(f"items on the simulated platforms : {items:,} (seeded in {seeded:.1f} s)")
    print(f"records delivered to the broker  : {result.total:,} in {elapsed:.1f} s")
    print(f"API requests                     : {requests:,}")
    print(f"coverage gaps                    : {len(gaps) or 'none'}")
    for line in gaps:
        print(f"  {line}")
    print(f"peak RSS                         : {peak_mib:.0f} MiB")
    print(f"ingest_records_per_s={result.total / elapsed:.0f}")


if __name__ == "__main__":
    main()

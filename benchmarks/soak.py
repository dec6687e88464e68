"""Soak: about a million items through ingest → process → notify, with the invariant checked.

Seeds the X and Graph API simulators (10 official accounts), then runs the three stages in
this process against an embedded broker and a DuckDB warehouse: `ingest` through the real
tweepy and facebook-sdk clients, `process` (Beam on the DirectRunner, the commit), `notify`
(emails written as .eml files). Prints each stage's throughput, the peak memory after each
(the simulators' world is in this process too: its share is printed after seeding), and
whether every run reconciles and every item the platforms hold is stored exactly once.

The last line is machine-readable: ``soak_items=N ingest_per_s=… process_per_s=… ok=1``.

Usage: ``python benchmarks/soak.py [--posts N] [--replies N] [--mentions N]``
(defaults: about 1,000,000 items; ``--posts 50`` makes about 100,000).
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from connectors.broker import EmbeddedBroker
from pipelines.config import Settings
from pipelines.privacy.pseudonyms import KEY_VARIABLE
from pipelines.usecases.ingest import ingest
from pipelines.usecases.notify import notify
from pipelines.usecases.process import process
from pipelines.warehouse import open_warehouse
from testing.simulators import SeedPlan, Simulators, ten_accounts
from testing.synthetic import demo_text


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def settings_for(simulators: Simulators, bootstrap: str, workdir: Path) -> Settings:
    return Settings(
        accounts=simulators.account_settings(),
        kafka={"bootstrap_servers": bootstrap},
        warehouse={"url": f"duckdb:///{workdir / 'warehouse.duckdb'}"},
        pipeline={"staging_dir": str(workdir / "staging")},
        operations={"outbox_dir": str(workdir / "outbox")},
        connectors=simulators.connector_settings(),
    )


def timed(label: str, action: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - started
    print(f"{label:<34}: {elapsed:8.1f} s, peak RSS so far {peak_mib():,.0f} MiB", flush=True)
    return result, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=500, help="Posts per account.")
    parser.add_argument("--replies", type=int, default=196, help="Replies or comments per post.")
    parser.add_argument("--mentions", type=int, default=2500, help="Mentions per X account.")
    options = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    os.environ.setdefault(KEY_VARIABLE, "soak-benchmark-pseudonym-key-0123456789")
    plan = SeedPlan(
        posts_per_account=options.posts,
        replies_per_post=options.replies,
        mentions_per_account=options.mentions,
        days=5.0,
        public_users=5000,
    )
    with Simulators(ten_accounts(), plan, text=demo_text) as simulators, EmbeddedBroker() as broker:
        world = simulators.world
        items = len(world.tweets) + len(world.posts) + len(world.comments)
        print(f"{'items on the simulated platforms':<34}: {items:,}; RSS {peak_mib():,.0f} MiB")
        with tempfile.TemporaryDirectory() as directory:
            settings = settings_for(simulators, broker.bootstrap_servers, Path(directory))
            ingested, ingest_s = timed("ingest", lambda: ingest(settings, broker.bootstrap_servers))
            processed, process_s = timed("process", lambda: process(settings))
            notified, notify_s = timed("notify", lambda: notify(settings))
            with open_warehouse(settings.warehouse) as warehouse:
                stored = warehouse.count("records")
                alerts = warehouse.count("alerts")
    reconciles = processed.reconciles()
    delivered = ingested.total
    print(f"records delivered to the broker    : {delivered:,} ({delivered / ingest_s:,.0f}/s)")
    print(
        f"records read / stored / duplicates : {processed.records_read:,} / {stored:,} / "
        f"{processed.duplicates:,} ({processed.records_read / process_s:,.0f}/s)"
    )
    sent = notified.emails_sent
    print(f"alerts / emails                    : {alerts:,} / {sent:,} in {notify_s:.1f} s")
    print(f"coverage gaps                      : {len(ingested.gaps) or 'none'}")
    print(f"run reconciles                     : {'yes' if reconciles else 'NO'}")
    ok = reconciles and not ingested.gaps and stored == processed.records_stored
    print(
        f"soak_items={items} ingest_per_s={ingested.total / ingest_s:.0f} "
        f"process_per_s={processed.records_read / process_s:.0f} peak_mib={peak_mib():.0f} "
        f"ok={int(ok)}"
    )


if __name__ == "__main__":
    main()

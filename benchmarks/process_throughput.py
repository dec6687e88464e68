"""Throughput of `socmon process` against the fastest plain kafka-python read of the same records.

Puts N synthetic records (default 100,000) into an embedded broker, then in
the same run times:

* a plain read: one kafka-python consumer, all partitions assigned, tuned
  fetch sizes, counting messages and touching nothing else — the baseline;
* `process` end to end: fixing ranges, the Beam pipeline (read, parse,
  validate, deduplicate, stage), the commit transaction into DuckDB and the
  post-commit steps.

The last line is machine-readable:
``process_records_per_s=N raw_read_records_per_s=M process_vs_raw_read=R``.

Usage: ``python benchmarks/process_throughput.py [--records N] [-- beam options]``
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from connectors.broker import EmbeddedBroker
from connectors.producer import RecordProducer
from connectors.topics import ensure_social_monitor_topics
from pipelines.config import Settings
from pipelines.kafka_admin import consumer_settings
from pipelines.usecases.process import process
from testing.synthetic import demo_account_settings, generate_records


def produce(settings: Settings, bootstrap: str, count: int) -> float:
    ensure_social_monitor_topics(bootstrap, settings.kafka)
    started = time.perf_counter()
    with RecordProducer(bootstrap, settings.kafka.records_topic.name) as producer:
        producer.send_records(generate_records(count, seed=11), connector="benchmark")
        producer.flush(timeout_s=300)
    return time.perf_counter() - started


def plain_read(bootstrap: str, topic: str, expected: int) -> float:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(**consumer_settings(bootstrap, "benchmark-raw-read"))
    partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    started = time.perf_counter()
    seen = 0
    while seen < expected:
        for messages in consumer.poll(timeout_ms=1000).values():
            seen += len(messages)
    elapsed = time.perf_counter() - started
    consumer.close()
    return elapsed


def main(argv: list[str] | None = None) -> None:
    # Pipeline workers read the pseudonym key from the environment; the benchmark brings its own.
    os.environ.setdefault("SOCMON_PRIVACY__PSEUDONYM_KEY", "benchmark-only-key-0123456789")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("runner_options", nargs="*", help="Beam options, after --")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    accounts = demo_account_settings()
    with tempfile.TemporaryDirectory() as workdir, EmbeddedBroker() as broker:
        settings = Settings(
            accounts=accounts,
            kafka={"bootstrap_servers": broker.bootstrap_servers},
            warehouse={"url": f"duckdb:///{Path(workdir) / 'bench.duckdb'}"},
            pipeline={"staging_dir": str(Path(workdir) / "staging")},
        )
        produce_s = produce(settings, broker.bootstrap_servers, args.records)
        print(f"produced {args.records} records in {produce_s:.2f} s")
        raw_s = plain_read(
            broker.bootstrap_servers, settings.kafka.records_topic.name, args.records
        )
        started = time.perf_counter()
        result = process(settings, args.runner_options)
        process_s = time.perf_counter() - started
        if result.records_read != args.records or not result.reconciles():
            sys.exit(f"benchmark invalid: read {result.records_read} of {args.records}")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    process_rate = args.records / process_s
    raw_rate = args.records / raw_s
    print(f"plain kafka-python read: {raw_s:.2f} s; process end to end: {process_s:.2f} s")
    print(f"stored {result.records_stored}; peak RSS of this process {peak_mib:.0f} MiB")
    print(
        f"process_records_per_s={process_rate:.0f} raw_read_records_per_s={raw_rate:.0f} "
        f"process_vs_raw_read={process_rate / raw_rate:.2f}"
    )


if __name__ == "__main__":
    main()

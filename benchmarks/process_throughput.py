"""Throughput of `socmon process` against the fastest plain kafka-python read of the same records.

Puts N synthetic records (default 100,000) into an embedded broker, then in
the same run times:

* a plain read: one kafka-python consumer, all partitions assigned, tuned
  fetch sizes, counting messages and touching nothing else — the baseline;
* `process` end to end: fixing ranges, the Beam pipeline (read, parse,
  validate, deduplicate, stage), the commit transaction into DuckDB and the
  post-commit steps.

With ``--runner dask`` it also runs `process` on a local Dask cluster (Beam's DaskRunner)
of each ``--workers`` count, one single-threaded worker process each, after the
DirectRunner in the same run; each configuration reads every record again into its own
warehouse, created before the clock starts (a scheduled tick finds it there). Starting
the cluster is not timed (a cluster outlives a run), and its scheduler and workers import
the pipeline's modules when they start (``--preload pipelines.beam.dask_preload``;
``--no-preload`` leaves that to the first graph and tasks); loading the models on each
worker is timed (once per worker and run). Each worker's CPU seconds are printed too: on a
shared machine the wall clock shows the cores the workers got, the CPU seconds what more
workers would gain with a core each.

The last line is machine-readable:
``process_records_per_s=N raw_read_records_per_s=M process_vs_raw_read=R`` and, with
Dask, ``dask_W_records_per_s=N`` per worker count, ``dask_scaling=R`` (the most
workers against the fewest, wall clock) and ``dask_cpu_scaling=R`` (all the fewest workers'
CPU seconds against the busiest worker's with the most workers).

Usage: ``python benchmarks/process_throughput.py [--records N] [--runner dask
[--workers 1 2] [--rounds N]] [-- beam options]``
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from distributed import Client

from connectors.broker import EmbeddedBroker
from connectors.producer import RecordProducer
from connectors.topics import ensure_social_monitor_topics
from pipelines.config import Settings
from pipelines.kafka_admin import consumer_settings
from pipelines.usecases.process import ProcessResult, process
from pipelines.warehouse import open_warehouse
from testing.dask_cluster import PRELOAD, LocalDaskCluster
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


def workers_cpu_s(cluster: LocalDaskCluster) -> dict[str, float]:
    """CPU seconds (user + system) each worker process has used so far."""
    from distributed import Client

    def cpu_s() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    with Client(cluster.address, timeout=10) as client:
        return {address: float(seconds) for address, seconds in client.run(cpu_s).items()}


def task_stream_summary(stream: list[dict[str, Any]], started: float) -> list[str]:
    """One line per worker from Dask's task stream: compute seconds by task group (the
    biggest first), seconds spent receiving data from other workers, and when the worker's
    first task started and its last ended, in seconds from the run's start."""
    from dask.utils import key_split

    by_worker: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    spans: dict[str, list[float]] = defaultdict(list)
    for task in stream:
        for step in task["startstops"]:
            worker = str(step.get("worker", task["worker"]))
            if step["action"] == "compute":
                by_worker[worker][key_split(task["key"])] += step["stop"] - step["start"]
                spans[worker] += [step["start"] - started, step["stop"] - started]
            elif step["action"] == "transfer":
                by_worker[worker]["(transfers)"] += step["stop"] - step["start"]
    lines = []
    for worker, groups in sorted(by_worker.items()):
        compute = sum(seconds for group, seconds in groups.items() if group != "(transfers)")
        top = sorted(groups.items(), key=lambda item: -item[1])[:4]
        lines.append(
            f"  {worker}: compute {compute:.1f} s from {min(spans[worker]):.1f} to "
            f"{max(spans[worker]):.1f} s; " + ", ".join(f"{group} {s:.1f}" for group, s in top)
        )
    return lines


def process_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) another process on this machine has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the command name: state is field 3; utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def print_phases(name: str, result: ProcessResult, process_s: float, client_cpu_s: float) -> None:
    """Where the run's wall clock went, phase by phase, with the client's CPU seconds."""
    print(f"{name}: phases (wall s / client CPU s)")
    for timing in result.phases:
        print(f"  {timing.name:<22} {timing.wall_s:7.2f} {timing.cpu_s:7.2f}")
    top = sum(t.wall_s for t in result.phases if "." not in t.name)
    print(f"  {'(outside the phases)':<22} {process_s - top:7.2f}")
    print(f"  {'process, all':<22} {process_s:7.2f} {client_cpu_s:7.2f}")


def timed_process(
    settings: Settings, name: str, workdir: Path, runner_options: list[str]
) -> tuple[float, float, ProcessResult]:
    """Run `process` into a warehouse and consumer group of its own; return seconds taken."""
    own = settings.model_copy(
        update={
            "kafka": settings.kafka.model_copy(update={"consumer_group": f"benchmark-{name}"}),
            "warehouse": settings.warehouse.model_copy(
                update={"url": f"duckdb:///{workdir / f'{name}.duckdb'}"}
            ),
            "pipeline": settings.pipeline.model_copy(
                update={"staging_dir": str(workdir / f"staging-{name}")}
            ),
        }
    )
    # A scheduled tick opens a warehouse that exists: creating its schema (0.2 s) is not timed.
    with open_warehouse(own.warehouse, writer="process"):
        pass
    started, cpu = time.perf_counter(), time.process_time()
    result = process(own, runner_options)
    return time.perf_counter() - started, time.process_time() - cpu, result


def dask_name(workers: int, round_: int | None) -> str:
    """A Dask configuration's name (and its warehouse's): ``dask_2``, or ``dask_2_r3``."""
    return f"dask_{workers}" if round_ is None else f"dask_{workers}_r{round_}"


def dask_figures(
    counts: list[int],
    rounds: int,
    rates: dict[str, float],
    worker_cpu: dict[str, list[float]],
) -> list[str]:
    """The machine-readable Dask figures: records/s per worker count (the median of the
    rounds), the wall-clock scaling (the median of each round's most workers against its
    fewest) and the CPU scaling (the same, from the workers' CPU seconds)."""
    names = {
        count: [dask_name(count, r if rounds > 1 else None) for r in range(1, rounds + 1)]
        for count in counts
    }
    figures = [
        f"dask_{count}_records_per_s={statistics.median(rates[n] for n in names[count]):.0f}"
        for count in counts
    ]
    if len(counts) < 2:
        return figures
    fewest, most = names[min(counts)], names[max(counts)]
    walls = [rates[m] / rates[f] for f, m in zip(fewest, most, strict=True)]
    # What the workers' part could gain with a free core per worker: the fewest workers'
    # CPU time against the busiest worker's when there are more.
    cpus = [sum(worker_cpu[f]) / worker_cpu[m][0] for f, m in zip(fewest, most, strict=True)]
    if rounds > 1:
        print("scaling per round (wall): " + ", ".join(f"{ratio:.2f}" for ratio in walls))
        print("scaling per round (CPU): " + ", ".join(f"{ratio:.2f}" for ratio in cpus))
    figures.append(f"dask_scaling={statistics.median(walls):.2f}")
    figures.append(f"dask_cpu_scaling={statistics.median(cpus):.2f}")
    return figures


def main(argv: list[str] | None = None) -> None:
    # Pipeline workers read the pseudonym key from the environment; the benchmark brings its own.
    os.environ.setdefault("SOCMON_PRIVACY__PSEUDONYM_KEY", "benchmark-only-key-0123456789")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runner", choices=("direct", "dask"), default="direct")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="Run the worker counts this many times, alternating (1 2 1 2 ...); the figures "
        "are the medians, and the scaling the median of each round's",
    )
    parser.add_argument(
        "--range-span",
        type=int,
        default=None,
        help="Offsets per read task (pipeline.max_range_span); Dask spreads these tasks",
    )
    parser.add_argument(
        "--id-buckets",
        type=int,
        default=None,
        help="Deduplication shards, one staged records file each (pipeline.id_buckets): the "
        "last step's tasks, which more workers share more evenly when there are more",
    )
    parser.add_argument(
        "--no-preload",
        action="store_true",
        help="Start the Dask cluster without importing the pipeline's modules first",
    )
    parser.add_argument("runner_options", nargs="*", help="Beam options, after --")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    accounts = demo_account_settings()
    pipeline: dict[str, object] = {}
    if args.range_span is not None:
        pipeline["max_range_span"] = args.range_span
    if args.id_buckets is not None:
        pipeline["id_buckets"] = args.id_buckets
    rates: dict[str, float] = {}
    worker_cpu: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as directory, EmbeddedBroker() as broker:
        workdir = Path(directory)
        settings = Settings(
            accounts=accounts,
            kafka={"bootstrap_servers": broker.bootstrap_servers},
            warehouse={"url": f"duckdb:///{workdir / 'bench.duckdb'}"},
            pipeline={"staging_dir": str(workdir / "staging"), **pipeline},
        )
        produce_s = produce(settings, broker.bootstrap_servers, args.records)
        print(f"produced {args.records} records in {produce_s:.2f} s")
        raw_s = plain_read(
            broker.bootstrap_servers, settings.kafka.records_topic.name, args.records
        )
        configurations: list[tuple[str, int]] = [("direct", 0)]
        if args.runner == "dask":
            configurations += [
                (dask_name(count, round_ if args.rounds > 1 else None), count)
                for round_ in range(1, args.rounds + 1)
                for count in args.workers
            ]
        for name, workers in configurations:
            if workers:
                preload = () if args.no_preload else PRELOAD
                with (
                    LocalDaskCluster(workers=workers, preload=preload) as cluster,
                    Client(cluster.address, timeout=10) as watcher,
                ):
                    options = [*args.runner_options, *cluster.runner_options()]
                    assert cluster.scheduler is not None
                    watcher.get_task_stream()  # the scheduler records tasks from here on
                    scheduler_before = process_cpu_s(cluster.scheduler.pid)
                    before = workers_cpu_s(cluster)
                    started = time.time()
                    process_s, client_s, result = timed_process(settings, name, workdir, options)
                    after = workers_cpu_s(cluster)
                    scheduler_s = process_cpu_s(cluster.scheduler.pid) - scheduler_before
                    stream = watcher.get_task_stream(start=started)
                busy = sorted((after[worker] - before[worker] for worker in after), reverse=True)
                worker_cpu[name] = busy
                print(
                    f"{name}: CPU seconds of each worker "
                    + ", ".join(f"{s:.1f}" for s in busy)
                    + f"; scheduler {scheduler_s:.1f}; {len(stream)} tasks"
                )
                print("\n".join(task_stream_summary(stream, started)))
            else:
                process_s, client_s, result = timed_process(
                    settings, name, workdir, args.runner_options
                )
            print_phases(name, result, process_s, client_s)
            if result.records_read != args.records or not result.reconciles():
                sys.exit(f"benchmark invalid: {name} read {result.records_read} of {args.records}")
            rates[name] = args.records / process_s
            print(
                f"{name}: process end to end {process_s:.2f} s, {rates[name]:.0f} records/s, "
                f"stored {result.records_stored}"
            )
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    raw_rate = args.records / raw_s
    print(f"plain kafka-python read: {raw_s:.2f} s; peak RSS of this process {peak_mib:.0f} MiB")
    figures = [
        f"process_records_per_s={rates['direct']:.0f}",
        f"raw_read_records_per_s={raw_rate:.0f}",
        f"process_vs_raw_read={rates['direct'] / raw_rate:.2f}",
    ]
    if args.runner == "dask":
        figures += dask_figures(args.workers, args.rounds, rates, worker_cpu)
    print(" ".join(figures))


if __name__ == "__main__":
    main()

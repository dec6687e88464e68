"""What Dask's statistical profiler costs a worker's tasks.

A Dask worker, by default, wakes every 10 ms on its event loop to walk the stack of the
task it runs, holding the GIL meanwhile; Beam's stacks are deep. This starts a one-worker
local cluster (``testing/dask_cluster.py``) with the profiler on, then one with it off,
``--pairs`` times, and runs the same pure-Python task for ``--seconds`` on each: a loop at
the bottom of a ``--depth``-frame stack. It prints, per run, how many loops the task did
and the worker's CPU seconds, then the median gain without the profiler. The CPU seconds
stay at one core either way (the GIL); what the profiler takes shows as fewer loops.

Usage: ``python benchmarks/dask_profiler_cost.py [--pairs 6] [--seconds 6] [--depth 60]``
"""

from __future__ import annotations

import argparse
import statistics

from distributed import Client

from testing.dask_cluster import LocalDaskCluster

PROFILER = "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED"


def busy_loops(seconds: float, depth: int) -> tuple[int, float]:
    """Loops done in ``seconds`` at the bottom of a ``depth``-frame stack, and the CPU
    seconds this process used meanwhile (runs on the worker)."""
    import resource
    import time

    def descend(frames: int) -> int:
        if frames:
            return descend(frames - 1)
        return sum(i * i % 7 for i in range(20_000))

    def cpu_s() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    started, cpu_before, loops = time.perf_counter(), cpu_s(), 0
    while time.perf_counter() - started < seconds:
        descend(depth)
        loops += 1
    return loops, cpu_s() - cpu_before


def one_run(profiler: bool, seconds: float, depth: int) -> int:
    environment = {PROFILER: str(profiler)}
    with (
        LocalDaskCluster(workers=1, environment=environment, preload=()) as cluster,
        Client(cluster.address) as client,
    ):
        loops, cpu = client.submit(busy_loops, seconds, depth, pure=False).result()
    print(f"profiler {'on ' if profiler else 'off'}: {loops:,} loops, worker CPU {cpu:.2f} s")
    return int(loops)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--depth", type=int, default=60)
    options = parser.parse_args(argv)
    gains = []
    for _ in range(options.pairs):
        with_profiler = one_run(True, options.seconds, options.depth)
        without = one_run(False, options.seconds, options.depth)
        gains.append(without / with_profiler - 1)
    faster = sum(gain > 0 for gain in gains)
    print(
        f"without the profiler: median {100 * statistics.median(gains):+.1f} % loops "
        f"({faster} of {len(gains)} pairs faster)"
    )


if __name__ == "__main__":
    main()

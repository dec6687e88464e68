"""`make dask-demo`: the demo's tick with `socmon process` on a local Dask cluster.

Starts a scheduler and two worker processes on 127.0.0.1
(:class:`testing.dask_cluster.LocalDaskCluster`), the API simulators and the
embedded broker as ``socmon demo`` does, then runs one tick whose Beam
pipeline runs on Beam's DaskRunner against that cluster. The workers get the
pseudonym key from their own environment, as on a real cluster.

Usage: ``python -m testing.dask_demo [--workdir DIR] [--workers N]``
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from pipelines.usecases.tick import run_tick
from testing.dask_cluster import LocalDaskCluster
from testing.demo import DEMO_PLAN, demo_settings, summary, use_demo_keys
from testing.simulators import SimulatedAccount, Simulators
from testing.synthetic import demo_text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workdir", type=Path, default=Path("demo-output-dask"))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    use_demo_keys()  # before the workers start: they inherit the environment
    accounts = [
        SimulatedAccount(a.key, a.platform, a.platform_id, a.handle)
        for a in demo_settings(args.workdir).accounts
    ]
    with LocalDaskCluster(workers=args.workers) as cluster:
        print(f"Dask scheduler at {cluster.address} with {args.workers} worker processes")
        with Simulators(accounts, DEMO_PLAN, text=demo_text) as simulators:
            settings = demo_settings(args.workdir, simulators)
            settings = settings.model_copy(
                update={
                    "pipeline": settings.pipeline.model_copy(
                        update={"runner_options": tuple(cluster.runner_options())}
                    )
                }
            )
            started = time.perf_counter()
            result = run_tick(settings)
            elapsed = time.perf_counter() - started
    print(summary(settings, result))
    print(f"tick on the Dask cluster: {elapsed:.1f} s")


if __name__ == "__main__":
    main()

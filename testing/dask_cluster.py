"""A real Dask ``distributed`` cluster on 127.0.0.1: one scheduler and N worker processes.

Used by the Dask integration tests, ``make dask-demo`` and
``benchmarks/process_throughput.py --runner dask``. Each part is its own
process, started with Dask's own command line (``python -m distributed.cli.dask_scheduler``
and ``...dask_worker``), so a test can kill one worker by its pid and see what
the pipeline does. Workers run without a nanny: a killed worker stays dead
instead of being restarted behind the test's back.

Workers get their environment from the caller: that is how the pseudonym key
and storage credentials reach them, never through the pipeline graph. The scheduler and
the workers start with ``--preload pipelines.beam.dask_preload`` (the pipeline's imports done
at start, as a long-lived cluster has them) unless ``preload=()``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from pipelines.beam.readers import DASK_RUNNER
from schemas.errors import SocmonError

#: What the scheduler and each worker import when they start (``--preload``).
PRELOAD = ("pipelines.beam.dask_preload",)
#: The scheduler hands a worker its next range piece only when it has none waiting: with
#: Dask's default (1.1) each single-threaded worker holds a second piece, and at the end of a
#: run the last one may wait behind a busy worker while the other sits idle (two workers
#: read 12 and 10 of 22 pieces; with 1.0, 11 and 11). Tasks here take about a second, so a
#: round trip to the scheduler per task costs nothing measurable.
SCHEDULER_ENVIRONMENT = {"DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "1.0"}
#: Workers do not run Dask's statistical profiler: every 10 ms it walks the running task's
#: stack on the worker's event loop, holding the GIL, so the task waits. With a 60-frame stack
#: (Beam's are deep) a task did 2-6 % more work a second without it (medians of two runs of
#: ``benchmarks/dask_profiler_cost.py``: +2.2 %, 3 of 4 pairs faster; +6.3 %, 6 of 6).
#: The caller's ``environment``, or this process's, can turn it back on.
WORKER_ENVIRONMENT = {"DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False"}
START_TIMEOUT_S = 60.0


class DaskClusterError(SocmonError):
    """The local Dask cluster did not start in time."""


def free_port() -> int:
    """A TCP port nobody listens on right now, on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def worker_environment(caller: Mapping[str, str | None]) -> dict[str, str | None]:
    """What each worker's environment gets on top of this process's: ``WORKER_ENVIRONMENT``
    where this process does not set the variable itself, then the caller's ``environment``."""
    defaults = {key: value for key, value in WORKER_ENVIRONMENT.items() if key not in os.environ}
    return {**defaults, **caller}


class LocalDaskCluster:
    """A scheduler and ``workers`` single-threaded worker processes on loopback.

    ``environment`` is added to each worker's environment (``None`` removes a variable);
    ``preload`` names modules the scheduler and each worker import when they start.
    """

    def __init__(
        self,
        workers: int = 2,
        environment: Mapping[str, str | None] | None = None,
        threads_per_worker: int = 1,
        memory_limit: str = "2GiB",
        preload: tuple[str, ...] = PRELOAD,
    ) -> None:
        self.worker_count = workers
        self.environment = dict(environment or {})
        self.threads_per_worker = threads_per_worker
        self.memory_limit = memory_limit
        self.preload = preload
        self.port = 0
        self.scheduler: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []
        self._logs = tempfile.TemporaryDirectory(prefix="socmon-dask-")

    @property
    def address(self) -> str:
        """The scheduler's address, for ``--dask_client_address``."""
        return f"tcp://127.0.0.1:{self.port}"

    def runner_options(self) -> list[str]:
        """Beam options that send a pipeline to this cluster."""
        return [f"--runner={DASK_RUNNER}", f"--dask_client_address={self.address}"]

    def start(self) -> LocalDaskCluster:
        """Start the scheduler, then the workers; return when all workers have joined."""
        self.port = free_port()
        self.scheduler = self._spawn(
            "scheduler",
            [
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dashboard-address",
                ":0",
                "--no-show",
                *self._preload_arguments(),
            ],
            SCHEDULER_ENVIRONMENT,
        )
        for number in range(self.worker_count):
            self.add_worker(number)
        self.wait_for_workers(self.worker_count)
        return self

    def add_worker(self, number: int) -> subprocess.Popen[bytes]:
        """Start one more worker process."""
        worker = self._spawn(
            f"worker-{number}",
            [
                "distributed.cli.dask_worker",
                self.address,
                "--host",
                "127.0.0.1",
                "--nthreads",
                str(self.threads_per_worker),
                "--no-nanny",
                "--memory-limit",
                self.memory_limit,
                "--dashboard-address",
                ":0",
                "--name",
                f"socmon-worker-{number}",
                *self._preload_arguments(),
            ],
            worker_environment(self.environment),
        )
        self.workers.append(worker)
        return worker

    def _preload_arguments(self) -> list[str]:
        return [argument for module in self.preload for argument in ("--preload", module)]

    def wait_for_workers(self, count: int) -> None:
        """Block until ``count`` workers are connected to the scheduler."""
        from distributed import Client

        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with Client(self.address, timeout=5) as client:  # type: ignore[no-untyped-call]
                    client.wait_for_workers(count, timeout=max(1.0, deadline - time.monotonic()))
                    return
            except (OSError, TimeoutError) as error:
                if time.monotonic() > deadline:
                    raise DaskClusterError(
                        f"{count} Dask workers did not join {self.address} in "
                        f"{START_TIMEOUT_S:.0f} s ({error}); logs in {self._logs.name}"
                    ) from None
                time.sleep(0.5)

    def kill_worker(self, index: int = 0) -> None:
        """SIGKILL one worker, as a machine or OOM killer would."""
        worker = self.workers[index]
        if worker.poll() is None:
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)

    def stop(self) -> None:
        """Stop the workers, then the scheduler (a worker whose scheduler went first
        would wait for it to come back)."""
        for group in (self.workers, [self.scheduler]):
            for process in group:
                if process is not None and process.poll() is None:
                    process.terminate()
            for process in group:
                if process is None:
                    continue
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
        self.workers = []
        self.scheduler = None
        self._logs.cleanup()

    def log_of(self, name: str) -> str:
        """What one part printed (``scheduler`` or ``worker-N``)."""
        path = Path(self._logs.name) / f"{name}.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def _spawn(
        self, name: str, arguments: list[str], environment: Mapping[str, str | None]
    ) -> subprocess.Popen[bytes]:
        env = dict(os.environ)
        for key, value in environment.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        log_file = (Path(self._logs.name) / f"{name}.log").open("wb")
        try:
            return subprocess.Popen(
                [sys.executable, "-m", *arguments],
                stdout=log_file,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        finally:
            log_file.close()

    def __enter__(self) -> LocalDaskCluster:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

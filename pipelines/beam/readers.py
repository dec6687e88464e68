"""How many range pieces a runner reads at once, so that a run's pieces keep every reader
busy to the end (:func:`pipelines.ranges.read_pieces` rounds their number up to a multiple)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from schemas.errors import SocmonError

DASK_RUNNER = "apache_beam.runners.dask.dask_runner.DaskRunner"


def _known(runner_options: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--runner", default="DirectRunner")
    parser.add_argument("--dask_client_address")
    parser.add_argument("--direct_num_workers", type=int, default=1)
    known, _ = parser.parse_known_args(list(runner_options))
    return known


def is_dask(runner_options: Sequence[str]) -> bool:
    """Whether these Beam options choose the DaskRunner (``--runner=X`` or ``--runner X``)."""
    return bool(_known(runner_options).runner in (DASK_RUNNER, "DaskRunner"))


def dask_client_address(runner_options: Sequence[str]) -> str | None:
    """The scheduler these Beam options name (``--dask_client_address``), if any."""
    address: str | None = _known(runner_options).dask_client_address
    return address


def reader_slots(runner_options: Sequence[str]) -> int:
    """The runner's parallel readers: a Dask cluster's worker threads (asked of its
    scheduler, which must answer: :class:`DaskSchedulerUnreachable`; the machine's cores for
    a cluster the runner starts itself), the DirectRunner's ``--direct_num_workers`` (0 is
    every core), and 1 for any other runner, whose parallelism this process cannot see."""
    known = _known(runner_options)
    if is_dask(runner_options):
        if known.dask_client_address:
            return _dask_threads(known.dask_client_address)
        return os.cpu_count() or 1
    if known.runner in ("DirectRunner", "direct"):
        return known.direct_num_workers or os.cpu_count() or 1
    return 1


#: How long to try reaching a Dask scheduler before the run fails (a tick retries later).
SCHEDULER_TIMEOUT_S = 10


class DaskSchedulerUnreachable(SocmonError):
    """The Dask scheduler named by ``--dask_client_address`` did not answer."""


def _dask_threads(address: str) -> int:
    """The worker threads of the cluster at ``address``; the run fails here, before anything
    is submitted, when its scheduler does not answer (Beam's DaskRunner would wait another
    30 s to say the same)."""
    from distributed import Client

    try:
        with Client(address, timeout=SCHEDULER_TIMEOUT_S) as client:
            threads: dict[str, int] = client.nthreads()
            return max(1, sum(threads.values()))
    except OSError as error:
        raise DaskSchedulerUnreachable(
            f"no Dask scheduler answered at {address} within {SCHEDULER_TIMEOUT_S} s ({error}); "
            "start it or correct --dask_client_address"
        ) from None

"""`socmon doctor` for a pipeline that runs on a Dask cluster (``pipeline.runner_options``
choose Beam's DaskRunner with a ``--dask_client_address``).

One line: the scheduler answers within the run's timeout, workers are connected, the
scheduler and every worker run the same versions of the packages a pickled Beam graph
depends on as this process, and every worker holds the same pseudonym key as this process.
A worker with another key stores pseudonyms that `socmon pseudonym` and `socmon erase`, run
here, would never find (an erasure request would silently miss the person); keys are compared
by a check value (:func:`pipelines.privacy.pseudonyms.key_check_value`), never shown.
"""

from __future__ import annotations

import platform
from collections.abc import Mapping
from importlib import metadata
from typing import Any

from pipelines.beam.readers import SCHEDULER_TIMEOUT_S, dask_client_address, is_dask
from pipelines.config import Settings
from pipelines.usecases.doctor_checks import Check, failed, ok, one_line, skipped

NAME = "dask"
#: What must match between this process, the scheduler and the workers: the graph is pickled
#: here and unpickled there (Beam, the pipeline's own classes, cloudpickle, Arrow tables).
PACKAGES = ("social-monitor", "apache-beam", "dask", "distributed", "cloudpickle", "pyarrow")

Versions = dict[str, str | None]


def package_versions() -> Versions:
    """This process's Python and package versions (run on the scheduler and each worker too)."""
    found: Versions = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = None
    return found


def worker_key_check() -> str | None:
    """The check value of the pseudonym key in this worker's environment; None without one."""
    from pipelines.privacy.pseudonyms import (
        PseudonymKeyError,
        key_check_value,
        key_from_environment,
    )

    try:
        return key_check_value(key_from_environment())
    except PseudonymKeyError:
        return None


def version_differences(here: Versions, there: Mapping[str, Versions]) -> list[str]:
    """``"<where>: <package> <theirs> (here <ours>)"`` for each version that differs."""
    return [
        f"{where}: {package} {versions.get(package)} (here {ours})"
        for where, versions in there.items()
        for package, ours in here.items()
        if versions.get(package) != ours
    ]


def check_dask(settings: Settings) -> Check:
    """The Dask cluster the pipeline runs on, when it runs on one."""
    options = settings.pipeline.runner_options
    if not is_dask(options):
        return skipped(NAME, "pipeline.runner_options choose no Dask cluster")
    address = dask_client_address(options)
    if not address:
        return skipped(NAME, "the DaskRunner starts a cluster of its own on this machine")
    try:
        from distributed import Client
    except ImportError:
        return failed(
            NAME, "the DaskRunner needs `pip install 'social-monitor[dask]'`", configuration=True
        )
    try:
        client = Client(address, timeout=SCHEDULER_TIMEOUT_S)  # type: ignore[no-untyped-call]
    except OSError as error:
        return failed(NAME, f"{address}: no scheduler answered ({one_line(error)})")
    with client:
        return _check_cluster(settings, address, client)


def _check_cluster(settings: Settings, address: str, client: Any) -> Check:
    """``client``: a ``distributed.Client`` connected to ``address``."""
    threads: dict[str, int] = client.nthreads()
    if not threads:
        return failed(NAME, f"{address}: the scheduler answers, but no worker is connected")
    there: dict[str, Versions] = {"scheduler": client.run_on_scheduler(package_versions)}
    there.update(client.run(package_versions))
    differences = version_differences(package_versions(), there)
    if differences:
        return failed(
            NAME,
            f"{address}: versions differ from this process's: {'; '.join(differences)}",
            configuration=True,
        )
    key = settings.privacy.pseudonym_key
    if key is None:
        return failed(NAME, f"{address}: no pseudonym key here to compare the workers' with")
    from pipelines.privacy.pseudonyms import key_check_value

    ours = key_check_value(key.get_secret_value().encode())
    checks: dict[str, str | None] = client.run(worker_key_check)
    missing = sorted(worker for worker, value in checks.items() if value is None)
    other = sorted(worker for worker, value in checks.items() if value not in (None, ours))
    if missing or other:
        problems = []
        if missing:
            problems.append(f"no pseudonym key on {', '.join(missing)}")
        if other:
            problems.append(
                f"another pseudonym key than this process's on {', '.join(other)} (its "
                "pseudonyms would not match `socmon pseudonym` or `socmon erase` here)"
            )
        return failed(NAME, f"{address}: {'; '.join(problems)}", configuration=True)
    return ok(
        NAME,
        f"{address}: {len(threads)} workers, {sum(threads.values())} threads; the same "
        f"versions and the same pseudonym key as this process",
    )

"""Preload for a Dask cluster's scheduler and workers: the pipeline's imports done at start.

Start them as ``dask scheduler --preload pipelines.beam.dask_preload`` and ``dask worker
tcp://scheduler:8786 --preload pipelines.beam.dask_preload``. The scheduler unpickles every
graph it is sent, and the pipeline's tasks name Beam's and the pipeline's classes, so without
this its first graph imports Beam and the pipeline (about 2 CPU seconds on the development
machine, during which no task starts); each worker imports them again, with the privacy
filter's NER runtime, the classifiers' loader and the Kafka client, when its first task
arrives (about 2.5 CPU seconds a worker). A cluster that outlives a run pays this once at
start. The models themselves are still loaded once per worker and run, from the run's
settings.

A worker also reads the secrets given to it as files, as ``socmon`` does
(:func:`pipelines.config.read_secret_files`: ``$SOCMON_SECRETS_DIR/<VARIABLE>`` or
``<VARIABLE>_FILE``): on Kubernetes the pseudonym key is mounted from the Secret, never written
into the pod's environment. Only the names of the variables set are logged.
"""

from __future__ import annotations

import importlib
import logging
import os

log = logging.getLogger(__name__)

#: Modules the pipeline's graph and tasks import; optional ones may be absent.
MODULES = (
    "apache_beam",
    "apache_beam.runners.dask.transform_evaluator",
    "pipelines.beam.transforms",
    "pipelines.classifier_files",
    "kafka",
)
OPTIONAL_MODULES = ("onnxruntime", "tokenizers")
#: Only workers run these: great-expectations checks the records each worker stages (about
#: 2-4 s to import), which the scheduler never needs.
WORKER_MODULES = ("great_expectations", "great_expectations.validator.v1_validator")


def preload(worker: bool = True) -> list[str]:
    """Import the pipeline's modules (a worker's too when ``worker``); return the optional
    ones that are not installed."""
    for name in (*MODULES, *(WORKER_MODULES if worker else ())):
        importlib.import_module(name)
    missing = []
    for name in OPTIONAL_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    return missing


def dask_setup(server: object) -> None:
    """Called by Dask when a scheduler or worker starts with ``--preload`` of this module."""
    worker = type(server).__name__ != "Scheduler"
    missing = preload(worker=worker)
    if missing:
        log.info("not preloaded (not installed): %s", ", ".join(missing))
    if worker:
        read_worker_secrets()


def read_worker_secrets() -> list[str]:
    """Secrets mounted as files become this worker's environment variables (the pseudonym
    key, for the tasks' ``key_from_environment``); returns the names of those set."""
    from pipelines.config import read_secret_files

    found = read_secret_files(os.environ)
    if found:
        log.info("secrets read from files: %s", ", ".join(found))
    return found

"""Preload for a Dask cluster's scheduler and workers: the pipeline's imports done at start.

Start them as ``dask scheduler --preload pipelines.beam.dask_preload`` and ``dask worker
tcp://scheduler:8786 --preload pipelines.beam.dask_preload``. The scheduler unpickles every
graph it is sent, and the pipeline's tasks name Beam's and the pipeline's classes, so without
this its first graph imports Beam and the pipeline (about 2 CPU seconds on the development
machine, during which no task starts); each worker imports them again, with the privacy
filter's NER runtime, the classifiers' loader and the Kafka client, when its first task
arrives (about 2.5 CPU seconds a worker). A cluster that outlives a run pays this once at
start. The models themselves are still loaded once per worker and run, from the run's
settings; nothing secret is read here.
"""

from __future__ import annotations

import importlib
import logging

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
    missing = preload(worker=type(server).__name__ != "Scheduler")
    if missing:
        log.info("not preloaded (not installed): %s", ", ".join(missing))

"""The Dask cluster's preload imports what the pipeline's graph and tasks need."""

from __future__ import annotations

import sys

from pipelines.beam import dask_preload


def test_preload_imports_the_pipelines_modules_and_names_missing_optional_ones() -> None:
    missing = dask_preload.preload()
    assert set(missing) <= set(dask_preload.OPTIONAL_MODULES)
    for name in dask_preload.MODULES:
        assert name in sys.modules
    dask_preload.dask_setup(object())  # what Dask calls with the scheduler or worker

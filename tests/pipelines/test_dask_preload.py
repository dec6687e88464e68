"""The Dask cluster's preload imports what the pipeline's graph and tasks need, and a worker's
reads the secrets mounted for it as files."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from pipelines.beam import dask_preload
from pipelines.config import ConfigError
from pipelines.privacy.pseudonyms import KEY_VARIABLE, key_from_environment


def test_preload_imports_the_pipelines_modules_and_names_missing_optional_ones() -> None:
    missing = dask_preload.preload()
    assert set(missing) <= set(dask_preload.OPTIONAL_MODULES)
    for name in dask_preload.MODULES:
        assert name in sys.modules
    dask_preload.dask_setup(object())  # what Dask calls with the scheduler or worker


class Scheduler:
    """Stands in for Dask's scheduler: the preload tells the two apart by the class name."""


def test_a_worker_takes_the_pseudonym_key_from_its_mounted_secret_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "a-key-mounted-from-the-secret-0123456789"
    (tmp_path / KEY_VARIABLE).write_text(key + "\n", encoding="utf-8")
    monkeypatch.setenv("SOCMON_SECRETS_DIR", str(tmp_path))
    monkeypatch.delenv(KEY_VARIABLE, raising=False)

    dask_preload.dask_setup(Scheduler())
    assert KEY_VARIABLE not in os.environ  # the scheduler runs no task: it reads no secret

    dask_preload.dask_setup(object())  # a worker
    assert key_from_environment() == key.encode()


def test_an_unreadable_secret_file_stops_the_worker_with_the_variables_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / KEY_VARIABLE).mkdir()  # a folder where the file should be
    monkeypatch.setenv(f"{KEY_VARIABLE}_FILE", str(tmp_path / KEY_VARIABLE))
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    with pytest.raises(ConfigError, match=KEY_VARIABLE):
        dask_preload.read_worker_secrets()

"""Staged runs live in a local folder or behind a URL (fsspec): stale runs are removed from
either, and a URL in the settings stays a URL."""

from __future__ import annotations

from pathlib import Path

import fsspec  # type: ignore[import-untyped]
import pytest

from pipelines.config import PipelineSettings
from pipelines.staging import remove_staged, remove_stale_runs, staged_path


def test_a_url_in_the_settings_stays_a_url() -> None:
    assert PipelineSettings(staging_dir="s3://bucket/staging").staging_dir == "s3://bucket/staging"
    assert staged_path("s3://bucket/staging", "run-2") == "s3://bucket/staging/run-2"


@pytest.mark.parametrize("root", ["local", "memory://socmon-staging-test"])
def test_stale_runs_go_and_the_current_one_stays(root: str, tmp_path: Path) -> None:
    location = str(tmp_path / "staging") if root == "local" else root
    filesystem, base = fsspec.core.url_to_fs(location)
    for run in ("run-1", "run-2", "run-3"):
        filesystem.makedirs(f"{base}/{run}", exist_ok=True)
        filesystem.pipe_file(f"{base}/{run}/records.parquet", b"x")

    remove_stale_runs(location, keep="run-3")
    left = sorted(path.rstrip("/").rsplit("/", 1)[-1] for path in filesystem.ls(base, detail=False))
    assert left == ["run-3"]

    remove_staged(staged_path(location, "run-3"))
    assert filesystem.ls(base, detail=False) == []
    remove_stale_runs(f"{location}-absent", keep="run-3")  # nothing there: nothing to do

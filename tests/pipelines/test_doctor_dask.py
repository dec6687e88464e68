"""`socmon doctor`'s Dask check without a cluster: when it applies, how versions are compared,
the key check value, and an unreachable scheduler. With real clusters (the same versions and
key, workers without a key, workers with another key): tests/integration/test_dask_runner.py."""

from __future__ import annotations

import hashlib
from importlib import metadata

import pytest

from pipelines.beam.readers import DASK_RUNNER
from pipelines.privacy.pseudonyms import key_check_value
from pipelines.usecases import doctor_dask
from pipelines.usecases.doctor_dask import check_dask, package_versions, version_differences
from testing.dask_cluster import free_port
from tests.support import SettingsFactory


def test_it_is_skipped_unless_the_pipeline_runs_on_a_named_dask_scheduler(
    make_settings: SettingsFactory,
) -> None:
    assert check_dask(make_settings()).outcome == "skipped"  # the DirectRunner
    own_cluster = check_dask(
        make_settings(pipeline={"runner_options": [f"--runner={DASK_RUNNER}"]})
    )
    assert own_cluster.outcome == "skipped"
    assert "of its own" in own_cluster.detail


def test_an_unreachable_scheduler_fails_the_check_with_its_address(
    make_settings: SettingsFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(doctor_dask, "SCHEDULER_TIMEOUT_S", 1)
    address = f"tcp://127.0.0.1:{free_port()}"
    options = [f"--runner={DASK_RUNNER}", f"--dask_client_address={address}"]
    check = check_dask(make_settings(pipeline={"runner_options": options}))
    assert check.failed and not check.configuration  # a retry may find it started
    assert check.detail.startswith(f"{address}: no scheduler answered")


def test_this_processs_versions_are_read_from_the_installed_packages() -> None:
    versions = package_versions()
    assert versions["social-monitor"] == metadata.version("social-monitor")
    assert versions["apache-beam"] == metadata.version("apache-beam")
    assert set(versions) == {"python", *doctor_dask.PACKAGES}


def test_each_version_that_differs_is_named_with_where_it_runs() -> None:
    here = {"python": "3.11.7", "apache-beam": "2.77.0", "dask": "2025.1.0"}
    there = {
        "scheduler": dict(here),
        "tcp://10.0.0.7:4000": {**here, "apache-beam": "2.76.0"},
        "tcp://10.0.0.8:4000": {"python": "3.11.7", "dask": "2025.1.0"},
    }
    assert version_differences(here, there) == [
        "tcp://10.0.0.7:4000: apache-beam 2.76.0 (here 2.77.0)",
        "tcp://10.0.0.8:4000: apache-beam None (here 2.77.0)",
    ]
    assert version_differences(here, {"scheduler": dict(here)}) == []


def test_the_key_check_value_tells_keys_apart_and_shows_neither() -> None:
    first, second = b"a-pseudonym-key-0123456789", b"another-key-0123456789abc"
    assert key_check_value(first) == key_check_value(b"a-pseudonym-key-0123456789")
    assert key_check_value(first) != key_check_value(second)
    assert len(key_check_value(first)) == 16
    # Keyed: not a plain hash of the key, which anyone could test guessed keys against.
    assert key_check_value(first) != hashlib.sha256(first).hexdigest()[:16]

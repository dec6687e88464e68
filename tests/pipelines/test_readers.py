"""How many pieces a runner reads at once, read from its options."""

from __future__ import annotations

import os

from pipelines.beam.readers import DASK_RUNNER, reader_slots


def test_the_direct_runner_reads_with_its_workers() -> None:
    assert reader_slots([]) == 1
    assert reader_slots(["--runner=DirectRunner"]) == 1
    options = ["--direct_running_mode=multi_processing", "--direct_num_workers=3"]
    assert reader_slots(options) == 3
    assert reader_slots(["--direct_num_workers=0"]) == (os.cpu_count() or 1)


def test_a_dask_cluster_the_runner_starts_itself_has_the_machines_cores() -> None:
    assert reader_slots([f"--runner={DASK_RUNNER}"]) == (os.cpu_count() or 1)


def test_other_runners_count_as_one_reader() -> None:
    assert reader_slots(["--runner=FlinkRunner", "--flink_master=host:8081"]) == 1

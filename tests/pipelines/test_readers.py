"""How many pieces a runner reads at once, read from its options."""

from __future__ import annotations

import os

from pipelines.beam.pipeline import with_runner_defaults
from pipelines.beam.readers import DASK_RUNNER, is_dask, reader_slots


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


def test_the_dask_runner_is_recognised_in_either_spelling_of_the_option() -> None:
    assert is_dask([f"--runner={DASK_RUNNER}"]) and is_dask(["--runner", "DaskRunner"])
    assert not is_dask(["--runner=DirectRunner"]) and not is_dask([])


def test_dask_gets_one_piece_per_partition_unless_the_options_partition_it() -> None:
    assert with_runner_defaults(["--runner", "DaskRunner"])[-1] == "--dask_partition_size=1"
    partitioned = [f"--runner={DASK_RUNNER}", "--dask_npartitions=4"]
    assert with_runner_defaults(partitioned) == partitioned
    assert with_runner_defaults(["--runner=DirectRunner"]) == ["--runner=DirectRunner"]

"""The pipeline on Beam's DaskRunner against a real two-worker ``distributed`` cluster.

The same demo data goes through ingest → process → warehouse once on the DirectRunner
and once on Dask; the warehouses must hold the same rows, byte for byte, apart from
run ids and the times of the runs. A worker killed mid-run must leave every record
stored exactly once after the next run; the pseudonym key reaches the workers only from
their own environment; staging works on an S3-compatible server (moto, on loopback); a
worker keeps its models from one run to the next.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import pickle
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipelines.beam.pipeline import run_pipeline
from pipelines.beam.readers import DASK_RUNNER, DaskSchedulerUnreachable, reader_slots
from pipelines.beam.transforms import ParseBatch
from pipelines.config import Settings
from pipelines.kafka_admin import high_water_marks
from pipelines.ranges import PartitionRange
from pipelines.staging import remove_staged
from pipelines.usecases.compose import process_plan
from pipelines.usecases.doctor_dask import check_dask
from pipelines.usecases.process import process
from pipelines.warehouse.commit import StagedTables
from testing.dask_cluster import LocalDaskCluster, free_port, worker_environment
from testing.synthetic import demo_lines
from tests.integration.helpers import query, replay
from tests.support import TEST_PSEUDONYM_KEY, SettingsFactory

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DEMO = demo_lines(600, seed=3)
KEY_VARIABLE = "SOCMON_PRIVACY__PSEUDONYM_KEY"
PROFILER_VARIABLE = "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED"
#: The tables a run writes, each with the columns that say which run wrote a row and when.
COMPARED = {
    "records": ("id", {"first_run_id", "last_run_id"}),
    "detections": ("detection_id", {"run_id", "created_at"}),
    "alerts": ("alert_id", {"run_id", "created_at"}),
    "alert_deliveries": ("delivery_id", {"run_id", "created_at", "due_at", "next_attempt_at"}),
    "dead_letters": ("value_sha256", {"run_id", "created_at", "dlq_updated_at"}),
}


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalDaskCluster]:
    """Two single-threaded workers with the tests' key in their environment."""
    with LocalDaskCluster(workers=2, environment={KEY_VARIABLE: TEST_PSEUDONYM_KEY}) as started:
        yield started


def warehouse_rows(settings: Settings) -> dict[str, list[dict[str, Any]]]:
    """Every row a run wrote, minus run ids and run times, sorted by key."""
    rows = {}
    for table, (key, excluded) in COMPARED.items():
        found = query(settings, f"SELECT * FROM {table} ORDER BY {key}")
        rows[table] = [
            {column: value for column, value in row.items() if column not in excluded}
            for row in found
        ]
    return rows


def test_two_dask_workers_store_what_the_direct_runner_stores(
    make_settings: SettingsFactory, cluster: LocalDaskCluster, tmp_path: Path
) -> None:
    direct = make_settings()
    replay(direct, DEMO, tmp_path / "demo.jsonl")
    on_dask = direct.model_copy(
        update={
            "kafka": direct.kafka.model_copy(update={"consumer_group": "dask-group"}),
            "warehouse": direct.warehouse.model_copy(
                update={"url": f"duckdb:///{tmp_path / 'dask.duckdb'}"}
            ),
            "pipeline": direct.pipeline.model_copy(update={"staging_dir": str(tmp_path / "dask")}),
        }
    )

    expected = process(direct)
    result = process(on_dask, cluster.runner_options())

    assert result.records_read == expected.records_read == len(DEMO)
    assert result.reconciles()
    assert (result.records_stored, result.dead_letters, result.out_of_scope) == (600, 6, 6)
    assert result.duplicates == expected.duplicates
    rows = warehouse_rows(on_dask)
    assert rows == warehouse_rows(direct)
    assert len(rows["records"]) == 600
    assert rows["detections"], "the demo data raises detections on both runners"


def test_the_pieces_are_cut_for_the_clusters_worker_threads(cluster: LocalDaskCluster) -> None:
    assert reader_slots(cluster.runner_options()) == 2
    address = f"127.0.0.1:{free_port()}"
    unreachable = [f"--runner={DASK_RUNNER}", f"--dask_client_address={address}"]
    with pytest.raises(DaskSchedulerUnreachable, match=f"no Dask scheduler answered at {address}"):
        reader_slots(unreachable)


def test_doctor_finds_the_cluster_with_this_processs_versions_and_key(
    cluster: LocalDaskCluster, make_settings: SettingsFactory
) -> None:
    check = check_dask(make_settings(pipeline={"runner_options": cluster.runner_options()}))
    assert (check.outcome, check.name) == ("ok", "dask")
    assert check.detail.startswith(f"{cluster.address}: 2 workers, 2 threads")


def test_doctor_names_the_workers_without_a_pseudonym_key(make_settings: SettingsFactory) -> None:
    from distributed import Client

    with LocalDaskCluster(workers=2, environment={KEY_VARIABLE: None}) as keyless:
        check = check_dask(make_settings(pipeline={"runner_options": keyless.runner_options()}))
        with Client(keyless.address, timeout=10) as client:  # type: ignore[no-untyped-call]
            workers = sorted(client.nthreads())  # type: ignore[no-untyped-call]
    assert check.failed and check.configuration
    assert f"no pseudonym key on {', '.join(workers)}" in check.detail
    assert TEST_PSEUDONYM_KEY not in check.detail


def test_scheduler_and_workers_answer_on_the_health_page_kubernetes_probes(
    cluster: LocalDaskCluster,
) -> None:
    from distributed import Client

    with Client(cluster.address, timeout=10) as client:  # type: ignore[no-untyped-call]
        info = client.scheduler_info()  # type: ignore[no-untyped-call]
    ports = [info["services"]["dashboard"]]
    ports += [worker["services"]["dashboard"] for worker in info["workers"].values()]
    assert len(ports) == 3
    for port in ports:  # deploy/k8s-dask probes /health on each dashboard port
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as page:
            assert page.read() == b"ok"


def test_the_cluster_is_configured_as_the_readme_asks(cluster: LocalDaskCluster) -> None:
    from distributed import Client

    def setting(name: str) -> object:
        import dask

        return dask.config.get(name)

    with Client(cluster.address, timeout=10) as client:
        profiling = client.run(setting, "distributed.worker.profile.enabled")
        saturation = client.run_on_scheduler(setting, "distributed.scheduler.worker-saturation")
    assert len(profiling) == 2 and not any(profiling.values())  # no profiler on the workers
    assert float(saturation) == 1.0
    assert worker_environment({PROFILER_VARIABLE: "True"})[PROFILER_VARIABLE] == "True"


def test_this_process_can_turn_the_workers_profiler_back_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert worker_environment({})[PROFILER_VARIABLE] == "False"
    monkeypatch.setenv(PROFILER_VARIABLE, "True")
    assert PROFILER_VARIABLE not in worker_environment({})  # the inherited "True" stays


def test_a_worker_killed_mid_run_leaves_every_record_stored_once(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    settings = make_settings()
    replay(settings, DEMO, tmp_path / "demo.jsonl")
    with LocalDaskCluster(workers=2, environment={KEY_VARIABLE: TEST_PSEUDONYM_KEY}) as doomed:
        killed = threading.Event()
        killer = threading.Thread(target=kill_first_busy_worker, args=(doomed, killed))
        killer.start()
        try:
            first: Exception | None = None
            try:
                process(settings, doomed.runner_options())
            except Exception as error:  # the run may fail cleanly instead of retrying
                first = error
        finally:
            killer.join(timeout=120)
        assert killed.is_set(), "a worker was killed while it ran part of the pipeline"
        if first is not None:
            assert query(settings, "SELECT count(*) AS n FROM records") == [{"n": 0}]
            doomed.add_worker(2)
            doomed.wait_for_workers(2)
        process(settings, doomed.runner_options())

    [stored] = query(settings, "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM records")
    assert stored == {"n": 600, "ids": 600}
    statuses = [row["status"] for row in query(settings, "SELECT status FROM runs")]
    assert "running" not in statuses
    assert statuses.count("succeeded") >= 1
    _, ends = high_water_marks(
        settings.kafka.bootstrap_servers or "", settings.kafka.records_topic.name
    )
    offsets = query(settings, "SELECT kafka_partition, next_offset FROM offsets")
    assert {row["kafka_partition"]: row["next_offset"] for row in offsets} == ends


def kill_first_busy_worker(cluster: LocalDaskCluster, killed: threading.Event) -> None:
    """Kill the first worker seen running a task of the pipeline."""
    from distributed import Client

    deadline = time.monotonic() + 120
    with Client(cluster.address, timeout=10) as client:
        while time.monotonic() < deadline:
            busy = [address for address, tasks in client.processing().items() if tasks]
            if busy:
                names = {
                    address: info["name"]
                    for address, info in client.scheduler_info()["workers"].items()
                }
                index = int(str(names[busy[0]]).rsplit("-", 1)[-1])
                cluster.kill_worker(index)
                killed.set()
                return
            time.sleep(0.05)


@pytest.mark.parametrize("given_as", ["variable", "mounted file"])
def test_workers_take_the_pseudonym_key_from_their_own_environment(
    make_settings: SettingsFactory, tmp_path: Path, given_as: str
) -> None:
    settings = make_settings()
    replay(settings, DEMO, tmp_path / "demo.jsonl")
    worker_key = "a-key-only-the-workers-hold-0123456789"
    spec = process_plan(settings).protection
    assert TEST_PSEUDONYM_KEY.encode() not in pickle.dumps(ParseBatch("topic", spec))
    environment: dict[str, str | None] = {KEY_VARIABLE: worker_key}
    if given_as == "mounted file":  # as a Kubernetes Secret mounts it (deploy/k8s-dask)
        secrets = tmp_path / "worker-secrets"
        secrets.mkdir()
        (secrets / KEY_VARIABLE).write_text(worker_key + "\n", encoding="utf-8")
        environment = {KEY_VARIABLE: None, "SOCMON_SECRETS_DIR": str(secrets)}

    with LocalDaskCluster(workers=2, environment=environment) as keyed:
        process(settings, keyed.runner_options())
        # `socmon doctor` here sees that the workers' pseudonyms are not this process's.
        check = check_dask(make_settings(pipeline={"runner_options": keyed.runner_options()}))
    assert check.failed and check.configuration
    assert "another pseudonym key than this process's on tcp://127.0.0.1:" in check.detail
    assert worker_key not in check.detail and TEST_PSEUDONYM_KEY not in check.detail

    line = next(json.loads(line) for line in DEMO if _is_public_author(line))
    [stored] = query(settings, "SELECT author_id FROM records WHERE id = ?", (line["id"],))
    message = f"{line['platform']}:{line['author']['id']}".encode()
    assert stored["author_id"] == hmac.digest(worker_key.encode(), message, "sha256").hex()
    client_side = hmac.digest(TEST_PSEUDONYM_KEY.encode(), message, hashlib.sha256).hex()
    assert stored["author_id"] != client_side


def _is_public_author(line: bytes) -> bool:
    try:
        record = json.loads(line)
    except ValueError:
        return False
    return isinstance(record, dict) and not record.get("author", {}).get("is_official", True)


@pytest.fixture
def s3_bucket(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """moto's S3-compatible server on loopback with one bucket; its settings as environment."""
    boto3 = pytest.importorskip("boto3")
    server_module = pytest.importorskip("moto.server")
    port = free_port()
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    environment = {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    boto3.client("s3", endpoint_url=environment["AWS_ENDPOINT_URL"]).create_bucket(
        Bucket="socmon-staging"
    )
    try:
        yield environment
    finally:
        server.stop()


def test_dask_workers_stage_on_s3_and_the_commit_step_reads_it_there(
    make_settings: SettingsFactory, s3_bucket: dict[str, str], tmp_path: Path
) -> None:
    settings = make_settings()
    replay(settings, DEMO, tmp_path / "demo.jsonl")
    plan = process_plan(settings)
    topic = settings.kafka.records_topic.name
    _, ends = high_water_marks(settings.kafka.bootstrap_servers or "", topic)
    ranges = [PartitionRange(topic, partition, 0, end) for partition, end in sorted(ends.items())]

    def staged_on(staging_dir: str, runner_options: list[str]) -> StagedTables:
        staged = run_pipeline(
            run_id="run-1",
            ranges=ranges,
            bootstrap_servers=plan.bootstrap_servers,
            staging_dir=staging_dir,
            batch_size=100,
            buckets=4,
            max_range_span=150,
            poll_timeout_s=20,
            runner_options=runner_options,
            protection=plan.protection,
            scoring=plan.scoring,
        )
        assert staged.reconciles()
        assert staged.records_read == len(DEMO)
        tables = StagedTables.read(staged)
        if staging_dir.startswith("s3://"):
            assert all(path.startswith("s3://socmon-staging/") for path in staged.record_files)
            import fsspec

            filesystem = fsspec.filesystem("s3")
            assert filesystem.exists("socmon-staging/staging/run-1/manifest.json")
            remove_staged(staged.directory)
            assert not filesystem.exists("socmon-staging/staging/run-1")
        return tables

    # The workers get their secrets as deploy/k8s-dask mounts them: the pseudonym key and an
    # AWS credentials file, none in their environment (without the file, signing fails).
    secrets = tmp_path / "worker-secrets"
    secrets.mkdir()
    (secrets / KEY_VARIABLE).write_text(TEST_PSEUDONYM_KEY, encoding="utf-8")
    credentials = secrets / "credentials"
    credentials.write_text(
        "[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
        encoding="utf-8",
    )
    environment: dict[str, str | None] = {
        **s3_bucket,
        KEY_VARIABLE: None,
        "AWS_ACCESS_KEY_ID": None,
        "AWS_SECRET_ACCESS_KEY": None,
        "SOCMON_SECRETS_DIR": str(secrets),
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
    }
    with LocalDaskCluster(workers=2, environment=environment) as remote:
        on_s3 = staged_on("s3://socmon-staging/staging", remote.runner_options())
    local = staged_on(str(tmp_path / "local"), [])

    assert on_s3.records is not None and local.records is not None
    assert on_s3.records.num_rows == 600
    assert on_s3.records.sort_by("id").equals(local.records.sort_by("id"))
    assert on_s3.dead_letters is not None and local.dead_letters is not None
    assert on_s3.dead_letters.equals(local.dead_letters)


def kept_tools_mark() -> str:
    """On a worker: a mark put on the protector and models it keeps the first time they are
    seen here ("" before any run), so a set built again is told from the one kept."""
    from uuid import uuid4

    from pipelines.beam import worker_tools

    if worker_tools._kept is None:
        return ""
    tools = worker_tools._kept[1]
    if not hasattr(tools, "test_mark"):
        tools.test_mark = uuid4().hex  # type: ignore[attr-defined]
    return str(tools.test_mark)  # type: ignore[attr-defined]


def test_workers_keep_their_models_from_one_run_to_the_next(
    cluster: LocalDaskCluster, make_settings: SettingsFactory, tmp_path: Path
) -> None:
    from distributed import Client

    settings = make_settings()
    replay(settings, DEMO[:200], tmp_path / "demo.jsonl")
    plan = process_plan(settings)
    topic = settings.kafka.records_topic.name
    _, ends = high_water_marks(settings.kafka.bootstrap_servers or "", topic)
    ranges = [PartitionRange(topic, partition, 0, end) for partition, end in sorted(ends.items())]
    kept = []
    for run in ("run-1", "run-2"):
        staged = run_pipeline(
            run_id=run,
            ranges=ranges,
            bootstrap_servers=plan.bootstrap_servers,
            staging_dir=str(tmp_path / "staging"),
            batch_size=50,
            buckets=2,
            max_range_span=50,
            poll_timeout_s=20,
            runner_options=cluster.runner_options(),
            protection=plan.protection,
            scoring=plan.scoring,
        )
        assert staged.records_read == 200
        with Client(cluster.address, timeout=10) as client:
            kept.append(client.run(kept_tools_mark))
    assert all(kept[0].values()) and len(kept[0]) == 2  # both workers built their tools
    assert kept[1] == kept[0]  # and used them again in the second run

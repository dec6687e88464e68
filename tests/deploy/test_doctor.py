"""`socmon doctor` against real parts: the embedded broker, DuckDB and PostgreSQL, an SMTP
server on loopback and the API simulators. Healthy, every line is ok and it exits 0; each
broken part fails on its own line, with the exit code a scheduler needs, and nothing is
created or migrated on the way."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner, Result

from connectors.broker import free_loopback_port
from connectors.topics import ensure_social_monitor_topics
from pipelines.cli.doctor import doctor
from pipelines.config import Settings
from pipelines.warehouse import open_warehouse
from testing.simulators import Simulators
from tests.integration.helpers import run_cli, settings_environment
from tests.support import POSTGRES_URL, TEST_PSEUDONYM_KEY, SettingsFactory, simulated_accounts

pytestmark = pytest.mark.integration


class _Accepting:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        return "250 OK"


@pytest.fixture
def smtp_port() -> Iterator[int]:
    port = free_loopback_port()
    controller = Controller(_Accepting(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture
def simulators() -> Iterator[Simulators]:
    with Simulators(simulated_accounts(), seeded=False) as running:
        yield running


def healthy(
    make_settings: SettingsFactory,
    simulators: Simulators,
    smtp_port: int,
    warehouse: str = "duckdb",
    **changes: Any,
) -> Settings:
    """Settings of a working installation: topics exist, the warehouse is migrated."""
    changes.setdefault("connectors", simulators.connector_settings())
    settings = make_settings(
        warehouse, smtp={"host": "127.0.0.1", "port": smtp_port, "starttls": False}, **changes
    )
    assert settings.kafka.bootstrap_servers
    ensure_social_monitor_topics(settings.kafka.bootstrap_servers, settings.kafka)
    open_warehouse(settings.warehouse).close()  # creates and migrates it, as `migrate` would
    return settings


def run_doctor(settings: Settings, tmp_path: Path, *args: str) -> Result:
    """`socmon doctor` with exactly these settings, given as a deployment gives them."""
    config = tmp_path / "empty.toml"
    config.write_text("", encoding="utf-8")
    environment = settings_environment(settings)
    return CliRunner().invoke(doctor, list(args), obj={"config": config}, env=environment)


def lines_of(result: Result) -> dict[str, str]:
    """Each check's line by its name: {"broker": "FAIL  broker  ...", ...}."""
    lines = {}
    for line in result.stdout.splitlines():
        words = line.split()
        name = " ".join(words[1:3]) if words[1] in {"token", "model"} else words[1]
        lines[name] = line
    return lines


def outcomes(result: Result) -> dict[str, str]:
    return {name: line.split()[0] for name, line in lines_of(result).items()}


def test_a_healthy_installation_passes_every_check_and_shows_no_secret(
    make_settings: SettingsFactory,
    simulators: Simulators,
    smtp_port: int,
    warehouse_kind: str,
    tmp_path: Path,
) -> None:
    settings = healthy(make_settings, simulators, smtp_port, warehouse_kind)

    result = run_doctor(settings, tmp_path)

    assert result.exit_code == 0, result.output
    assert outcomes(result) == {
        "configuration": "ok",
        "secrets": "ok",
        "models": "ok",
        "model ner_rampart": "ok",
        "warehouse": "ok",
        "broker": "ok",
        "dask": "skip",  # the DirectRunner: no cluster (tests/integration/test_dask_runner.py)
        "smtp": "ok",
        "token x/uni_main": "ok",
        "token x/uni_research": "ok",
        "token facebook/uni_students": "ok",
    }
    assert "SOCMON_PRIVACY__PSEUDONYM_KEY" in lines_of(result)["secrets"]
    for account in simulators.accounts:
        assert account.token not in result.output
    assert TEST_PSEUDONYM_KEY not in result.output


def test_quick_checks_only_what_a_healthcheck_needs_and_passes_with_the_broker_down(
    make_settings: SettingsFactory, simulators: Simulators, smtp_port: int, tmp_path: Path
) -> None:
    settings = healthy(make_settings, simulators, smtp_port)
    kafka = settings.kafka.model_copy(
        update={"bootstrap_servers": f"127.0.0.1:{free_loopback_port()}"}
    )
    result = run_doctor(settings.model_copy(update={"kafka": kafka}), tmp_path, "--quick")

    assert result.exit_code == 0, result.output
    assert set(outcomes(result)) == {
        "configuration",
        "secrets",
        "models",
        "model ner_rampart",
        "warehouse",
    }


def test_a_broker_that_is_down_fails_the_broker_line_with_exit_1(
    make_settings: SettingsFactory, simulators: Simulators, smtp_port: int, tmp_path: Path
) -> None:
    settings = healthy(make_settings, simulators, smtp_port)
    address = f"127.0.0.1:{free_loopback_port()}"
    kafka = settings.kafka.model_copy(
        update={"bootstrap_servers": address, "connect_timeout_ms": 1000}
    )

    result = run_doctor(settings.model_copy(update={"kafka": kafka}), tmp_path)

    assert result.exit_code == 1, result.output
    assert [name for name, outcome in outcomes(result).items() if outcome == "FAIL"] == ["broker"]
    assert address in lines_of(result)["broker"]
    assert "1 check(s) failed: broker" in result.stderr


def test_missing_topics_fail_the_broker_line(
    make_settings: SettingsFactory, simulators: Simulators, smtp_port: int, tmp_path: Path
) -> None:
    settings = healthy(make_settings, simulators, smtp_port)
    records = settings.kafka.records_topic.model_copy(update={"name": f"absent-{uuid.uuid4()}"})
    kafka = settings.kafka.model_copy(update={"records_topic": records})

    result = run_doctor(settings.model_copy(update={"kafka": kafka}), tmp_path)

    assert result.exit_code == 1, result.output
    assert outcomes(result)["broker"] == "FAIL"
    assert records.name in lines_of(result)["broker"]


def test_a_wrong_duckdb_path_fails_the_warehouse_line_and_creates_nothing(
    make_settings: SettingsFactory, simulators: Simulators, smtp_port: int, tmp_path: Path
) -> None:
    settings = healthy(make_settings, simulators, smtp_port)
    wrong = tmp_path / "elsewhere" / "warehouse.duckdb"
    warehouse = settings.warehouse.model_copy(update={"url": f"duckdb:///{wrong}"})

    result = run_doctor(settings.model_copy(update={"warehouse": warehouse}), tmp_path)

    assert result.exit_code == 2, result.output  # a configuration to fix, not a retry
    assert [name for name, outcome in outcomes(result).items() if outcome == "FAIL"] == [
        "warehouse"
    ]
    assert str(wrong) in lines_of(result)["warehouse"]
    assert not wrong.parent.exists()


def test_an_unreachable_postgresql_fails_the_warehouse_line_with_exit_1(
    make_settings: SettingsFactory,
    simulators: Simulators,
    smtp_port: int,
    tmp_path: Path,
    postgres_available: bool,
) -> None:
    if not postgres_available:
        pytest.skip("PostgreSQL is not reachable")
    settings = healthy(make_settings, simulators, smtp_port)
    url = f"postgresql://postgres@127.0.0.1:{free_loopback_port()}/test"
    warehouse = settings.warehouse.model_copy(update={"url": url, "db_schema": "public"})

    result = run_doctor(settings.model_copy(update={"warehouse": warehouse}), tmp_path)

    assert result.exit_code == 1, result.output
    assert outcomes(result)["warehouse"] == "FAIL"
    assert "cannot connect" in lines_of(result)["warehouse"]


def test_a_postgresql_schema_never_migrated_fails_and_is_not_created(
    make_settings: SettingsFactory,
    simulators: Simulators,
    smtp_port: int,
    tmp_path: Path,
    postgres_available: bool,
) -> None:
    if not postgres_available:
        pytest.skip("PostgreSQL is not reachable")
    settings = healthy(make_settings, simulators, smtp_port)
    schema = f"t_never_{uuid.uuid4().hex[:8]}"
    warehouse = settings.warehouse.model_copy(update={"url": POSTGRES_URL, "db_schema": schema})

    result = run_doctor(settings.model_copy(update={"warehouse": warehouse}), tmp_path)

    assert result.exit_code == 2, result.output
    assert "not applied" in lines_of(result)["warehouse"]
    with psycopg.connect(POSTGRES_URL) as connection:
        found = connection.execute(
            "SELECT count(*) FROM information_schema.schemata WHERE schema_name = %s", (schema,)
        ).fetchone()
    assert found == (0,)


def test_a_missing_model_file_fails_the_models_line(
    make_settings: SettingsFactory, simulators: Simulators, smtp_port: int, tmp_path: Path
) -> None:
    empty = tmp_path / "models"
    empty.mkdir()
    settings = healthy(make_settings, simulators, smtp_port, classifiers={"model_dir": str(empty)})

    result = run_doctor(settings, tmp_path, "--quick")

    assert result.exit_code == 1, result.output
    assert [name for name, outcome in outcomes(result).items() if outcome == "FAIL"] == ["models"]
    assert str(empty) in lines_of(result)["models"]


def test_an_smtp_server_that_is_down_fails_the_smtp_line(
    make_settings: SettingsFactory, simulators: Simulators, smtp_port: int, tmp_path: Path
) -> None:
    settings = healthy(make_settings, simulators, smtp_port)
    down = free_loopback_port()
    smtp = settings.smtp.model_copy(update={"port": down})

    result = run_doctor(settings.model_copy(update={"smtp": smtp}), tmp_path)

    assert result.exit_code == 1, result.output
    assert [name for name, outcome in outcomes(result).items() if outcome == "FAIL"] == ["smtp"]
    assert f"127.0.0.1:{down}" in lines_of(result)["smtp"]


@pytest.mark.parametrize("platform", ["x", "facebook"])
def test_an_expired_token_fails_that_accounts_line_only(
    make_settings: SettingsFactory,
    simulators: Simulators,
    smtp_port: int,
    tmp_path: Path,
    platform: str,
) -> None:
    settings = healthy(make_settings, simulators, smtp_port)
    if platform == "x":
        expired = "uni_research"
        simulators.x_api.expire(simulators.account(expired).token)
    else:
        expired = "uni_students"
        simulators.graph_api.expire(simulators.account(expired).token)

    result = run_doctor(settings, tmp_path)

    assert result.exit_code == 2, result.output  # a new token is needed: no retry helps
    failing = [name for name, outcome in outcomes(result).items() if outcome == "FAIL"]
    assert failing == [f"token {platform}/{expired}"]
    assert "rejected" in lines_of(result)[failing[0]]
    assert simulators.account(expired).token not in result.output


def test_a_missing_secret_is_named_and_fails_with_exit_2(
    make_settings: SettingsFactory, simulators: Simulators, smtp_port: int, tmp_path: Path
) -> None:
    connectors = simulators.connector_settings()
    connectors["facebook"] = {**connectors["facebook"], "page_tokens": {}}  # type: ignore[dict-item]
    settings = healthy(make_settings, simulators, smtp_port, connectors=connectors)

    result = run_doctor(settings, tmp_path)

    assert result.exit_code == 2, result.output
    line = lines_of(result)["secrets"]
    assert line.startswith("FAIL")
    assert "SOCMON_CONNECTORS__FACEBOOK__PAGE_TOKENS[uni_students]" in line


def test_an_invalid_configuration_is_one_failed_line_and_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "socmon.toml"
    config.write_text('[warehouse]\nurl = "mysql://nowhere"\n', encoding="utf-8")

    result = CliRunner().invoke(doctor, [], obj={"config": config})

    assert result.exit_code == 2
    assert result.stdout.startswith("FAIL  configuration")
    assert "warehouse.url" in result.stdout


def test_the_socmon_command_exits_with_doctors_code(
    make_settings: SettingsFactory, simulators: Simulators, smtp_port: int
) -> None:
    settings = healthy(make_settings, simulators, smtp_port)
    smtp = settings.smtp.model_copy(update={"port": free_loopback_port()})

    healthy_run = run_cli(settings, "doctor")
    broken_run = run_cli(settings.model_copy(update={"smtp": smtp}), "doctor")

    assert healthy_run.returncode == 0, healthy_run.stdout + healthy_run.stderr
    assert broken_run.returncode == 1
    assert "1 check(s) failed: smtp" in broken_run.stderr

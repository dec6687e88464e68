"""Configuration: validated once, environment overrides, secrets only from the environment."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.config import ConfigError, load_settings

GOOD = """
[[accounts]]
key = "uni_main"
platform = "x"
platform_id = "1500000001"
handle = "UniOfficial"
owner_email = "comms@university.example"
line_manager_email = "head@university.example"

[kafka]
bootstrap_servers = "127.0.0.1:9092"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "socmon.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_loads(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, GOOD))
    assert settings.account("uni_main").handle == "UniOfficial"
    assert settings.kafka.records_topic.name == "socmon.records.v1"
    assert settings.warehouse.url.startswith("duckdb://")


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCMON_KAFKA__BOOTSTRAP_SERVERS", "broker.internal:9093")
    monkeypatch.setenv("SOCMON_PIPELINE__READ_BATCH_SIZE", "1234")
    settings = load_settings(write(tmp_path, GOOD))
    assert settings.kafka.bootstrap_servers == "broker.internal:9093"
    assert settings.pipeline.read_batch_size == 1234


@pytest.mark.parametrize(
    ("change", "named_key"),
    [
        (('platform = "x"', 'platform = "tiktok"'), "accounts.0.platform"),
        (
            ('owner_email = "comms@university.example"', 'owner_email = "nobody"'),
            "accounts.0.owner_email",
        ),
        (("[kafka]", "[kafka]\nunknown_setting = 1"), "kafka.unknown_setting"),
        (('key = "uni_main"', 'key = "Uni Main"'), "accounts.0.key"),
    ],
)
def test_a_bad_value_names_its_key(tmp_path: Path, change: tuple[str, str], named_key: str) -> None:
    with pytest.raises(ConfigError, match=named_key.replace(".", r"\.")):
        load_settings(write(tmp_path, GOOD.replace(*change)))


def test_repeated_account_keys_are_refused(tmp_path: Path) -> None:
    doubled = GOOD + GOOD.split("[kafka]")[0]
    with pytest.raises(ConfigError, match="repeated: uni_main"):
        load_settings(write(tmp_path, doubled))


def test_secrets_in_the_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SOCMON_WAREHOUSE__PASSWORD"):
        load_settings(write(tmp_path, GOOD + '\n[warehouse]\npassword = "hunter2"\n'))
    with pytest.raises(ConfigError, match="must not contain a password"):
        load_settings(
            write(tmp_path, GOOD + '\n[warehouse]\nurl = "postgresql://u:hunter2@db/x"\n')
        )


@pytest.mark.parametrize(
    ("section", "line", "variable"),
    [
        ("connectors.twitter", 'bearer_token = "AAAA"', "SOCMON_CONNECTORS__TWITTER__BEARER_TOKEN"),
        (
            "connectors.facebook",
            'page_tokens = {uni_main = "EAAB"}',
            "SOCMON_CONNECTORS__FACEBOOK__PAGE_TOKENS",
        ),
        ("review", f'link_key = "{"k" * 40}"', "SOCMON_REVIEW__LINK_KEY"),
    ],
)
def test_api_tokens_in_the_file_are_refused(
    tmp_path: Path, section: str, line: str, variable: str
) -> None:
    with pytest.raises(ConfigError, match=variable):
        load_settings(write(tmp_path, GOOD + f"\n[{section}]\n{line}\n"))


def test_api_tokens_come_from_the_environment_as_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCMON_CONNECTORS__TWITTER__ACCOUNT_TOKENS", '{"uni_main": "AAAA-x"}')
    monkeypatch.setenv("SOCMON_CONNECTORS__TWITTER__PAGE_SIZE", "50")
    settings = load_settings(write(tmp_path, GOOD))
    assert settings.connectors.twitter.account_tokens["uni_main"].get_secret_value() == "AAAA-x"
    assert settings.connectors.twitter.page_size == 50
    assert "AAAA-x" not in repr(settings)
    assert "AAAA-x" not in settings.model_dump_json()


def test_the_password_comes_from_the_environment_and_stays_hidden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCMON_WAREHOUSE__PASSWORD", "hunter2")
    settings = load_settings(write(tmp_path, GOOD))
    assert settings.warehouse.password is not None
    assert settings.warehouse.password.get_secret_value() == "hunter2"
    assert "hunter2" not in repr(settings)


def process_with(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "--config", str(path), "process"],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("change", "named_key"),
    [
        (('platform = "x"', 'platform = "tiktok"'), "accounts.0.platform"),
        (('bootstrap_servers = "127.0.0.1:9092"', ""), "kafka.bootstrap_servers"),
    ],
)
def test_cli_exits_2_and_names_the_key(
    tmp_path: Path, change: tuple[str, str], named_key: str
) -> None:
    completed = process_with(write(tmp_path, GOOD.replace(*change)))
    assert completed.returncode == 2
    assert named_key in completed.stderr


def test_the_review_link_key_comes_from_the_environment_and_the_zone_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCMON_REVIEW__LINK_KEY", "k" * 40)
    settings = load_settings(write(tmp_path, GOOD))
    assert settings.review.link_key is not None
    assert settings.review.link_key.get_secret_value() == "k" * 40
    assert "k" * 40 not in repr(settings)
    with pytest.raises(ConfigError, match=r"alerts\.timezone"):
        load_settings(write(tmp_path, GOOD + '\n[alerts]\ntimezone = "Mars/Olympus"\n'))
    with pytest.raises(ConfigError, match=r"review\.base_url"):
        load_settings(write(tmp_path, GOOD + '\n[review]\nbase_url = "ftp://x"\n'))


def test_secrets_can_be_files_named_by_a_variable_or_mounted_in_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    password = tmp_path / "smtp-password"
    password.write_text("from-a-file\n", encoding="utf-8")
    mounted = tmp_path / "secrets"
    mounted.mkdir()
    (mounted / "SOCMON_REVIEW__LINK_KEY").write_text("m" * 40, encoding="utf-8")
    for variable in ("SOCMON_SMTP__PASSWORD", "SOCMON_REVIEW__LINK_KEY"):
        # Set, then deleted, so the teardown removes what reading the files puts back.
        monkeypatch.setenv(variable, "")
        monkeypatch.delenv(variable)
    monkeypatch.setenv("SOCMON_SMTP__PASSWORD_FILE", str(password))
    monkeypatch.setenv("SOCMON_SECRETS_DIR", str(mounted))

    settings = load_settings(write(tmp_path, GOOD))

    assert settings.smtp.password is not None
    assert settings.smtp.password.get_secret_value() == "from-a-file"
    assert settings.review.link_key is not None
    assert settings.review.link_key.get_secret_value() == "m" * 40


def test_a_secret_given_twice_or_unreadable_is_a_configuration_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCMON_SMTP__PASSWORD", "inline")
    monkeypatch.setenv("SOCMON_SMTP__PASSWORD_FILE", str(tmp_path / "x"))
    with pytest.raises(ConfigError, match="both set"):
        load_settings(write(tmp_path, GOOD))
    monkeypatch.delenv("SOCMON_SMTP__PASSWORD")
    with pytest.raises(ConfigError, match="SOCMON_SMTP__PASSWORD_FILE: cannot read"):
        load_settings(write(tmp_path, GOOD))

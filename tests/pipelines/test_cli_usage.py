"""Command-line manners: Beam options only after `--`, usage errors exit 2 and do nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli.main import cli, main


@pytest.mark.parametrize("command", ["run", "process"])
def test_an_unknown_option_is_a_usage_error_that_does_no_work(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        main([command, "--dry-run"])
    assert stopped.value.code == 2
    assert "No such option '--dry-run'" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # no warehouse, no staging, no broker data


@pytest.mark.parametrize("command", ["run", "process"])
def test_help_names_the_beam_separator_and_the_exit_codes(command: str) -> None:
    shown = CliRunner().invoke(cli, [command, "--help"]).output
    assert "-- BEAM_OPTIONS" in shown
    assert "Exit codes: 0" in shown and "3 done, but" in " ".join(shown.split())


@pytest.mark.parametrize("command", [["runs"], ["alerts", "list"], ["process"], ["notify"]])
def test_without_a_configuration_file_nothing_is_created(
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOCMON_CONFIG", raising=False)
    monkeypatch.delenv("SOCMON_WAREHOUSE__URL", raising=False)
    with pytest.raises(SystemExit) as stopped:
        main(command)
    assert stopped.value.code == 2
    assert "no configuration file: give --config PATH" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_only_migrate_creates_the_warehouse_and_readers_then_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOCMON_WAREHOUSE__URL", raising=False)
    monkeypatch.delenv("SOCMON_WAREHOUSE__MIGRATIONS", raising=False)
    Path("socmon.toml").write_text(
        '[warehouse]\nurl = "duckdb:///data/warehouse.duckdb"\n', encoding="utf-8"
    )

    for command in (["runs"], ["alerts", "list"]):
        with pytest.raises(SystemExit) as refused:
            main(command)
        assert refused.value.code == 2
        assert "create it with `socmon migrate`" in capsys.readouterr().err
    assert not Path("data").exists()

    with pytest.raises(SystemExit) as migrated:
        main(["migrate"])
    assert migrated.value.code == 0
    assert "applied" in capsys.readouterr().out
    with pytest.raises(SystemExit) as listed:
        main(["runs", "--json"])
    assert listed.value.code == 0
    assert capsys.readouterr().out.strip() == "[]"


def test_an_alert_id_that_matches_nothing_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOCMON_WAREHOUSE__URL", raising=False)
    monkeypatch.delenv("SOCMON_WAREHOUSE__MIGRATIONS", raising=False)
    Path("socmon.toml").write_text(
        '[warehouse]\nurl = "duckdb:///warehouse.duckdb"\n', encoding="utf-8"
    )
    with pytest.raises(SystemExit):
        main(["migrate"])
    capsys.readouterr()
    for typed, said in (("110f64", "at least 8 characters"), ("110f64aa", "0 alerts match")):
        with pytest.raises(SystemExit) as refused:
            main(["alerts", "show", typed])
        assert refused.value.code == 2
        assert said in capsys.readouterr().err

"""`socmon serve` refuses to start without a usable link key: one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.cli.main import main


@pytest.mark.parametrize(
    ("key", "says"),
    [
        (None, "SOCMON_REVIEW__LINK_KEY is not set"),
        ("too-short", "at least 32 characters"),
    ],
)
def test_serve_without_a_usable_link_key_exits_2_with_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    key: str | None,
    says: str,
) -> None:
    monkeypatch.chdir(tmp_path)  # no socmon.toml: the defaults
    monkeypatch.delenv("SOCMON_CONFIG", raising=False)
    if key is None:
        monkeypatch.delenv("SOCMON_REVIEW__LINK_KEY", raising=False)
    else:
        monkeypatch.setenv("SOCMON_REVIEW__LINK_KEY", key)
    monkeypatch.setenv("SOCMON_WAREHOUSE__URL", f"duckdb:///{tmp_path / 'w.duckdb'}")
    with pytest.raises(SystemExit) as stopped:
        main(["serve"])
    assert stopped.value.code == 2
    error = capsys.readouterr().err.strip()
    assert says in error and len(error.splitlines()) == 1

"""benchmarks/privacy_eval.py runs on a small sample and prints its table, never a text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from testing.privacy_eval import generate

pytestmark = pytest.mark.slow
SCRIPT = Path(__file__).parents[3] / "benchmarks" / "privacy_eval.py"


def run(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *arguments],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def row(output: str, first_cell: str) -> list[str]:
    (line,) = [line for line in output.splitlines() if line.startswith(f"| {first_cell} |")]
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_a_small_run_prints_a_column_per_configuration_and_no_text() -> None:
    completed = run("--n", "60", "--demo", "20", "--configurations", "ours,presidio")
    assert completed.returncode == 0, completed.stderr
    output = completed.stdout
    header = row(output, "entity")
    assert header[2:] == ["ours: patterns + name list", "Presidio: patterns only"]
    for label in ("**structured identifiers**", "**all types**", "PERSON"):
        cells = row(output, label)
        assert all(" / " in cell and cell.endswith(")") for cell in cells[2:]), cells
    assert row(output, "false redactions per 1,000 demo benign traffic")[1] == "20"
    assert int(row(output, "texts/s (one process)")[1]) == 80
    for item in generate(60, 2026, "report"):
        for _kind, start, end in item.spans:
            assert item.text[start:end] not in output


def test_misses_are_shown_for_the_dev_split_only() -> None:
    refused = run("--n", "10", "--configurations", "ours", "--show-misses", "2")
    assert refused.returncode == 2
    assert "dev split" in refused.stderr
    shown = run(
        "--split",
        "dev",
        "--n",
        "60",
        "--demo",
        "0",
        "--configurations",
        "ours",
        "--show-misses",
        "1",
    )
    assert shown.returncode == 0, shown.stderr
    assert "misses by template" in shown.stdout


def test_an_unknown_configuration_is_refused() -> None:
    completed = run("--configurations", "ours,nonsense")
    assert completed.returncode == 2
    assert "nonsense" in completed.stderr

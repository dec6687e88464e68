"""benchmarks/false_alarms.py and benchmarks/functional_tests.py run on a small sample."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from classifiers import functional, ordinary
from classifiers.base import CATEGORIES
from tests.classifiers.test_evalsets import write_ordinary

pytestmark = pytest.mark.slow
BENCHMARKS = Path(__file__).parents[2] / "benchmarks"


def run(script: str, *arguments: str) -> str:
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *arguments],
        check=True,
        capture_output=True,
        text=True,
    )
    return completed.stdout


def table_cells(output: str, first_cell: str) -> list[str]:
    (line,) = [line for line in output.splitlines() if line.startswith(f"| {first_cell} |")]
    return [cell.strip() for cell in line.strip("|").split("|")]


@pytest.mark.parametrize("split", ordinary.SPLITS)
def test_false_alarms_prints_a_row_per_kind_and_no_text(tmp_path: Path, split: str) -> None:
    write_ordinary(tmp_path)
    output = run("false_alarms.py", "--split", split, "--data", str(tmp_path), "--sample", "2")
    texts = [item.text for item in ordinary.build(tmp_path, split)]
    for kind in ordinary.by_kind(ordinary.build(tmp_path, split)):
        cells = table_cells(output, kind)
        # texts, then one share per category and alt-profanity-check's
        assert len(cells) == 3 + len(CATEGORIES) + 1
        assert all(cell.endswith(" %") for cell in cells[3:])
    assert table_cells(output, "**our benign texts**")[2] == str(
        2
        * sum(
            1
            for kind in ordinary.TEMPLATE_FAMILIES[split].templates
            if kind not in ordinary.NOT_BENIGN_KINDS
        )
    )
    for category in CATEGORIES:
        assert f"  {category} " in output  # the headline against each goal
    assert not any(text in output for text in texts)


@pytest.mark.parametrize("split", functional.SPLITS)
def test_functional_tests_prints_accuracy_per_function_and_no_text(split: str) -> None:
    output = run("functional_tests.py", "--split", split, "--sample", "2")
    for function in functional.FUNCTIONS:
        cells = table_cells(output, function.name)
        assert cells[3] == "2"
        assert all(0.0 <= float(cell) <= 1.0 for cell in cells[4:6])
    assert table_cells(output, "**all**")[3] == str(2 * len(functional.FUNCTIONS))
    assert table_cells(output, "socmon")[1].endswith(")")  # the perturbation table
    assert not any(case.text in output for case in functional.build(split))

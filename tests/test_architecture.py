"""The import contracts in pyproject.toml hold, and an import that breaks one is caught."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("schemas", "connectors", "classifiers", "pipelines", "testing")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def copy_of_the_tree(target: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            target / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.npz", "*.jsonl"),
        )
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


def test_the_tree_keeps_every_contract(tmp_path: Path) -> None:
    result = lint_imports(copy_of_the_tree(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "message"),
    [
        # The warehouse reaching up into a use case.
        (
            "pipelines/warehouse/runs.py",
            "import pipelines.usecases.process",
            "pipelines.warehouse is not allowed to import pipelines.usecases",
        ),
        # The bottom layer importing the application.
        ("schemas/records.py", "import pipelines.config", "schemas is not allowed to import"),
        # Production code importing the test harness.
        (
            "pipelines/usecases/tick.py",
            "import testing.simulators",
            "pipelines is not allowed to import testing",
        ),
        # Connectors and classifiers stay independent.
        ("connectors/base.py", "import classifiers.normalize", "connectors is not allowed"),
    ],
)
def test_an_import_against_the_layers_fails_the_lint(
    tmp_path: Path, module: str, bad_import: str, message: str
) -> None:
    tree = copy_of_the_tree(tmp_path)
    target = tree / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{bad_import}\n", encoding="utf-8")
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout
    assert message in result.stdout

"""`socmon classify`, `socmon train` and `socmon evaluate`: the classifiers' commands."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from pipelines.cli.support import EXIT_FAILURE, check_output_file, settings_of
from schemas.errors import SocmonError

#: A command function being decorated.
Command = TypeVar("Command", bound=Callable[..., Any])


def _path_option(
    flag: str, name: str, *, folder: bool = False, exists: bool = False, **options: Any
) -> Callable[[Command], Command]:
    """A ``--flag`` whose value is a file's path (or, with ``folder``, a folder's) as a Path."""
    path = click.Path(path_type=Path, exists=exists, file_okay=not folder, dir_okay=folder)
    return click.option(flag, name, type=path, **options)


_data_option = _path_option(
    "--data",
    "data_dir",
    folder=True,
    exists=True,
    required=True,
    help="The labelled data folder (see its README).",
)


@click.command()
@_path_option(
    "--input", "input_path", exists=True, required=True, help="JSON lines with id and text."
)
@_path_option(
    "--output", "output_path", required=True, help="Where the scores go (JSON lines, same order)."
)
@click.pass_context
def classify(context: click.Context, input_path: Path, output_path: Path) -> None:
    """Score texts for offensive, hate, threat and misleading content."""
    from pipelines.usecases.classify import classify_file

    settings = settings_of(context, needs_file=False)
    check_output_file(output_path, input_path)
    counts = classify_file(input_path, output_path, settings.classifiers)
    click.echo(f"classified {counts.classified} line(s); {counts.errors} refused", err=True)
    if counts.errors:
        context.exit(EXIT_FAILURE)


@click.command()
@_data_option
@_path_option(
    "--output",
    "output_dir",
    folder=True,
    default=None,
    help="Where models and cards go (default: classifiers.model_dir).",
)
@click.pass_context
def train(context: click.Context, data_dir: Path, output_dir: Path | None) -> None:
    """Train every classifier from labelled data, with model cards."""
    from tqdm import tqdm

    from classifiers.training import STEPS, train_all

    target = output_dir or settings_of(context, needs_file=False).classifiers.model_dir
    with tqdm(total=STEPS, unit="step", file=sys.stderr) as bar:

        def progress(step: str) -> None:
            bar.set_description(step)
            bar.update(1)

        trained = train_all(data_dir, target, progress)
    for category, values in trained.metadata["metrics"].items():
        if "metric" in values:
            click.echo(
                f"{category:<11} validation {values['metric'].replace('_', '-')} "
                f"{values[values['metric']]} at threshold {trained.thresholds[category]}"
            )
    click.echo(f"models and model cards written to {target}")


@click.command()
@_data_option
@_path_option("--output", "output_path", default=Path("classifier-report.html"), show_default=True)
@click.pass_context
def evaluate(context: click.Context, data_dir: Path, output_path: Path) -> None:
    """HTML report: metrics, confusion matrices and precision-recall curves, with a comparison."""
    from classifiers.evaluation import evaluate as run_evaluation
    from classifiers.evaluation import report_html
    from pipelines.classifier_files import load_classifiers

    settings = settings_of(context, needs_file=False)  # verdicts are read if there are any
    check_output_file(output_path)
    classifiers = load_classifiers(settings.classifiers)
    results = run_evaluation(classifiers, data_dir)
    output_path.write_text(
        report_html(classifiers, results, _feedback_precision(settings)), encoding="utf-8"
    )
    click.echo(f"report written to {output_path}")


def _feedback_precision(settings: Any) -> Any:
    """Precision per rule and category from the warehouse's verdicts, if there are any."""
    from pipelines.usecases.review import precision
    from pipelines.warehouse import open_warehouse

    try:
        warehouse = open_warehouse(settings.warehouse, read_only=True)
    except SocmonError:
        return None
    with warehouse:
        table = precision(warehouse)
    return table if any(reviewed for _, reviewed, _, _ in table["rule_id"]) else None

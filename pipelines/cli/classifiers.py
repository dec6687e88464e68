"""`socmon classify`, `socmon train` and `socmon evaluate`: the classifiers' commands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from pipelines.cli.support import EXIT_FAILURE, settings_of
from schemas.errors import SocmonError


@click.command()
@click.option(
    "--input",
    "input_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    required=True,
    help="JSON lines with id and text.",
)
@click.option(
    "--output",
    "output_path",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Where the scores go (JSON lines, same order).",
)
@click.pass_context
def classify(context: click.Context, input_path: Path, output_path: Path) -> None:
    """Score texts for offensive, hate, threat and misleading content."""
    from pipelines.usecases.classify import classify_file

    counts = classify_file(input_path, output_path, settings_of(context).classifiers)
    click.echo(f"classified {counts.classified} line(s); {counts.errors} refused", err=True)
    if counts.errors:
        context.exit(EXIT_FAILURE)


@click.command()
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    required=True,
    help="The labelled data folder (see its README).",
)
@click.option(
    "--output",
    "output_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Where models and cards go (default: classifiers.model_dir).",
)
@click.pass_context
def train(context: click.Context, data_dir: Path, output_dir: Path | None) -> None:
    """Train every classifier from labelled data, with model cards."""
    from tqdm import tqdm

    from classifiers.training import STEPS, train_all

    target = output_dir or settings_of(context).classifiers.model_dir
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
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    required=True,
    help="The labelled data folder.",
)
@click.option(
    "--output",
    "output_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("classifier-report.html"),
    show_default=True,
)
@click.pass_context
def evaluate(context: click.Context, data_dir: Path, output_path: Path) -> None:
    """HTML report: metrics, confusion matrices and precision-recall curves, with a comparison."""
    from classifiers.evaluation import evaluate as run_evaluation
    from classifiers.evaluation import report_html
    from pipelines.usecases.classify import load_classifiers

    settings = settings_of(context)
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
        warehouse = open_warehouse(settings.warehouse)
    except SocmonError:
        return None
    try:
        table = precision(warehouse)
    finally:
        warehouse.close()
    return table if any(reviewed for _, reviewed, _, _ in table["rule_id"]) else None

"""`socmon demo`: the whole slice on synthetic activity against the API simulators."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option(
    "--workdir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("demo-output"),
    show_default=True,
    help="Where the warehouse and staging files go.",
)
def demo(workdir: Path) -> None:
    """Run one tick on bundled synthetic data with an embedded broker and DuckDB."""
    from testing.demo import run_demo

    _, text = run_demo(workdir)
    click.echo(text)

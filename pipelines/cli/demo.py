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
@click.option(
    "--serve",
    is_flag=True,
    help="After the tick, serve the review app on the demo's warehouse (Ctrl-C stops it).",
)
def demo(workdir: Path, serve: bool) -> None:
    """Run one tick on bundled synthetic data with an embedded broker and DuckDB."""
    from testing.demo import demo_settings, run_demo

    _, text = run_demo(workdir)
    click.echo(text)
    if serve:
        import uvicorn

        from pipelines.web import create_app

        settings = demo_settings(workdir)
        click.echo(f"review app on {settings.review.base_url}/ (Ctrl-C stops it)")
        uvicorn.run(
            create_app(settings),
            host=settings.review.host,
            port=settings.review.port,
            log_level="warning",
        )

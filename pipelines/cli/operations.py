"""`socmon runs|coverage|dq report`: what the runs did, what was fetched, what was checked."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipelines.cli.support import settings_of


@click.group()
def dq() -> None:
    """Data-quality results."""


@dq.command("report")
@click.argument("run_id")
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="HTML file to write (default: dq-report-RUN_ID.html).",
)
@click.pass_context
def dq_report(context: click.Context, run_id: str, output: Path | None) -> None:
    """Write the static HTML report of one run's expectations."""
    from pipelines.quality.report import render_report
    from pipelines.warehouse import open_warehouse

    warehouse = open_warehouse(settings_of(context).warehouse)
    try:
        html = render_report(warehouse, run_id)
    finally:
        warehouse.close()
    path = output or Path(f"dq-report-{run_id}.html")
    path.write_text(html, encoding="utf-8")
    click.echo(str(path))


@click.command()
@click.option("--limit", default=10, show_default=True, help="How many recent runs.")
@click.pass_context
def runs(context: click.Context, limit: int) -> None:
    """List recent runs with their counts and status."""
    from pipelines.warehouse import open_warehouse

    warehouse = open_warehouse(settings_of(context).warehouse)
    try:
        rows = warehouse.query(
            "SELECT run_id, status, records_read, records_stored, duplicates, dead_letters, "
            "coverage_gaps, error FROM runs ORDER BY started_at DESC LIMIT ?",
            (limit,),
        )
    finally:
        warehouse.close()
    click.echo(
        f"{'run':<26} {'status':<10} {'read':>8} {'stored':>8} {'dups':>6} {'dead':>6} {'gaps':>5}"
    )
    for run_id, status, read, stored, dups, dead, gaps, error in rows:
        gap_count = "-" if gaps is None else str(len(json.loads(gaps)))
        line = (
            f"{run_id:<26} {status:<10} {_n(read):>8} {_n(stored):>8} {_n(dups):>6} {_n(dead):>6} "
            f"{gap_count:>5}"
        )
        click.echo(line + (f"  {error[:80]}" if error else ""))


@click.command()
@click.option("--ingest", "ingest_id", default=None, help="An ingest id (default: the latest).")
@click.pass_context
def coverage(context: click.Context, ingest_id: str | None) -> None:
    """What the latest (or a given) ingest fetched per account and stream, and what it could not."""
    from pipelines.warehouse import open_warehouse

    warehouse = open_warehouse(settings_of(context).warehouse)
    try:
        if ingest_id is None:
            latest = warehouse.query(
                "SELECT ingest_id FROM coverage ORDER BY checked_at DESC LIMIT 1"
            )
            ingest_id = str(latest[0][0]) if latest else ""
        rows = warehouse.query(
            "SELECT account, stream, status, fetched, newest_item_at, reason FROM coverage "
            "WHERE ingest_id = ? ORDER BY account, stream",
            (ingest_id,),
        )
    finally:
        warehouse.close()
    if not rows:
        raise click.ClickException("no coverage recorded yet: run `socmon ingest` first")
    click.echo(f"ingest {ingest_id}")
    click.echo(f"{'account':<16} {'stream':<10} {'status':<12} {'fetched':>8}  newest item")
    for account, stream, status, fetched, newest, reason in rows:
        when = newest.strftime("%Y-%m-%d %H:%M") if newest else "-"
        click.echo(f"{account:<16} {stream:<10} {status:<12} {fetched:>8}  {when}")
        if reason:
            click.echo(f"{'':<16} {reason}")


def _n(value: int | None) -> str:
    return "-" if value is None else str(value)

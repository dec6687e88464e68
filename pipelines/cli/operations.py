"""`socmon runs|coverage|dq report`: what the runs did, what was fetched, what was checked."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pipelines.cli.support import echo_json, iso_minute, json_option, with_warehouse

if TYPE_CHECKING:
    from pipelines.warehouse import Warehouse


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

    html = with_warehouse(
        context, lambda w: render_report(w.runs.row(run_id), w.quality.results_of(run_id))
    )
    path = output or Path(f"dq-report-{run_id}.html")
    path.write_text(html, encoding="utf-8")
    click.echo(str(path))


@click.command()
@click.option("--limit", default=10, show_default=True, help="How many recent runs.")
@json_option
@click.pass_context
def runs(context: click.Context, limit: int, as_json: bool) -> None:
    """List recent runs: when, how long, counts, alerts raised and status (times in UTC)."""
    recent = with_warehouse(context, lambda w: w.runs.recent(limit))
    if as_json:
        echo_json(recent)
        return
    click.echo(
        f"{'run':<26} {'started':<17} {'took':>6} {'status':<10} {'read':>8} {'stored':>8} "
        f"{'dups':>6} {'dead':>6} {'alerts':>6} {'gaps':>5}"
    )
    for run in recent:
        gaps = run["coverage_gaps"]
        gap_count = "-" if gaps is None else str(len(json.loads(gaps)))
        counts = [_n(run[name]) for name in ("records_read", "records_stored", "duplicates")]
        line = (
            f"{run['run_id']:<26} {iso_minute(run['started_at']):<17} "
            f"{_took(run['started_at'], run['finished_at']):>6} {run['status']:<10} "
            f"{counts[0]:>8} {counts[1]:>8} {counts[2]:>6} {_n(run['dead_letters']):>6} "
            f"{_n(run['alerts_raised']):>6} {gap_count:>5}"
        )
        error = run["error"]
        click.echo(line + (f"  {error[:80]}" if error else ""))


def _took(started: datetime | None, finished: datetime | None) -> str:
    if started is None or finished is None:
        return "-"
    seconds = (finished - started).total_seconds()
    return f"{seconds:.1f}s" if seconds < 600 else f"{seconds / 60:.0f}m"


@click.command()
@click.option("--ingest", "ingest_id", default=None, help="An ingest id (default: the latest).")
@json_option
@click.pass_context
def coverage(context: click.Context, ingest_id: str | None, as_json: bool) -> None:
    """What the latest (or a given) ingest fetched per account and stream, and what it could not."""

    def read(warehouse: Warehouse) -> tuple[str, list[dict[str, Any]]]:
        chosen = ingest_id or warehouse.connectors.latest_ingest() or ""
        return chosen, warehouse.connectors.coverage_of(chosen)

    ingest_id, rows = with_warehouse(context, read)
    if not rows:
        raise click.ClickException("no coverage recorded yet: run `socmon ingest` first")
    if as_json:
        echo_json([{"ingest_id": ingest_id, **row} for row in rows])
        return
    click.echo(f"ingest {ingest_id}")
    click.echo(f"{'account':<16} {'stream':<10} {'status':<12} {'fetched':>8}  newest item")
    for row in rows:
        newest = row["newest_item_at"]
        when = iso_minute(newest)
        click.echo(
            f"{row['account']:<16} {row['stream']:<10} {row['status']:<12} {row['fetched']:>8}  "
            f"{when}"
        )
        if row["reason"]:
            click.echo(f"{'':<16} {row['reason']}")


def _n(value: int | None) -> str:
    return "-" if value is None else str(value)

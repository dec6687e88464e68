"""`socmon status [--json]`: recent runs, consumer lag, coverage, deliveries, open alerts and
operations problems.

Reads the warehouse read-only (it is never created or migrated here) and asks the broker
for its partitions' ends; an unreachable broker leaves the lag unknown, said in a note.
"""

from __future__ import annotations

import json
from typing import Any

import click

from pipelines.cli.support import settings_of


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON document instead of text.")
@click.option("--runs", "run_count", default=5, show_default=True, help="How many recent runs.")
@click.pass_context
def status(context: click.Context, as_json: bool, run_count: int) -> None:
    """What the pipeline did lately and what is waiting: runs, lag, coverage, deliveries, alerts."""
    from pipelines.usecases.status import gather_status
    from pipelines.warehouse.status import open_read_only

    settings = settings_of(context)
    with open_read_only(settings.warehouse) as warehouse:
        report = gather_status(settings, warehouse, runs=run_count)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2, sort_keys=True))
        return
    _print(report.to_json())


def _print(report: dict[str, Any]) -> None:
    click.echo("runs (newest first)")
    if not report["runs"]:
        click.echo("  none yet")
    for run in report["runs"]:
        duration = run["duration_s"]
        took = f"{duration:.1f} s" if duration is not None else "-"
        click.echo(
            f"  {run['run_id']:<26} {run['status']:<10} started {run['started_at']}  took {took}  "
            f"read {_n(run['records_read'])} stored {_n(run['records_stored'])} "
            f"dead {_n(run['dead_letters'])} alerts {_n(run['alerts_raised'])}"
            + (f"  gaps {len(run['coverage_gaps'])}" if run["coverage_gaps"] else "")
        )
        if run["error"]:
            click.echo(f"    error: {run['error'][:120]}")
    lag = report["consumer_lag"]
    click.echo("consumer lag (messages not yet in the warehouse)")
    if lag["note"]:
        click.echo(f"  unknown: {lag['note']}")
    for partition in lag["partitions"]:
        click.echo(
            f"  {partition['topic']}[{partition['partition']}]  next {partition['next_offset']}"
            f"  end {partition['end']}  lag {partition['lag']}"
        )
    coverage = report["coverage"]
    click.echo(f"coverage (ingest {coverage['ingest_id'] or '-'})")
    for account in coverage["accounts"]:
        click.echo(
            f"  {account['account']:<16} {account['status']:<12} fetched {account['fetched']:>6}"
            f"  newest item {account['newest_item_at'] or '-'}"
            f"  last complete {account['last_complete_at'] or '-'}"
        )
        for gap in account["gaps"]:
            click.echo(f"    {gap}")
    for account in coverage["never_reported"]:
        click.echo(f"  {account:<16} never fetched")
    click.echo("deliveries by state")
    deliveries = report["deliveries"]
    if not deliveries:
        click.echo("  none")
    for state, count in sorted(deliveries.items()):
        click.echo(f"  {state:<10} {count}")
    click.echo("alerts without a verdict, by severity")
    if not report["unresolved_alerts"]:
        click.echo("  none")
    for row in report["unresolved_alerts"]:
        click.echo(f"  {row['severity']:<9} {row['alerts']:>5}  oldest {row['oldest']}")
    click.echo("operations problems open")
    if not report["open_problems"]:
        click.echo("  none")
    for problem in report["open_problems"]:
        click.echo(
            f"  {problem['kind']:<18} {problem['subject']:<28} since {problem['opened_at']}"
            f"  {problem['summary']}"
        )


def _n(value: int | None) -> str:
    return "-" if value is None else str(value)

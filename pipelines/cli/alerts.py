"""`socmon notify` and `socmon alerts ...`: sending alerts and reviewing them."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipelines.cli.support import EXIT_FAILURE, settings_of, with_warehouse


@click.command()
@click.pass_context
def notify(context: click.Context) -> None:
    """Email the alerts that are due (immediate and digests); retry failed ones."""
    from pipelines.usecases.notify import describe
    from pipelines.usecases.notify import notify as run_notify
    from pipelines.warehouse import open_warehouse

    settings = settings_of(context)
    warehouse = open_warehouse(settings.warehouse)
    try:
        result = run_notify(settings, warehouse)
    finally:
        warehouse.close()
    click.echo(describe(result))
    if result.failed:
        context.exit(EXIT_FAILURE)


@click.group()
def alerts() -> None:
    """Review alerts: list, show, resolve; precision per rule; export verdicts as labels."""


@alerts.command("list")
@click.option("--status", type=click.Choice(["open", "confirmed", "false_positive", "duplicate"]))
@click.option("--limit", type=int, default=50, show_default=True)
@click.pass_context
def alerts_list(context: click.Context, status: str | None, limit: int) -> None:
    """Newest alerts first."""
    from pipelines.usecases.review import list_alerts

    rows = with_warehouse(context, lambda w: list_alerts(w, status, limit))
    click.echo(
        f"{'alert':<18} {'created':<17} {'account':<14} {'severity':<9} {'category':<14} "
        f"{'clause':<6} {'rule':<28} status"
    )
    for alert_id, created, account, severity, category, clause, rule, state in rows:
        click.echo(
            f"{alert_id[:16]:<18} {created:%Y-%m-%d %H:%M} {account:<14} {severity:<9} "
            f"{category:<14} {clause:<6} {rule:<28} {state}"
        )


@alerts.command("show")
@click.argument("alert_id")
@click.pass_context
def alerts_show(context: click.Context, alert_id: str) -> None:
    """One alert with its evidence and verdicts."""
    from pipelines.usecases.review import find_alert

    alert = with_warehouse(context, lambda w: find_alert(w, alert_id))
    for key, value in alert.items():
        if key == "evidence":
            value = json.dumps(json.loads(value), indent=2, ensure_ascii=False)
        click.echo(f"{key}: {value}")


@alerts.command("resolve")
@click.argument("alert_id")
@click.option(
    "--as",
    "verdict",
    type=click.Choice(["confirmed", "false_positive", "duplicate"]),
    required=True,
)
@click.option("--note", default=None, help="Why (kept with the verdict).")
@click.pass_context
def alerts_resolve(context: click.Context, alert_id: str, verdict: str, note: str | None) -> None:
    """Record a reviewer's verdict on an alert."""
    from pipelines.usecases.review import resolve

    resolved = with_warehouse(context, lambda w: resolve(w, alert_id, verdict, note))
    click.echo(f"alert {resolved[:16]} marked {verdict}")


@alerts.command("precision")
@click.pass_context
def alerts_precision(context: click.Context) -> None:
    """Precision per rule and per category, from reviewers' verdicts."""
    from pipelines.usecases.review import precision

    table = with_warehouse(context, precision)
    for column, rows in table.items():
        click.echo(f"{'by ' + column:<30} {'reviewed':>8} {'confirmed':>9} {'precision':>9}")
        for name, reviewed, confirmed, value in rows:
            shown = f"{value:.2f}" if reviewed else "-"
            click.echo(f"{name:<30} {reviewed:>8} {confirmed:>9} {shown:>9}")
        click.echo("")


@alerts.command("export-labels")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.pass_context
def alerts_export(context: click.Context, output: Path) -> None:
    """Reviewed alerts as extra training labels (JSON lines of redacted text)."""
    from pipelines.usecases.review import export_labels

    count = with_warehouse(context, lambda w: export_labels(w, output))
    click.echo(f"wrote {count} label(s) to {output}")

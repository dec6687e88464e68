"""`socmon notify` and `socmon alerts ...`: sending alerts and reviewing them."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import click

from pipelines.cli.support import (
    EXIT_FAILURE,
    echo_json,
    iso_minute,
    json_option,
    settings_of,
    with_warehouse,
)
from pipelines.settings.alerts import EMAIL_PATTERN
from schemas.vocabulary import ACTIONS_TAKEN, ALERT_STATUSES, VERDICTS


@click.command()
@click.pass_context
def notify(context: click.Context) -> None:
    """Email the alerts that are due (immediate and digests); retry failed ones."""
    from pipelines.usecases.notify import describe
    from pipelines.usecases.notify import notify as run_notify

    result = run_notify(settings_of(context))
    click.echo(describe(result))
    for message_id in result.uncertain:
        click.echo(f"uncertain: {message_id}", err=True)
    if result.failed:
        context.exit(EXIT_FAILURE)


@click.group()
def alerts() -> None:
    """Review alerts: list, show, resolve; precision per rule; export verdicts as labels;
    settle emails whose acceptance by the mail server is uncertain."""


@alerts.command("list")
@click.option("--status", type=click.Choice(ALERT_STATUSES))
@click.option("--limit", type=int, default=50, show_default=True)
@json_option
@click.pass_context
def alerts_list(context: click.Context, status: str | None, limit: int, as_json: bool) -> None:
    """Newest alerts first (times in UTC)."""
    from pipelines.usecases.review import list_alerts

    listed = with_warehouse(context, lambda w: list_alerts(w, status, limit))
    if as_json:
        echo_json(listed)
        return
    click.echo(
        f"{'alert':<18} {'created':<17} {'account':<14} {'severity':<9} {'categories':<24} "
        f"{'clauses':<10} status"
    )
    for alert in listed:
        click.echo(
            f"{alert.alert_id[:16]:<18} {iso_minute(alert.created_at):<17} {alert.account:<14} "
            f"{alert.severity:<9} {','.join(alert.every_category):<24} "
            f"{','.join(alert.every_clause):<10} {alert.status}"
        )


@alerts.command("show")
@click.argument("alert_id")
@click.pass_context
def alerts_show(context: click.Context, alert_id: str) -> None:
    """One alert with its evidence and verdicts."""
    from pipelines.usecases.review import find_alert

    reviewed = with_warehouse(context, lambda w: find_alert(w, alert_id))
    for key, value in dataclasses.asdict(reviewed.alert).items():
        if key == "evidence":
            value = json.dumps(value, indent=2, ensure_ascii=False)
        elif isinstance(value, tuple):
            value = ", ".join(value)
        elif value is None:
            continue
        click.echo(f"{key}: {value}")
    for verdict in reviewed.feedback:
        note = f" — {verdict.note}" if verdict.note else ""
        click.echo(
            f"verdict: {verdict.verdict} by {verdict.reviewer} at "
            f"{verdict.created_at:%Y-%m-%d %H:%M}{note}"
        )


@alerts.command("resolve")
@click.argument("alert_id")
@click.option(
    "--as",
    "verdict",
    type=click.Choice(VERDICTS),
    required=True,
)
@click.option("--note", default=None, help="Why (kept with the verdict).")
@click.option(
    "--reviewer",
    envvar="SOCMON_REVIEWER",
    required=True,
    help="Your email address (or SOCMON_REVIEWER): verdicts are kept under a person, "
    "not a Unix user.",
)
@click.option(
    "--action-taken",
    type=click.Choice(ACTIONS_TAKEN),
    default=None,
    help="What was done about the content.",
)
@click.pass_context
def alerts_resolve(
    context: click.Context,
    alert_id: str,
    verdict: str,
    note: str | None,
    reviewer: str,
    action_taken: str | None,
) -> None:
    """Record a reviewer's verdict on an alert (`socmon serve` is the reviewers' way)."""
    from pipelines.usecases.review import resolve

    if not re.match(EMAIL_PATTERN, reviewer):
        raise click.BadParameter(f"{reviewer!r} is not an email address", param_hint="--reviewer")
    resolved = with_warehouse(
        context,
        lambda w: resolve(w, alert_id, verdict, note, reviewer.lower(), action_taken),
        writes=True,
    )
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


@alerts.command("uncertain")
@json_option
@click.pass_context
def alerts_uncertain(context: click.Context, as_json: bool) -> None:
    """Emails the mail server may or may not have accepted (a crash after the final dot):
    alert emails and operations notices.

    Look each Message-ID up in the mail server's log, then run `socmon alerts settle`.
    """
    from pipelines.usecases.uncertain import uncertain_emails

    held = with_warehouse(context, uncertain_emails)
    if as_json:
        echo_json(
            [
                {
                    "message_id": email.message_id,
                    "kind": email.kind,
                    "since": email.since,
                    "alerts": list(email.about) if email.kind == "alerts" else [],
                    "title": email.about[0] if email.kind == "notice" else None,
                    "recipient": email.recipient,
                    "last_error": email.last_error,
                }
                for email in held
            ]
        )
        return
    click.echo(f"{'message id':<48} {'since':<17} {'what':<10} recipient")
    for email in held:
        since = iso_minute(email.since) if email.since else "-"
        what = f"{len(email.about)} alert(s)" if email.kind == "alerts" else "notice"
        click.echo(f"{email.message_id:<48} {since:<17} {what:<10} {email.recipient}")
        if email.kind == "notice":
            click.echo(f"    {email.about[0]}")
        if email.last_error:
            click.echo(f"    last error: {email.last_error}")


@alerts.command("settle")
@click.argument("message_id")
@click.option(
    "--delivered/--resend",
    required=True,
    help="Delivered: the mail server's log has it, mark it sent. Resend: the log does not; "
    "the next `socmon notify` sends it again with the same Message-ID.",
)
@click.pass_context
def alerts_settle(context: click.Context, message_id: str, delivered: bool) -> None:
    """Settle an uncertain email or operations notice (see `socmon alerts uncertain`)."""
    from pipelines.usecases.uncertain import settle

    count = with_warehouse(context, lambda w: settle(w, message_id, delivered), writes=True)
    what = "marked sent" if delivered else "to be resent by the next `socmon notify`"
    click.echo(f"{count} delivery(ies) or notice(s) of {message_id} {what}")

"""`socmon query|export|report`: what analysts and comms managers read, never write.

All three open the warehouse read-only the analysts' way (on DuckDB the published
analytics copy when there is one, so the pipeline is never held up; see
:mod:`pipelines.usecases.query`).
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from pipelines.cli.support import BadUsage, check_output_file, settings_of

log = logging.getLogger(__name__)


def _reading(context: click.Context) -> Any:
    from pipelines.usecases.query import open_for_analysts, source_name

    settings = settings_of(context).warehouse
    log.info("reading %s", source_name(settings))
    return open_for_analysts(settings)


@click.command()
@click.argument("sql")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV with a header row.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of objects.")
@click.option(
    "--max-width",
    default=48,
    show_default=True,
    type=click.IntRange(8, 10_000),
    help="Table output: cut longer cells.",
)
@click.pass_context
def query(context: click.Context, sql: str, as_csv: bool, as_json: bool, max_width: int) -> None:
    """Run one read-only SQL statement against the warehouse and print the rows.

    SQL "-" reads the statement from standard input. The tables and views are listed in
    docs/data-dictionary.md; every write is refused.
    """
    from pipelines.usecases import query as querying

    if as_csv and as_json:
        raise BadUsage("give --csv or --json, not both")
    statement = sys.stdin.read() if sql == "-" else sql
    if not statement.strip():
        raise BadUsage("no SQL given")
    with _reading(context) as warehouse:
        result = querying.run_query(warehouse, statement)
    if as_csv:
        click.echo(querying.as_csv(result), nl=False)
    elif as_json:
        click.echo(querying.as_json(result))
    else:
        click.echo(querying.as_table(result, max_width))


@click.command()
@click.option("--view", "view", default=None, help="A view to export (see the data dictionary).")
@click.option("--table", "table", default=None, help="A table to export.")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Only rows from this UTC date on (by the relation's date or time column).",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["parquet", "csv"]),
    default="parquet",
    show_default=True,
    help="Parquet: a dataset partitioned by date (date=YYYY-MM-DD); CSV: one file.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder to write into (created if missing).",
)
@click.pass_context
def export(
    context: click.Context,
    view: str | None,
    table: str | None,
    since: datetime | None,
    file_format: str,
    out_dir: Path,
) -> None:
    """Export a view or table to Parquet or CSV, read-only."""
    from pipelines.usecases.export import export as export_relation
    from schemas.tables import TABLES
    from schemas.views import VIEWS

    if (view is None) == (table is None):
        raise BadUsage("give one of --view NAME or --table NAME")
    name = view or table or ""
    known = VIEWS if view else TABLES
    if name not in known:
        kind = "view" if view else "table"
        raise BadUsage(f"no {kind} {name!r}; known: {', '.join(sorted(known))}")
    if out_dir.exists() and not out_dir.is_dir():
        raise BadUsage(f"--out {out_dir} is not a folder")
    with _reading(context) as warehouse:
        if since is not None and warehouse.analytics.time_column(name) is None:
            raise BadUsage(f"{name} has no date or time column: export it without --since")
        result = export_relation(
            warehouse,
            name,
            out_dir,
            "csv" if file_format == "csv" else "parquet",
            since.replace(tzinfo=UTC) if since else None,
        )
    partitioned = file_format == "parquet" and result.time_column
    by = f", partitioned by the date of {result.time_column}" if partitioned else ""
    where = out_dir / name if file_format == "parquet" else result.files[0]
    click.echo(f"{result.rows} rows of {name} in {len(result.files)} file(s){by}: {where}")


@click.command()
@click.option("--period", default="7d", show_default=True, help="How far back: 7d, 2w, 36h, ...")
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M"]),
    default=None,
    help="End of the period, UTC (default: now).",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("report.html"),
    show_default=True,
    help="HTML file to write.",
)
@click.option(
    "--send",
    is_flag=True,
    help="Also email it to [operations] report_recipients (through [smtp], or .eml files).",
)
@click.pass_context
def report(
    context: click.Context, period: str, until: datetime | None, out_path: Path, send: bool
) -> None:
    """Write the weekly report for comms managers: one self-contained HTML page with charts.

    Activity per account, alerts by category and severity, time to acknowledge, precision
    per rule from reviewers' verdicts, coverage gaps and data-quality stops; counts only,
    no personal data.
    """
    from pipelines.usecases.report import ReportError, parse_period, write_report

    try:
        length = parse_period(period)
    except ReportError as error:
        raise BadUsage(f"--period: {error}") from None
    check_output_file(out_path, option="--out")
    end = until.replace(tzinfo=UTC) if until else datetime.now(UTC)
    with _reading(context) as warehouse:
        page = write_report(warehouse, end, length)
    aside = out_path.with_name(f".{out_path.name}.partial")
    aside.write_text(page, encoding="utf-8")
    aside.replace(out_path)
    click.echo(str(out_path))
    if send:
        from pipelines.usecases.report_mail import send_report

        settings = settings_of(context)
        recipients = settings.operations.report_recipients
        if not recipients:
            raise BadUsage("--send: set [operations] report_recipients to the comms managers")
        where = send_report(
            page, end, length, recipients, settings.smtp, settings.operations.outbox_dir
        )
        click.echo(f"sent to {len(recipients)} recipient(s) through {where}")

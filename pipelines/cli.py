"""The ``socmon`` command line.

Exit codes a scheduler understands: 0 success, 1 failure (retry), 2 bad
usage or configuration (do not retry), 3 partial coverage (some account or
stream could not be fetched: an expired token, a quota, a permission).
Heavy modules are imported inside the commands so ``socmon --help`` stays fast.
"""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from pipelines.cli_alerts import alerts, notify
from pipelines.cli_classifiers import classify, evaluate, train
from pipelines.cli_support import (
    EXIT_BAD_CONFIG,
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_PARTIAL_COVERAGE,
    settings_of,
)
from schemas.errors import SocmonError

Command = TypeVar("Command", bound=Callable[..., Any])


def _settings(context: click.Context) -> Any:
    return settings_of(context)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="TOML config file (default: $SOCMON_CONFIG or ./socmon.toml).",
)
@click.option("--log-level", default="INFO", show_default=True, help="DEBUG, INFO, WARNING, ERROR.")
@click.option("--log-json", is_flag=True, help="Log JSON lines instead of text.")
@click.version_option(package_name="social-monitor")
@click.pass_context
def cli(context: click.Context, config_path: Path | None, log_level: str, log_json: bool) -> None:
    """social-monitor: watch a university's official social-media accounts."""
    from pipelines.logs import configure_logging

    configure_logging(log_level.upper(), log_json)
    context.obj = {"config": config_path}


@cli.command()
@click.option("--port", type=int, default=9092, show_default=True, help="Loopback port.")
@click.pass_context
def broker(context: click.Context, port: int) -> None:
    """Run the embedded Kafka-compatible broker (Tansu, memory only) until stopped."""
    from connectors.broker import EmbeddedBroker
    from connectors.topics import ensure_social_monitor_topics

    settings = _settings(context)
    embedded = EmbeddedBroker(port=port).start()
    try:
        ensure_social_monitor_topics(embedded.bootstrap_servers, settings.kafka)
        click.echo(
            f"Kafka-compatible broker listening on {embedded.bootstrap_servers} (memory only: "
            "everything is lost when it stops).\n"
            f"Use it with: export SOCMON_KAFKA__BOOTSTRAP_SERVERS={embedded.bootstrap_servers}\n"
            "Stop with Ctrl-C."
        )
        embedded.wait()
    except KeyboardInterrupt:
        pass
    finally:
        embedded.stop()


@cli.command()
@click.option(
    "--replay",
    "replay_files",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="JSONL file of records to replay (repeatable; default: ingest.replay_files).",
)
@click.pass_context
def ingest(context: click.Context, replay_files: tuple[Path, ...]) -> None:
    """Bring new items into the records topic."""
    from pipelines.ingest import ingest as run_ingest
    from pipelines.process import require_bootstrap

    settings = _settings(context)
    result = run_ingest(settings, require_bootstrap(settings), replay_files)
    click.echo(f"delivered {result.total} message(s) to {settings.kafka.records_topic.name}")
    _exit_on_gaps(context, result)


def _exit_on_gaps(context: click.Context, ingested: Any) -> None:
    """Name every stream that was not fully fetched, and exit 3 if there is one."""
    gaps = ingested.describe_gaps()
    if gaps:
        click.echo(f"coverage gaps ({len(gaps)}), see the coverage table:", err=True)
        for line in gaps:
            click.echo(f"  {line}", err=True)
        context.exit(EXIT_PARTIAL_COVERAGE)


@cli.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("runner_options", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def process(context: click.Context, runner_options: tuple[str, ...]) -> None:
    """Run the Beam pipeline over new offsets and commit the result.

    Beam runner options go after `--`, e.g. `socmon process -- --runner=FlinkRunner`.
    """
    from pipelines.process import process as run_process

    settings = _settings(context)
    result = run_process(settings, runner_options)
    click.echo(_result_line(result))


@cli.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("runner_options", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def run(context: click.Context, runner_options: tuple[str, ...]) -> None:
    """One scheduler tick: ingest, process, notify (embedded broker if none is configured)."""
    from pipelines.tick import run_tick

    settings = _settings(context)
    result = run_tick(settings, runner_options)
    click.echo(f"ingested {result.ingest.total} message(s); " + _result_line(result.process))
    from pipelines.alerts.notify import describe

    click.echo(describe(result.notify))
    _exit_on_gaps(context, result.ingest)


@cli.command()
@click.option(
    "--workdir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("demo-output"),
    show_default=True,
    help="Where the warehouse and staging files go.",
)
def demo(workdir: Path) -> None:
    """Run one tick on bundled synthetic data with an embedded broker and DuckDB."""
    from pipelines.demo import run_demo

    _, text = run_demo(workdir)
    click.echo(text)


@cli.command()
@click.option(
    "--input",
    "input_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
)
@click.option(
    "--output", "output_path", required=True, type=click.Path(path_type=Path, dir_okay=False)
)
@click.pass_context
def redact(context: click.Context, input_path: Path, output_path: Path) -> None:
    """Redact personal data in a JSONL file of {"id", "text"} lines (exit 1 if any line failed)."""
    from pipelines.privacy.detector import PiiDetector
    from pipelines.privacy.redact_file import redact_file

    settings = _settings(context)
    detector = PiiDetector(settings.privacy, [account.handle for account in settings.accounts])
    lines, failures = redact_file(input_path, output_path, detector)
    click.echo(f"redacted {lines - failures} of {lines} line(s) into {output_path}", err=True)
    if failures:
        click.echo(f"{failures} line(s) could not be redacted; see their error lines", err=True)
        sys.exit(EXIT_FAILURE)


@cli.command()
@click.option("--record", "record_id", default=None, help="Record id, e.g. x:1234567890.")
@click.option("--author", default=None, help="Author pseudonym (see `socmon pseudonym`).")
@click.option("--reason", default="erasure request", show_default=True, help="Why (audit log).")
@click.pass_context
def erase(context: click.Context, record_id: str | None, author: str | None, reason: str) -> None:
    """Erase a record, or everything of one author, and keep it erased."""
    from pipelines.privacy.erasure import erase as run_erase

    counts = run_erase(_settings(context), record_id=record_id, author=author, reason=reason)
    click.echo(f"erased {counts['records']} record(s) and {counts['detections']} detection(s)")


@cli.command()
@click.option("--platform", type=click.Choice(["x", "facebook"]), required=True)
@click.option("--user-id", required=True, help="The platform's numeric user id.")
def pseudonym(platform: str, user_id: str) -> None:
    """Print the pseudonym of a platform user (for erasure and access requests)."""
    from pipelines.privacy.pseudonyms import Pseudonymizer, key_from_environment

    click.echo(Pseudonymizer(key_from_environment()).pseudonym(platform, user_id))


@cli.command()
@click.pass_context
def retention(context: click.Context) -> None:
    """Delete rows older than their retention period."""
    from pipelines.retention import apply_retention

    deleted = apply_retention(_settings(context))
    click.echo("deleted " + ", ".join(f"{table} {count}" for table, count in deleted.items()))


@cli.group()
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

    warehouse = open_warehouse(_settings(context).warehouse)
    try:
        html = render_report(warehouse, run_id)
    finally:
        warehouse.close()
    path = output or Path(f"dq-report-{run_id}.html")
    path.write_text(html, encoding="utf-8")
    click.echo(str(path))


@cli.command()
@click.option("--limit", default=10, show_default=True, help="How many recent runs.")
@click.pass_context
def runs(context: click.Context, limit: int) -> None:
    """List recent runs with their counts and status."""
    from pipelines.warehouse import open_warehouse

    warehouse = open_warehouse(_settings(context).warehouse)
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


@cli.command()
@click.option("--ingest", "ingest_id", default=None, help="An ingest id (default: the latest).")
@click.pass_context
def coverage(context: click.Context, ingest_id: str | None) -> None:
    """What the latest (or a given) ingest fetched per account and stream, and what it could not."""
    from pipelines.warehouse import open_warehouse

    warehouse = open_warehouse(_settings(context).warehouse)
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


def _result_line(result: Any) -> str:
    line = (
        f"run {result.run_id}: read {result.records_read}, stored {result.records_stored} "
        f"(new {result.counts.inserted}, updated {result.counts.updated}, "
        f"unchanged {result.counts.unchanged}), duplicates {result.duplicates}, "
        f"out of scope {result.out_of_scope}, dead letters {result.dead_letters}"
    )
    if result.dq_warnings:
        line += (
            f"; data-quality warnings: {len(result.dq_warnings)} (socmon dq report {result.run_id})"
        )
    return line


def _exit_on_sigterm(signum: int, frame: object) -> None:
    # A scheduler stops a task with SIGTERM: unwind normally, so an embedded broker
    # started by this command is stopped too instead of being left running.
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``socmon`` console script."""
    from pipelines.config import ConfigError

    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        code = cli.main(args=argv, prog_name="socmon", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(EXIT_FAILURE)
    except click.ClickException as error:
        error.show()
        sys.exit(EXIT_BAD_CONFIG)
    except ConfigError as error:
        click.echo(f"socmon: configuration error: {error}", err=True)
        sys.exit(EXIT_BAD_CONFIG)
    except SocmonError as error:
        click.echo(f"socmon: {type(error).__name__}: {error}", err=True)
        run_id = getattr(error, "run_id", None)
        if run_id:
            click.echo(f"socmon: see `socmon dq report {run_id}`", err=True)
        sys.exit(EXIT_FAILURE)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


for command in (classify, train, evaluate, notify, alerts):
    cli.add_command(command)


if __name__ == "__main__":
    main()

"""`socmon broker|ingest|process|run`: the pipeline's stages, one at a time or as one tick.

Exit codes a scheduler understands: 0 success, 1 failure (retry), 2 bad
usage or configuration (do not retry), 3 partial coverage (some account or
stream could not be fetched: an expired token, a quota, a permission).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pipelines.cli.support import EXIT_PARTIAL_COVERAGE, settings_of


@click.command()
@click.option("--port", type=int, default=9092, show_default=True, help="Loopback port.")
@click.pass_context
def broker(context: click.Context, port: int) -> None:
    """Run the embedded Kafka-compatible broker (Tansu, memory only) until stopped."""
    from connectors.broker import EmbeddedBroker
    from connectors.topics import ensure_social_monitor_topics

    settings = settings_of(context, needs_file=False)  # topic names only
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


@click.command()
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
    from pipelines.usecases.compose import require_bootstrap
    from pipelines.usecases.ingest import ingest as run_ingest

    settings = settings_of(context)
    result = run_ingest(settings, require_bootstrap(settings), replay_files)
    click.echo(f"delivered {result.total} message(s) to {settings.kafka.records_topic.name}")
    _exit_on_gaps(context, result, settings.kafka.deadletter_topic.name)


def _exit_on_gaps(context: click.Context, ingested: Any, deadletter_topic: str) -> None:
    """Count what went to the dead-letter topic instead; name every stream that was not
    fully fetched, and exit 3 if there is one."""
    if ingested.dead_lettered:
        click.echo(
            f"{ingested.dead_lettered} item(s) could not be sent as records and went to "
            f"{deadletter_topic}, with their reason",
            err=True,
        )
    gaps = ingested.describe_gaps()
    if gaps:
        click.echo(f"coverage gaps ({len(gaps)}), see the coverage table:", err=True)
        for line in gaps:
            click.echo(f"  {line}", err=True)
        context.exit(EXIT_PARTIAL_COVERAGE)


_EXIT_CODES = (
    "Exit codes: 0 done; 1 failed, a retry may help; 2 bad usage or configuration, or a "
    "data-quality stop (do not retry: fix first); 3 done, but some account or stream could "
    "not be fetched (see `socmon coverage`)."
)


@click.command(epilog=_EXIT_CODES)
@click.argument("runner_options", nargs=-1, type=click.UNPROCESSED, metavar="[-- BEAM_OPTIONS]")
@click.pass_context
def process(context: click.Context, runner_options: tuple[str, ...]) -> None:
    """Run the Beam pipeline over new offsets and commit the result.

    Beam runner options go only after `--`, e.g. `socmon process -- --runner=FlinkRunner`;
    any other unknown option is a usage error.
    """
    from pipelines.usecases.process import process as run_process

    settings = settings_of(context)
    result = run_process(settings, runner_options)
    click.echo(_result_line(result))


@click.command()
@click.pass_context
def migrate(context: click.Context) -> None:
    """Create the warehouse or bring its schema up to date (the only command that does,
    besides `run` and `demo` on first use); a PostgreSQL lock keeps two from racing."""
    from pipelines.warehouse import bring_up_to_date, connect
    from pipelines.warehouse.migrations import latest_version

    settings = settings_of(context, migrations="automatic")
    connection = connect(settings.warehouse)
    try:
        connection.take_lease("migrate", settings.warehouse.lock_wait_s)
        applied = bring_up_to_date(connection, "automatic")
    finally:
        connection.close()
    where = settings.warehouse.url.split("@")[-1]
    if applied:
        click.echo(
            f"{where}: applied {len(applied)} migration(s); schema version {latest_version()}"
        )
    else:
        click.echo(f"{where}: schema already at version {latest_version()}; nothing to do")


@click.command(epilog=_EXIT_CODES)
@click.argument("runner_options", nargs=-1, type=click.UNPROCESSED, metavar="[-- BEAM_OPTIONS]")
@click.pass_context
def run(context: click.Context, runner_options: tuple[str, ...]) -> None:
    """One scheduler tick: ingest, process, notify (embedded broker if none is configured).

    Beam runner options go only after `--`, e.g. `socmon run -- --direct_num_workers=2`;
    any other unknown option is a usage error.
    """
    from pipelines.usecases.tick import run_tick

    settings = settings_of(context, migrations="on_first_use")
    result = run_tick(settings, runner_options)
    click.echo(f"ingested {result.ingest.total} message(s); " + _result_line(result.process))
    from pipelines.usecases.notify import describe

    click.echo(describe(result.notify))
    _exit_on_gaps(context, result.ingest, settings.kafka.deadletter_topic.name)


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

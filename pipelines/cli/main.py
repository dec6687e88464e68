"""The ``socmon`` command line: the root group, one module per command group, and ``main``.

Heavy modules are imported inside the commands so ``socmon --help`` stays fast.
Exit codes are listed in :mod:`pipelines.cli.support`.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import click

from pipelines.cli.alerts import alerts, notify
from pipelines.cli.analysts import export, query, report
from pipelines.cli.classifiers import classify, evaluate, train
from pipelines.cli.demo import demo
from pipelines.cli.doctor import doctor
from pipelines.cli.operations import coverage, dq, runs
from pipelines.cli.privacy import erase, pseudonym, redact, retention, sar
from pipelines.cli.serve import serve
from pipelines.cli.stages import broker, ingest, migrate, process, run
from pipelines.cli.status import status
from pipelines.cli.support import EXIT_BAD_CONFIG, EXIT_FAILURE, EXIT_OK, BadUsage
from schemas.errors import SocmonError


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


def _exit_on_sigterm(signum: int, frame: object) -> None:
    # A scheduler stops a task with SIGTERM: unwind normally, so an embedded broker
    # started by this command is stopped too instead of being left running.
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``socmon`` console script."""
    from pipelines.config import ConfigError

    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if os.environ.get("SOCMON_FAILPOINT"):  # crash tests only: see testing/failpoints.py
        from testing.failpoints import install_from_environment

        install_from_environment()
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
    except BadUsage as error:
        click.echo(f"socmon: {error}", err=True)
        sys.exit(EXIT_BAD_CONFIG)
    except SocmonError as error:
        click.echo(f"socmon: {type(error).__name__}: {error}", err=True)
        run_id = getattr(error, "run_id", None)
        if run_id:
            click.echo(f"socmon: see `socmon dq report {run_id}`", err=True)
        # A stopped batch stops again on a retry: someone must look first (exit 2).
        sys.exit(EXIT_FAILURE if getattr(error, "retry_helps", True) else EXIT_BAD_CONFIG)
    except OSError as error:
        # A file that vanished, a full disk, a folder made read-only mid-run: the
        # environment, not a bug, so one line (the command checked its paths first).
        click.echo(f"socmon: {_describe_os_error(error)}", err=True)
        sys.exit(EXIT_FAILURE)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def _describe_os_error(error: OSError) -> str:
    reason = error.strerror or type(error).__name__
    return f"{error.filename}: {reason}" if error.filename else reason


for command in (
    migrate,
    broker,
    ingest,
    process,
    run,
    demo,
    redact,
    erase,
    sar,
    pseudonym,
    retention,
    dq,
    runs,
    coverage,
    classify,
    train,
    evaluate,
    notify,
    alerts,
    serve,
    doctor,
    status,
    query,
    export,
    report,
):
    cli.add_command(command)

"""`socmon doctor [--quick]`: one line per check; exit 0 if all pass, else say what failed.

Exit codes: 0 every check passed (or was skipped: not configured); 1 a part failed
(broker down, SMTP down, model file unreadable: a retry may help once it is back);
2 the configuration or a secret is wrong (a retry cannot help).
"""

from __future__ import annotations

import click

from pipelines.cli.support import EXIT_BAD_CONFIG, EXIT_FAILURE

_MARKS = {"ok": "ok  ", "failed": "FAIL", "skipped": "skip"}


@click.command()
@click.option(
    "--quick",
    is_flag=True,
    help="Only configuration, secrets, model files and the warehouse (for a HEALTHCHECK).",
)
@click.pass_context
def doctor(context: click.Context, quick: bool) -> None:
    """Check configuration, secrets, broker, warehouse, SMTP, tokens and model files.

    Nothing is created, migrated or sent; secrets are named, never shown.
    Exit 0 when all pass, 1 when a part failed, 2 when the configuration is at fault.
    """
    from pipelines.config import ConfigError, load_settings
    from pipelines.usecases.doctor import run_checks

    config_path = context.find_root().obj["config"]
    try:
        settings = load_settings(config_path)
    except ConfigError as error:
        _line("failed", "configuration", str(error))
        click.echo("doctor: configuration failed", err=True)
        context.exit(EXIT_BAD_CONFIG)
    where = _config_named(config_path)
    _line("ok", "configuration", f"{where}: valid, {len(settings.accounts)} account(s)")
    checks = run_checks(settings, quick=quick)
    for check in checks:
        _line(check.outcome, check.name, check.detail)
    failures = [check for check in checks if check.failed]
    if failures:
        names = ", ".join(check.name for check in failures)
        click.echo(f"doctor: {len(failures)} check(s) failed: {names}", err=True)
        configuration = any(check.configuration for check in failures)
        context.exit(EXIT_BAD_CONFIG if configuration else EXIT_FAILURE)


def _config_named(config_path: object) -> str:
    """The file the settings came from, as ``load_settings`` chose it."""
    import os

    from pipelines.config import DEFAULT_CONFIG_PATH

    if config_path:
        return str(config_path)
    if os.environ.get("SOCMON_CONFIG"):
        return os.environ["SOCMON_CONFIG"]
    if DEFAULT_CONFIG_PATH.exists():
        return str(DEFAULT_CONFIG_PATH)
    return "no file (defaults and environment)"


def _line(outcome: str, name: str, detail: str) -> None:
    click.echo(f"{_MARKS[outcome]}  {name:<22} {detail}")

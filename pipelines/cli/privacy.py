"""`socmon redact|erase|sar|pseudonym|retention`: the privacy commands (policy 7.13, 7.19)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipelines.cli.support import EXIT_FAILURE, check_output_file, settings_of


@click.command()
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
    from pipelines.usecases.redact import redact_file

    settings = settings_of(context, needs_file=False)
    check_output_file(output_path, input_path)
    detector = PiiDetector(settings.privacy, [account.handle for account in settings.accounts])
    lines, failures = redact_file(input_path, output_path, detector)
    click.echo(f"redacted {lines - failures} of {lines} line(s) into {output_path}", err=True)
    if failures:
        click.echo(f"{failures} line(s) could not be redacted; see their error lines", err=True)
        sys.exit(EXIT_FAILURE)


@click.command()
@click.option("--record", "record_id", default=None, help="Record id, e.g. x:1234567890.")
@click.option("--author", default=None, help="Author pseudonym (see `socmon pseudonym`).")
@click.option("--platform", type=click.Choice(["x", "facebook"]), default=None)
@click.option("--user-id", default=None, help="With --platform: the person's numeric user id.")
@click.option("--reason", default="erasure request", show_default=True, help="Why (audit log).")
@click.pass_context
def erase(
    context: click.Context,
    record_id: str | None,
    author: str | None,
    platform: str | None,
    user_id: str | None,
    reason: str,
) -> None:
    """Erase a record, or everything of one person, and keep it erased."""
    from pipelines.usecases.erase import erase as run_erase

    counts = run_erase(
        settings_of(context),
        record_id=record_id,
        author=author,
        reason=reason,
        platform=platform,
        user_id=user_id,
    )
    click.echo(
        f"erased {counts['records']} record(s), {counts['detections']} detection(s), "
        f"{counts['alerts']} alert(s) with their deliveries and verdicts, "
        f"{counts['pattern_alerts']} pattern alert(s) about them, and "
        f"{counts['pattern_items']} of their item(s) from other pattern alerts"
    )


@click.command()
@click.option("--platform", type=click.Choice(["x", "facebook"]), default=None)
@click.option("--user-id", default=None, help="With --platform: the person's numeric user id.")
@click.option("--pseudonym", default=None, help="Or the person's pseudonym.")
@click.option(
    "--output",
    "output_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for subject-access.json and subject-access.html (readable by you only).",
)
@click.pass_context
def sar(
    context: click.Context,
    platform: str | None,
    user_id: str | None,
    pseudonym: str | None,
    output_dir: Path,
) -> None:
    """Subject access request: write everything held about one person (audited)."""
    from pipelines.usecases.sar import pseudonym_of, subject_access

    subject = pseudonym_of(platform, user_id, pseudonym)
    export = subject_access(settings_of(context), subject, output_dir)
    held = ", ".join(f"{name} {count}" for name, count in export.counts.items())
    click.echo(f"wrote {export.json_path} and {export.html_path}: {held}")


@click.command()
@click.option("--platform", type=click.Choice(["x", "facebook"]), required=True)
@click.option("--user-id", required=True, help="The platform's numeric user id.")
def pseudonym(platform: str, user_id: str) -> None:
    """Print the pseudonym of a platform user (for erasure and access requests)."""
    from pipelines.privacy.pseudonyms import Pseudonymizer, key_from_environment

    click.echo(Pseudonymizer(key_from_environment()).pseudonym(platform, user_id))


@click.command()
@click.pass_context
def retention(context: click.Context) -> None:
    """Delete rows older than their retention period."""
    from pipelines.usecases.retention import apply_retention

    deleted = apply_retention(settings_of(context))
    click.echo("deleted " + ", ".join(f"{table} {count}" for table, count in deleted.items()))

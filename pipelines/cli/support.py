"""What the `socmon` command modules share: exit codes, usage errors, settings, the warehouse."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from schemas.errors import SocmonError

#: Exit codes a scheduler understands: 0 success, 1 failure (retry), 2 bad usage or
#: configuration (do not retry), 3 partial coverage (some account or stream not fetched).
EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_CONFIG = 2
EXIT_PARTIAL_COVERAGE = 3


class BadUsage(SocmonError):
    """A command-line argument cannot be used as given: one line, exit code 2."""


def check_output_file(output_path: Path, *inputs: Path, option: str = "--output") -> None:
    """Refuse an output file that would overwrite an input or that cannot be written.

    Checked before any work starts, so a long run does not end in a path error, and
    ``--output`` equal to ``--input`` never truncates the input before it is read.
    """
    for input_path in inputs:
        if output_path.resolve() == input_path.resolve() or (
            output_path.exists() and os.path.samefile(output_path, input_path)
        ):
            raise BadUsage(f"{option} {output_path} is the input file; write to another file")
    folder = output_path.parent
    if not folder.exists():
        raise BadUsage(f"{option} {output_path}: folder {folder} does not exist")
    if not folder.is_dir():
        raise BadUsage(f"{option} {output_path}: {folder} is not a folder")
    if output_path.is_dir():
        raise BadUsage(f"{option} {output_path} is a folder, not a file")
    target = output_path if output_path.exists() else folder
    if not os.access(target, os.W_OK):
        raise BadUsage(f"{option} {output_path} cannot be written (permission denied)")


def as_json_value(value: Any) -> Any:
    """A value as ``--json`` prints it: times as ISO 8601, tuples as lists, JSON text parsed."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [as_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): as_json_value(item) for key, item in value.items()}
    return value


def echo_json(rows: Any) -> None:
    """Print rows (dicts or dataclasses) as one JSON document for scripts (``--json``)."""
    if isinstance(rows, list):
        rows = [
            dataclasses.asdict(row)
            if dataclasses.is_dataclass(row) and not isinstance(row, type)
            else row
            for row in rows
        ]
    click.echo(json.dumps(as_json_value(rows), indent=2, ensure_ascii=False))


def iso_minute(moment: datetime | None) -> str:
    """A time as ISO 8601 to the minute in UTC (``2026-11-27T09:05Z``), or "-"."""
    if moment is None:
        return "-"
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def settings_of(
    context: click.Context, *, needs_file: bool = True, migrations: str = "explicit"
) -> Any:
    """The validated settings, read once per command from the global ``--config``.

    Commands that reach the warehouse, the broker or the accounts need a configuration
    (``--config``, ``$SOCMON_CONFIG``, ``./socmon.toml``, or a container's environment that
    names the warehouse, ``SOCMON_WAREHOUSE__URL``): without one they would act on built-in
    defaults, e.g. create an empty warehouse in the current folder. Commands that only read
    and write files (``redact``, ``classify``) run on the defaults.
    """
    from pipelines.config import DEFAULT_CONFIG_PATH, load_settings

    path = context.find_root().obj["config"]
    unconfigured = path is None and not (
        os.environ.get("SOCMON_CONFIG") or os.environ.get("SOCMON_WAREHOUSE__URL")
    )
    if needs_file and unconfigured and not DEFAULT_CONFIG_PATH.exists():
        raise BadUsage(
            f"no configuration file: give --config PATH, set SOCMON_CONFIG (or configure it "
            f"all in SOCMON_... variables, SOCMON_WAREHOUSE__URL included), or run in the "
            f"folder holding {DEFAULT_CONFIG_PATH} (the shipped one documents every section)"
        )
    settings = load_settings(path)
    if "migrations" in settings.warehouse.model_fields_set:
        return settings
    warehouse = settings.warehouse.model_copy(update={"migrations": migrations})
    return settings.model_copy(update={"warehouse": warehouse})


def with_warehouse(
    context: click.Context, action: Callable[[Any], Any], *, writes: bool = False
) -> Any:
    """Run ``action(warehouse)`` and close the warehouse, opened read-only unless ``writes``."""
    from pipelines.warehouse import open_warehouse

    settings = settings_of(context)
    if writes:
        with open_warehouse(settings.warehouse, writer=context.command_path) as warehouse:
            return action(warehouse)
    with open_warehouse(settings.warehouse, read_only=True) as warehouse:
        return action(warehouse)

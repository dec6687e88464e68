"""What the `socmon` command modules share: exit codes, settings, the warehouse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

#: Exit codes a scheduler understands: 0 success, 1 failure (retry), 2 bad usage or
#: configuration (do not retry), 3 partial coverage (some account or stream not fetched).
EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_CONFIG = 2
EXIT_PARTIAL_COVERAGE = 3


def settings_of(context: click.Context) -> Any:
    """The validated settings, read once per command from the global ``--config``."""
    from pipelines.config import load_settings

    return load_settings(context.find_root().obj["config"])


def with_warehouse(context: click.Context, action: Callable[[Any], Any]) -> Any:
    """Run ``action(warehouse)`` and close the warehouse."""
    from pipelines.warehouse import open_warehouse

    with open_warehouse(settings_of(context).warehouse) as warehouse:
        return action(warehouse)

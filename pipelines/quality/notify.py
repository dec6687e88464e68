"""What the platform team is told when data quality stops a batch.

The notice itself is an operations notice (:mod:`pipelines.usecases.operations_notices`):
the notifier (each ``socmon notify``, and so each ``socmon run``, also when its process
step failed) finds the stopped run in the warehouse and sends one email through the same
sender as alerts (SMTP, or an ``.eml`` file without a host), then one "resolved" email when
a later run commits. Here: the lines that notice carries, and the log line written when the
batch stops.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from pipelines.quality.results import DqResult

log = logging.getLogger(__name__)


def stopped_batch_lines(run_id: str, failures: Sequence[DqResult]) -> list[str]:
    """What went wrong with run ``run_id``'s batch, one line per failed expectation."""
    lines = [
        f"Run {run_id} stopped before writing to the warehouse: critical expectations failed.",
        "Its offsets were not advanced; the next run reads the same messages again.",
        "",
    ]
    for failure in failures:
        count = f" ({failure.unexpected_count} rows)" if failure.unexpected_count else ""
        lines.append(
            f"- {failure.suite} / {failure.expectation} on {failure.column}: "
            f"{failure.explains}{count}"
        )
    lines += ["", f"Full report: socmon dq report {run_id}"]
    return lines


def notify_operations(
    address: str | None, outbox: Path, run_id: str, failures: Sequence[DqResult]
) -> None:
    """Log that data quality stopped the run; the notifier's operations notice tells
    ``address`` (nobody is told by email when it is unset). ``outbox`` is where that notice
    is written when no SMTP host is set (the notifier's sender decides)."""
    told = (
        f"the next `socmon notify` tells {address} (emails as files: {outbox})"
        if address
        else "no operations.email set to tell"
    )
    log.error(
        "data quality stopped run %s (%d critical expectation(s) failed); %s",
        run_id,
        len(failures),
        told,
    )

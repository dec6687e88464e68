"""Tells the platform team that a batch was stopped, by email to the operations address.

The message is written as an ``.eml`` file into the local outbox, one file per
run, so a rerun of the notification never makes a second message. (Alert emails go
through the notifier's SMTP sender; operations notices joining it is issue 18's work.)
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from pipelines.quality.results import DqResult

log = logging.getLogger(__name__)


def notify_operations(
    address: str | None, outbox: Path, run_id: str, failures: list[DqResult]
) -> Path | None:
    """Write the failure message for one run into the outbox; return its path."""
    if not address:
        log.error("data quality stopped run %s; no operations.email configured to tell", run_id)
        return None
    message = EmailMessage()
    message["From"] = "socmon <socmon@localhost>"
    message["To"] = address
    message["Subject"] = f"[socmon][DATA QUALITY] run {run_id} was not committed"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(idstring=f"dq-{run_id}", domain="socmon.local")
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
    message.set_content("\n".join(lines))
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"dq-{run_id}.eml"
    path.write_bytes(bytes(message))
    log.error("data quality stopped run %s; told %s (%s)", run_id, address, path)
    return path

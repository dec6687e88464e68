"""`socmon report --send`: the weekly report emailed to the comms managers who asked for it.

The page goes as the HTML body (charts are embedded images, nothing is fetched when it is
read) and as an attachment, for clients that show HTML bodies badly. Each recipient gets their
own copy through the alert emails' sender (SMTP, or ``.eml`` files without an SMTP host). The
Message-ID is derived from the period and the recipient, so sending the same week again gives
the same Message-ID and a relay that drops repeats keeps one; the report holds only counts.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from pipelines.alerts.emails import EMAIL_POLICY
from pipelines.settings.alerts import SmtpSettings
from pipelines.usecases.sender import Sender

log = logging.getLogger(__name__)


def report_message(
    page: str, until: datetime, period: timedelta, sender: str, recipient: str
) -> EmailMessage:
    """One recipient's copy of the report for the period ending ``until``."""
    start = until - period
    message = EmailMessage(policy=EMAIL_POLICY)
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = format_datetime(until)
    message["Subject"] = (
        f"[socmon] Report on the official accounts, {start:%a %d %b} to {until:%a %d %b %Y}"
    )
    key = f"report|{until.isoformat()}|{period.total_seconds():.0f}|{recipient.lower()}"
    message["Message-ID"] = f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@socmon.invalid>"
    message.set_content(
        "The social-monitor report for this period is attached (report.html): open it in a "
        "browser. It holds counts only: activity per account, alerts by category and "
        "severity, time to acknowledge, precision per rule, coverage gaps and data-quality "
        "stops."
    )
    message.add_alternative(page, subtype="html")
    message.add_attachment(
        page.encode("utf-8"), maintype="text", subtype="html", filename="report.html"
    )
    return message


def send_report(
    page: str,
    until: datetime,
    period: timedelta,
    recipients: Sequence[str],
    smtp: SmtpSettings,
    outbox_dir: object,
) -> str:
    """Email the report to each recipient; where it went (an SMTP server or a folder)."""
    from pathlib import Path

    sender = Sender(smtp, Path(str(outbox_dir)))
    for recipient in dict.fromkeys(recipients):
        sender.send(
            report_message(page, until, period, smtp.sender, recipient), recipient, _nothing
        )
        log.info("report for the period ending %s sent to %s", until.isoformat(), recipient)
    return sender.destination


def _nothing() -> None:
    """The report keeps no outbox state to update before the final dot."""

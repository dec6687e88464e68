"""Operations notices: the platform team hears once when something breaks, once when it clears.

Each ``socmon notify`` (and so each ``socmon run``, also one whose process step failed)
looks at what is wrong now (failed runs, data-quality stops, coverage gaps, expiring
tokens: :mod:`pipelines.usecases.operations_problems`).

A problem seen for the first time is opened (``operations_problems``, one per kind and
subject) with a notice to ``operations.email``; a problem open and no longer seen is
resolved with a "resolved" notice. Opening, resolving and making the notice are one
transaction with deterministic ids, so a rerun sends nothing new; each notice is one email
through the alert sender (SMTP, or an ``.eml`` file without a host) with the same states as
an alert delivery (see :mod:`pipelines.usecases.notify`). Without ``operations.email`` the
problems are tracked and logged, and nobody is emailed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import smtplib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any
from zoneinfo import ZoneInfo

from pipelines.alerts.emails import EMAIL_POLICY
from pipelines.config import Settings
from pipelines.usecases.operations_problems import (
    Problem,
    TokenProbe,
    as_utc,
    current_problems,
    facebook_token_states,
)
from pipelines.usecases.sender import Sender
from pipelines.warehouse import Warehouse
from pipelines.warehouse.notices import Notice, NoticeStore, notice_id_of

log = logging.getLogger(__name__)

#: Subjects are not folded (a folded subject reads with a leading space; see emails.py).
_TITLES = {
    "failed_run": "FAILED RUN",
    "data_quality_stop": "DATA QUALITY",
    "coverage_gap": "COVERAGE GAP",
    "token_expiring": "TOKEN",
}


#: A run problem is not cleared while runs fail the other way (a crash, then a stopped batch).
_STILL_FAILING = {
    ("failed_run", "process"): ("data_quality_stop", "process"),
    ("data_quality_stop", "process"): ("failed_run", "process"),
}


@dataclass
class NoticeResult:
    """What one check told the platform team."""

    opened: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    sent: int = 0
    failed: int = 0
    uncertain: int = 0
    errors: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """One line for the CLI."""
        return (
            f"operations: {len(self.opened)} problem(s) opened, {len(self.resolved)} resolved; "
            f"{self.sent} notice(s) sent, {self.failed} failed (retried later)"
        )


def send_notices(
    settings: Settings,
    warehouse: Warehouse,
    now: datetime,
    sender: Sender,
    token_probe: TokenProbe | None = None,
) -> NoticeResult:
    """Open and resolve problems as they are now, then send every notice due."""
    zone = ZoneInfo(settings.alerts.timezone)
    probe = token_probe or facebook_token_states
    tokens = probe(settings)
    found = current_problems(warehouse.notices, tokens, settings.operations.token_warning_days, now)
    result = reconcile(warehouse.notices, found, set(tokens), settings.operations.email, zone, now)
    deliver(
        warehouse.notices, sender, settings.smtp.sender, settings.smtp.retry_base_s, now, result
    )
    return result


def reconcile(
    store: NoticeStore,
    found: Sequence[Problem],
    tokens_checked: set[str],
    recipient: str | None,
    zone: ZoneInfo,
    now: datetime,
) -> NoticeResult:
    """Open what is newly wrong and resolve what cleared, each with its notice."""
    result = NoticeResult()
    seen = {(problem.kind, problem.subject) for problem in found}
    for problem in found:
        notice = _opened_notice(problem, recipient, zone) if recipient else None
        detail = {**problem.detail, "lines": list(problem.lines), "what_to_do": problem.what_to_do}
        if store.open_problem(
            problem.kind, problem.subject, problem.summary, detail, problem.since, notice, now
        ):
            result.opened.append(problem.summary)
            log.error("operations problem: %s (since %s)", problem.summary, problem.since)
    for row in store.open_problems():
        key = (row["kind"], row["subject"])
        if key in seen:
            continue
        if row["kind"] == "token_expiring" and row["subject"] not in tokens_checked:
            continue  # not checked this time: still as it was
        if key in _STILL_FAILING and _STILL_FAILING[key] in seen:
            continue  # runs still fail, now in the other way: not cleared until one succeeds
        notice = _resolved_notice(row, recipient, zone, now) if recipient else None
        if store.resolve_problem(row["kind"], row["subject"], notice, now):
            result.resolved.append(row["summary"])
            log.info("operations problem resolved: %s", row["summary"])
    return result


def deliver(
    store: NoticeStore,
    sender: Sender,
    from_address: str,
    retry_base_s: float,
    now: datetime,
    result: NoticeResult,
) -> None:
    """Send each due notice once (and finish those an interrupted run began)."""
    resumable = ("sending", "uncertain") if sender.drops_repeats else ("sending",)
    for notice in [*store.started(resumable), *store.due(now)]:
        message = _message(notice, from_address, now)
        if notice.message_id is None and not store.begin(
            notice.notice_id, str(message["Message-ID"]), now
        ):
            continue
        handed_over = False

        def before_final_dot(notice_id: str = notice.notice_id) -> None:
            nonlocal handed_over
            store.hand_over(notice_id)
            handed_over = True

        try:
            sender.send(message, notice.recipient, before_final_dot)
        except (smtplib.SMTPException, OSError) as error:
            reason = f"{type(error).__name__}: {str(error)[:200]}"
            result.errors.append(reason)
            if handed_over and not isinstance(error, smtplib.SMTPResponseException):
                store.hold(notice.notice_id, reason)
                result.uncertain += 1
                continue
            attempts = notice.attempts + 1
            delay = timedelta(seconds=min(retry_base_s * 2 ** (attempts - 1), 6 * 3600))
            store.postpone(notice.notice_id, attempts, now + delay, reason)
            result.failed += 1
            log.warning("operations notice not sent (%s); retried on a later run", reason)
            continue
        store.mark_sent(notice.notice_id, now)
        result.sent += 1
    uncertain = store.started(("uncertain",))
    if uncertain and not sender.drops_repeats:
        log.warning(
            "%d operations notice(s) may or may not have reached the mail server; "
            "check its log for: %s",
            len(uncertain),
            ", ".join(str(notice.message_id) for notice in uncertain),
        )


# -- the notices ----------------------------------------------------------------------------
def _opened_notice(problem: Problem, recipient: str, zone: ZoneInfo) -> Notice:
    since = _local(problem.since, zone)
    body = "\n".join(
        [
            f"Problem: {problem.summary}.",
            f"Since: {since}.",
            "",
            *problem.lines,
            "",
            f"What to do: {problem.what_to_do}",
            "",
            "You will get one more email when it clears; none while it lasts.",
        ]
    )
    return Notice(
        notice_id_of(problem.kind, problem.subject, problem.since, "opened"),
        recipient,
        f"[socmon][{_TITLES[problem.kind]}] {problem.summary}",
        body,
    )


def _resolved_notice(
    row: Mapping[str, Any], recipient: str, zone: ZoneInfo, now: datetime
) -> Notice:
    opened_at = as_utc(row["opened_at"])
    lines = json.loads(row["detail"] or "{}").get("lines", [])
    body = "\n".join(
        [
            f"Resolved: {row['summary']}.",
            f"It began {_local(opened_at, zone)} and cleared by {_local(now, zone)}.",
            "",
            "What was reported:",
            *[f"  {line}" for line in lines],
        ]
    )
    return Notice(
        notice_id_of(row["kind"], row["subject"], opened_at, "resolved"),
        recipient,
        f"[socmon][RESOLVED] {row['summary']}",
        body,
    )


def _message(notice: Notice, from_address: str, now: datetime) -> EmailMessage:
    message = EmailMessage(policy=EMAIL_POLICY)
    message["From"] = from_address
    message["To"] = notice.recipient
    message["Date"] = format_datetime(now)
    digest = hashlib.sha256(notice.notice_id.encode()).hexdigest()[:32]
    message["Message-ID"] = notice.message_id or f"<ops-{digest}@socmon.invalid>"
    message["Subject"] = notice.title
    message["X-Socmon-Notice"] = notice.notice_id[:16]
    message.set_content(notice.body + "\n")
    return message


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%a %d %b %Y %H:%M %Z")

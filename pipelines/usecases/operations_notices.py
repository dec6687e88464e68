"""Operations notices: the platform team hears once when something breaks, once when it clears.

Each ``socmon notify`` (and so each ``socmon run``, also one whose process step failed)
looks at what is wrong now:

``failed_run``
    the latest finished ``socmon process`` run failed (not by data quality): its reason,
    and what to do; since the first failure of the streak.
``data_quality_stop``
    the latest finished run was stopped by a critical data-quality expectation: which ones
    (no personal data: counts and explanations), and the report command.
``coverage_gap``
    an account's stream was not fetched completely at its latest check (expired or
    revoked token, missing permission, quota): which account and stream, why, and since
    when (the first of the failed checks in a row).
``token_expiring``
    a Facebook page token expires within ``operations.token_warning_days``, or no longer
    works, as the Graph API's ``debug_token`` says.

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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any
from zoneinfo import ZoneInfo

from connectors.errors import ConnectorError
from connectors.facebook_api import GraphApi
from connectors.facebook_tokens import TokenState, token_state
from pipelines.alerts.emails import EMAIL_POLICY
from pipelines.config import Settings
from pipelines.quality.notify import stopped_batch_lines
from pipelines.quality.results import DqResult
from pipelines.usecases.sender import Sender
from pipelines.warehouse import Warehouse
from pipelines.warehouse.notices import Notice, NoticeStore, notice_id_of

log = logging.getLogger(__name__)

#: Given the settings, each checked account's token state (an account left out: not checked).
TokenProbe = Callable[[Settings], Mapping[str, TokenState]]
KINDS = ("failed_run", "data_quality_stop", "coverage_gap", "token_expiring")
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


@dataclass(frozen=True)
class Problem:
    """Something wrong now, as a notice says it."""

    kind: str
    subject: str
    summary: str
    since: datetime
    lines: tuple[str, ...]
    what_to_do: str
    detail: Mapping[str, Any] = field(default_factory=dict)


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


def current_problems(
    store: NoticeStore, tokens: Mapping[str, TokenState], warning_days: float, now: datetime
) -> list[Problem]:
    """Every problem seen now."""
    return [
        *_run_problems(store),
        *_coverage_problems(store),
        *_token_problems(tokens, warning_days, now),
    ]


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


def facebook_token_states(settings: Settings) -> dict[str, TokenState]:
    """Each Facebook account's page token as ``debug_token`` sees it (when the Facebook
    connector is enabled); an account whose check failed is left out and logged."""
    facebook = settings.connectors.facebook
    if "facebook" not in settings.connectors.enabled:
        return {}
    states: dict[str, TokenState] = {}
    for account in settings.accounts:
        token = facebook.page_tokens.get(account.key)
        if account.platform != "facebook" or token is None:
            continue
        secret = token.get_secret_value()
        api = GraphApi(
            secret,
            facebook.graph_url,
            facebook.api_version,
            settings.connectors.retry.request_timeout_s,
        )
        try:
            states[account.key] = token_state(api, secret)
        except ConnectorError as error:
            log.warning("could not check the page token of %s: %s", account.key, error)
    return states


# -- what is wrong now ----------------------------------------------------------------------
def _run_problems(store: NoticeStore) -> list[Problem]:
    runs = store.finished_process_runs()
    if not runs or runs[0]["status"] != "failed":
        return []
    latest = runs[0]
    error = str(latest["error"] or "no reason recorded")
    stopped_by_quality = error.startswith("DataQualityError")
    streak = []
    for run in runs:
        if run["status"] != "failed":
            break
        if str(run["error"] or "").startswith("DataQualityError") != stopped_by_quality:
            break
        streak.append(run)
    since = _utc(streak[-1]["finished_at"] or streak[-1]["started_at"])
    detail = {"run_id": latest["run_id"], "failed_runs": len(streak)}
    if stopped_by_quality:
        failures = [_dq_result(row) for row in store.failed_expectations(latest["run_id"])]
        return [
            Problem(
                "data_quality_stop",
                "process",
                f"data quality stopped run {latest['run_id']}: its batch was not committed",
                since,
                (
                    *stopped_batch_lines(latest["run_id"], failures),
                    f"Runs stopped in a row: {len(streak)}.",
                ),
                "Read the report, fix the cause (often the configuration: recognizers, "
                "accounts, the rules file), then let the next run retry the same messages. "
                "Nothing was written, so nothing needs undoing.",
                detail,
            )
        ]
    return [
        Problem(
            "failed_run",
            "process",
            "`socmon process` is failing",
            since,
            (
                f"Run {latest['run_id']} failed: {error[:500]}",
                f"Runs failed in a row: {len(streak)}.",
                "Its offsets were not advanced; the next run reads the same messages again.",
            ),
            "Check that the broker and the warehouse are reachable (`socmon doctor`), read "
            "`socmon status` and the run's log lines (run id above), fix the cause and run "
            "`socmon run` again; a retry alone helps with a passing outage.",
            detail,
        )
    ]


def _coverage_problems(store: NoticeStore) -> list[Problem]:
    problems = []
    for row in store.coverage_now():
        if row["status"] == "complete":
            continue
        subject = f"{row['account']}/{row['stream']}"
        reason = str(row["reason"] or "no reason given")
        problems.append(
            Problem(
                "coverage_gap",
                subject,
                f"{subject} is not being fetched completely ({row['status']})",
                _utc(row["since"] or row["checked_at"]),
                (
                    f"Account {row['account']}, stream {row['stream']}: {row['status']}.",
                    f"Reason at the latest check: {reason}",
                    f"Latest check: ingest {row['ingest_id']}.",
                ),
                _coverage_advice(reason),
                {"ingest_id": row["ingest_id"], "status": row["status"], "reason": reason},
            )
        )
    return problems


def _coverage_advice(reason: str) -> str:
    lowered = reason.lower()
    if "190" in lowered or "token" in lowered or "401" in lowered:
        return (
            "The account's token expired or was revoked: issue a new one (for a Facebook page "
            "a long-lived page token) and set it in SOCMON_CONNECTORS__FACEBOOK__PAGE_TOKENS "
            "or SOCMON_CONNECTORS__TWITTER__ACCOUNT_TOKENS; the next run fetches what was missed."
        )
    if "permission" in lowered or "403" in lowered or "code 10" in lowered:
        return (
            "A permission is missing: grant the app the page's or account's read permissions "
            "again; the next run fetches what was missed."
        )
    if "rate" in lowered or "quota" in lowered or "429" in lowered or "usage" in lowered:
        return (
            "The platform's quota is spent: it resets by itself and the next runs catch up; "
            "if it recurs, run less often or ask the platform for a higher limit."
        )
    return "Read the reason, `socmon status` and `socmon doctor`; the next run retries."


def _token_problems(
    tokens: Mapping[str, TokenState], warning_days: float, now: datetime
) -> list[Problem]:
    problems = []
    for account, state in sorted(tokens.items()):
        advice = (
            "Renew the page token (a long-lived page token from a long-lived user token) and "
            "set it in SOCMON_CONNECTORS__FACEBOOK__PAGE_TOKENS before it stops working."
        )
        if not state.valid or (state.expires_at is not None and state.expires_at <= now):
            problems.append(
                Problem(
                    "token_expiring",
                    account,
                    f"the page token of {account} no longer works",
                    now,
                    (f"The Graph API says: {state.reason or 'expired'}.",),
                    advice + " Until then nothing is fetched for this page.",
                    {"valid": state.valid},
                )
            )
        elif state.expires_at is not None and state.expires_at - now <= timedelta(
            days=warning_days
        ):
            problems.append(
                Problem(
                    "token_expiring",
                    account,
                    f"the page token of {account} expires on "
                    f"{state.expires_at.strftime('%Y-%m-%d %H:%M')} UTC",
                    now,
                    (f"The Graph API says it expires at {state.expires_at.isoformat()}.",),
                    advice,
                    {"expires_at": state.expires_at.isoformat()},
                )
            )
    return problems


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
    opened_at = _utc(row["opened_at"])
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


def _dq_result(row: Mapping[str, Any]) -> DqResult:
    return DqResult(
        suite=row["suite"],
        expectation=row["expectation"],
        column=row["column_name"],
        severity=row["severity"],
        success=bool(row["success"]),
        observed_value=row["observed_value"],
        unexpected_count=row["unexpected_count"],
        explains=row["explains"],
    )


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%a %d %b %Y %H:%M %Z")


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

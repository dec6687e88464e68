"""What is wrong now, as the platform team's operations notices say it.

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

Opening, resolving and telling are :mod:`pipelines.usecases.operations_notices`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.errors import ConnectorError
from connectors.facebook_api import GraphApi
from connectors.facebook_tokens import TokenState, token_state
from pipelines.config import Settings
from pipelines.quality.notify import stopped_batch_lines
from pipelines.quality.results import DqResult
from pipelines.warehouse.notices import NoticeStore

log = logging.getLogger(__name__)

#: Given the settings, each checked account's token state (an account left out: not checked).
TokenProbe = Callable[[Settings], Mapping[str, TokenState]]
KINDS = ("failed_run", "data_quality_stop", "coverage_gap", "token_expiring")


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


def current_problems(
    store: NoticeStore, tokens: Mapping[str, TokenState], warning_days: float, now: datetime
) -> list[Problem]:
    """Every problem seen now."""
    return [
        *_run_problems(store),
        *_coverage_problems(store),
        *_token_problems(tokens, warning_days, now),
    ]


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
    since = as_utc(streak[-1]["finished_at"] or streak[-1]["started_at"])
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
                as_utc(row["since"] or row["checked_at"]),
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


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

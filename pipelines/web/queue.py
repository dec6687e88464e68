"""The queues: everything a reviewer is responsible for (``/``), one account's
(``/accounts/{key}``), and bulk actions on the rows they select (``POST /bulk``).

Filters are query parameters (``severity``, ``category``, ``clause``, ``status``, ``age``
in hours, ``mine`` for "assigned to me", ``page``), so a filtered queue is a link.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData, QueryParams
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from pipelines.warehouse import WarehouseError
from pipelines.web.alert_page import Refused, duplicate_target, visible_alert
from pipelines.web.context import ReviewContext, signed_in
from pipelines.web.identity import Session
from schemas.review import QueueFilter
from schemas.vocabulary import (
    ACTIONS_TAKEN,
    ALERT_STATUSES,
    CATEGORIES,
    SEVERITIES,
    UNRESOLVED_STATUSES,
)

PAGE_SIZE = 50
AGES = {"24": "Last 24 hours", "72": "Last 3 days", "168": "Last 7 days", "720": "Last 30 days"}
BULK_ACTIONS = {
    "acknowledge": "acknowledged",
    "confirmed": "confirmed",
    "false_positive": "marked false alarms",
    "duplicate": "marked duplicates",
}


def _chosen(params: QueryParams, known: tuple[str, ...] | list[str], name: str) -> tuple[str, ...]:
    return tuple(value for value in params.getlist(name) if value in known)


def queue_filter(
    params: QueryParams, accounts: tuple[str, ...] | None, reviewer: str, clauses: list[str]
) -> QueueFilter:
    """The filter a queue's query parameters ask for, unknown values dropped."""
    statuses = _chosen(params, [*ALERT_STATUSES, "any"], "status") or UNRESOLVED_STATUSES
    age = params.get("age", "")
    return QueueFilter(
        accounts=accounts,
        severities=_chosen(params, SEVERITIES, "severity"),
        categories=_chosen(params, CATEGORIES, "category"),
        clauses=_chosen(params, clauses, "clause"),
        statuses=() if "any" in statuses else statuses,
        max_age_hours=int(age) if age in AGES else None,
        assigned_to=reviewer if params.get("mine") else None,
        also_assigned_to=reviewer if accounts is not None else None,
    )


def _page_number(params: QueryParams) -> int:
    raw = params.get("page", "1")
    return max(1, int(raw)) if raw.isdigit() else 1


def _queue(
    request: Request, context: ReviewContext, session: Session, account: str | None
) -> Response:
    access = context.access(session)
    if account is not None and not access.sees_account(account):
        return context.error(404, "Not found", "There is no such queue for you.")
    accounts = (account,) if account is not None else access.queue_accounts
    params = request.query_params
    chosen = queue_filter(params, accounts, session.reviewer, sorted(context.policy.clauses))
    if account is not None:  # one account's queue: not what others handed me
        chosen = replace(chosen, also_assigned_to=None)
    page = _page_number(params)
    now = context.now()
    with context.warehouse() as warehouse:
        found = warehouse.review.queue(chosen, now, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        warehouse.review.audit_view(
            session.reviewer,
            "queue",
            list(accounts) if accounts is not None else ["*"],
            {
                "filter": {key: value for key, value in asdict(chosen).items() if value},
                "page": page,
            },
            now,
        )
    kept = [
        (key, value)
        for key, value in params.multi_items()
        if key not in ("page", "done", "n", "skipped")
    ]
    return context.render(
        "queue.html",
        session=session,
        page=found,
        page_number=page,
        pages=max(1, -(-found.total // PAGE_SIZE)),
        account=account,
        chosen=chosen,
        params=params,
        query_without_page=urlencode(kept),
        ages=AGES,
        clause_ids=sorted(context.policy.clauses),
        categories=CATEGORIES,
        actions_taken=ACTIONS_TAKEN,
        bulk_actions=BULK_ACTIONS,
        done=_done_message(params),
        here=_here(request),
    )


def _here(request: Request) -> str:
    """This queue's address with its filters, without a previous action's message."""
    kept = [
        (key, value)
        for key, value in request.query_params.multi_items()
        if key not in ("done", "n", "skipped")
    ]
    return request.url.path + (f"?{urlencode(kept)}" if kept else "")


def _done_message(params: QueryParams) -> str | None:
    action, count = params.get("done"), params.get("n", "")
    if action not in BULK_ACTIONS or not count.isdigit():
        return None
    skipped = params.get("skipped", "0")
    message = f"{count} alert(s) {BULK_ACTIONS[action]}."
    if skipped.isdigit() and int(skipped):
        message += f" {skipped} left as they were (already settled, or not yours)."
    return message


@signed_in
def everything_mine(request: Request, context: ReviewContext, session: Session) -> Response:
    """``GET /``: every alert of the accounts I am routed for, and those handed to me."""
    return _queue(request, context, session, None)


@signed_in
def one_account(request: Request, context: ReviewContext, session: Session) -> Response:
    """``GET /accounts/{key}``: one account's alerts."""
    return _queue(request, context, session, str(request.path_params["key"]))


def _back(form: FormData) -> str:
    target = str(form.get("next") or "/")
    # Only a path of this site: never an address elsewhere (an open redirect).
    # ("/\\host" is "//host" to a browser.)
    local = target.startswith("/") and target[1:2] not in ("/", "\\")
    return target if local else "/"


@signed_in
def bulk(request: Request, context: ReviewContext, session: Session) -> Response:
    """``POST /bulk``: one action on every selected alert the reviewer may see."""
    form: FormData = request.state.form
    action = str(form.get("bulk_action", ""))
    if action not in BULK_ACTIONS:
        return context.error(400, "Choose an action", "Pick what to do with the selected alerts.")
    action_taken = str(form.get("action_taken") or "") or None
    if action_taken is not None and action_taken not in ACTIONS_TAKEN:
        return context.error(400, "Unknown action taken", "Pick an action from the list.")
    selected = list(dict.fromkeys(str(value) for value in form.getlist("alert")))
    if not selected:
        return context.error(400, "Nothing selected", "Tick the alerts to act on first.")
    access = context.access(session)
    now = context.now()
    done = skipped = 0
    with context.warehouse() as warehouse:
        duplicate_of: str | None = None
        if action == "duplicate":
            try:
                duplicate_of = duplicate_target(
                    warehouse, access, str(form.get("duplicate_of") or "")
                )
            except Refused as refused:
                return context.error(400, refused.title, refused.message)
        for alert_id in selected:
            alert = visible_alert(warehouse, access, alert_id)
            if alert is None or alert.status == "superseded" or alert_id == duplicate_of:
                skipped += 1
                continue
            try:
                if action == "acknowledge":
                    changed = warehouse.review.acknowledge(alert_id, session.reviewer, now)
                    if action_taken and changed:
                        warehouse.review.note_action(
                            alert_id, action_taken, None, session.reviewer, now
                        )
                else:
                    warehouse.review.resolve(
                        alert_id,
                        action,
                        session.reviewer,
                        now,
                        action_taken=action_taken,
                        duplicate_of=duplicate_of,
                    )
                    changed = True
            except WarehouseError:
                changed = False
            done, skipped = (done + 1, skipped) if changed else (done, skipped + 1)
    back = _back(form)
    extra: dict[str, Any] = {"done": action, "n": done, "skipped": skipped}
    separator = "&" if "?" in back else "?"
    return RedirectResponse(back + separator + urlencode(extra), status_code=303)

"""One alert's page (``GET /alerts/{id}``) and its actions (``POST /alerts/{id}/...``).

Opening a signed link checks it, starts a session for its recipient and redirects to the
same page without the token; it changes nothing but the alert's history (a ``viewed``
event): mail scanners fetch links. ``do=acknowledge`` or ``do=false_positive`` (the
email's buttons) only highlight the matching form; the reviewer still presses it.
Every action is a POST carrying the session's CSRF token, then a redirect (303).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from pipelines.alerts.links import LinkError, LinkExpired
from pipelines.warehouse import Warehouse, WarehouseError
from pipelines.web import present
from pipelines.web.context import ReviewContext, signed_in
from pipelines.web.identity import Access, Session, is_address, line_managers
from schemas.alerts import Alert
from schemas.vocabulary import ACTIONS_TAKEN, VERDICTS

#: The email buttons' preselections.
SUGGESTIONS = ("acknowledge", "false_positive")
NOTE_CHARACTERS = 2000


class Refused(Exception):
    """A form that cannot be acted on as filled in: the page says why (400)."""

    def __init__(self, title: str, message: str) -> None:
        super().__init__(message)
        self.title = title
        self.message = message


def visible_alert(warehouse: Warehouse, access: Access, alert_id: str) -> Alert | None:
    """The alert if the reviewer may see it; None whether it is missing or not theirs."""
    detail = warehouse.review.detail(alert_id)
    if detail is None:
        return None
    told = [delivery.recipient for delivery in detail.deliveries]
    return detail.alert if access.sees(detail.alert, told) else None


def duplicate_target(warehouse: Warehouse, access: Access, text: str) -> str:
    """The full id of the alert ``text`` (an id or its first 8+ characters) names."""
    text = text.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{8,64}", text):
        raise Refused("Which alert does it repeat?", "Give its id (at least 8 characters).")
    try:
        found: Alert | None = warehouse.review.find(text).alert
    except WarehouseError:
        found = None
    if found is None or visible_alert(warehouse, access, found.alert_id) is None:
        raise Refused("No such alert", f"None of your alerts has an id starting {text}.")
    return found.alert_id


async def open_alert(request: Request) -> Response:
    """``GET /alerts/{id}``: with ``t=`` a signed link (checked, then redirected), else the page."""
    token = request.query_params.get("t")
    if token is None:
        return await show_alert(request)
    context: ReviewContext = request.app.state.review
    alert_id = str(request.path_params["alert_id"])
    now = context.now()
    try:
        claim = context.signer.verify(token, alert_id, now)
    except LinkExpired:
        return context.error(
            403,
            "This link has expired",
            "Links in alert emails work for a limited time. Open the alert from your review "
            "queue, or ask the monitoring team to send it again.",
        )
    except LinkError:
        return context.error(
            403,
            "This link is not genuine",
            "The link does not carry a valid signature for this alert: it was changed or "
            "made elsewhere. Nothing was recorded. Open the alert from the email you received.",
        )
    session, _ = context.identify(request)
    if session is None or (session.via == "link" and session.reviewer != claim.recipient):
        session = context.sessions.new(claim.recipient, "link", now)
    if session.reviewer == claim.recipient:  # a signed-in colleague's link opens nothing more
        session = session.granting(alert_id)
    suggestion = request.query_params.get("do")
    target = f"/alerts/{alert_id}" + (f"?do={suggestion}" if suggestion in SUGGESTIONS else "")
    response = RedirectResponse(target, status_code=303)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return context.keep(response, session)


@signed_in
def show_alert(request: Request, context: ReviewContext, session: Session) -> Response:
    """The alert's page: what, when, why, which clause, what to do, who was told, history."""
    alert_id = str(request.path_params["alert_id"])
    access = context.access(session)
    with context.warehouse() as warehouse:
        if visible_alert(warehouse, access, alert_id) is None:
            return _not_found(context)
        warehouse.review.viewed(alert_id, session.reviewer, context.now(), session.via)
        detail = warehouse.review.detail(alert_id)
    if detail is None:  # removed between the two reads (erasure)
        return _not_found(context)
    alert = detail.alert
    viewers: dict[str, list[datetime]] = {}
    for event in detail.events:
        if event.event == "viewed":
            viewers.setdefault(event.actor, []).append(event.created_at)
    suggestion = request.query_params.get("do")
    response = context.render(
        "alert.html",
        session=session,
        detail=detail,
        alert=alert,
        reasons=present.reasons(alert),
        actions=present.recommended_actions(alert),
        platform_link=present.safe_link(alert.url),
        history=[event for event in detail.events if event.event != "viewed"],
        viewers=viewers,
        suggestion=suggestion if suggestion in SUGGESTIONS else None,
        managers=", ".join(line_managers(context.settings, [alert.account])),
        actions_taken=ACTIONS_TAKEN,
        sees_queue=access.sees_account(alert.account),
        posted=detail.posted_at or alert.evidence.get("posted_at"),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _not_found(context: ReviewContext) -> Response:
    return context.error(
        404, "Not found", "There is no such alert, or it is not one you were sent."
    )


def _text(form: FormData, name: str) -> str | None:
    value = str(form.get(name) or "").strip()
    return value[:NOTE_CHARACTERS] or None


def _action_taken(form: FormData) -> str | None:
    action_taken = _text(form, "action_taken")
    if action_taken is not None and action_taken not in ACTIONS_TAKEN:
        raise Refused("Unknown action taken", "Pick one from the list.")
    return action_taken


@dataclass(frozen=True)
class Act:
    """One action's inputs: the store, who acts, on which alert, the form, and when."""

    warehouse: Warehouse
    access: Access
    reviewer: str
    alert: Alert
    form: FormData
    now: datetime


def _acknowledge(act: Act) -> None:
    act.warehouse.review.acknowledge(act.alert.alert_id, act.reviewer, act.now)


def _resolve(act: Act) -> None:
    verdict = str(act.form.get("verdict") or "")
    if verdict not in VERDICTS:
        raise Refused("Choose a verdict", "Confirmed, false alarm or duplicate.")
    action_taken = _action_taken(act.form)
    duplicate_of = None
    if verdict == "duplicate":
        duplicate_of = duplicate_target(
            act.warehouse, act.access, str(act.form.get("duplicate_of") or "")
        )
        if duplicate_of == act.alert.alert_id:
            raise Refused("Not itself", "An alert cannot repeat itself.")
    act.warehouse.review.resolve(
        act.alert.alert_id,
        verdict,
        act.reviewer,
        act.now,
        action_taken=action_taken,
        note=_text(act.form, "note"),
        duplicate_of=duplicate_of,
    )


def _note(act: Act) -> None:
    action_taken, note = _action_taken(act.form), _text(act.form, "note")
    if action_taken is None and note is None:
        raise Refused("Nothing to record", "Pick the action taken or write a note.")
    act.warehouse.review.note_action(act.alert.alert_id, action_taken, note, act.reviewer, act.now)


def _assign(act: Act) -> None:
    assignee = str(act.form.get("assignee") or "").strip().lower()
    if not is_address(assignee):
        raise Refused("Assign to whom?", "Give your colleague's email address.")
    act.warehouse.review.assign(act.alert.alert_id, assignee, act.reviewer, act.now)


def _escalate(act: Act) -> None:
    addresses = [part for part in re.split(r"[\s,;]+", str(act.form.get("to") or "")) if part]
    if not addresses or not all(is_address(address) for address in addresses):
        raise Refused("Escalate to whom?", "Give one or more email addresses.")
    act.warehouse.review.escalate(
        act.alert.alert_id, addresses, act.reviewer, act.now, _text(act.form, "note")
    )


ACTIONS: dict[str, Callable[[Act], None]] = {
    "acknowledge": _acknowledge,
    "resolve": _resolve,
    "note": _note,
    "assign": _assign,
    "escalate": _escalate,
}


@signed_in
def act(request: Request, context: ReviewContext, session: Session) -> Response:
    """``POST /alerts/{id}/{action}``: one action, then back to the alert's page."""
    alert_id = str(request.path_params["alert_id"])
    action = ACTIONS.get(str(request.path_params["action"]))
    if action is None:
        return _not_found(context)
    access = context.access(session)
    with context.warehouse() as warehouse:
        alert = visible_alert(warehouse, access, alert_id)
        if alert is None:
            return _not_found(context)
        try:
            action(
                Act(warehouse, access, session.reviewer, alert, request.state.form, context.now())
            )
        except Refused as refused:
            return context.error(400, refused.title, refused.message)
        except WarehouseError as error:
            return context.error(400, "Not recorded", str(error))
    return RedirectResponse(f"/alerts/{alert_id}", status_code=303)

"""What every request of the review app shares: settings, signer, templates, the warehouse.

The warehouse is opened per request and closed after it: DuckDB lets one process hold
its file, so between requests the pipeline (``socmon run``/``notify``) can open it. A
request that finds the file held waits a few seconds, then gets a "busy, reload" page.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import Any

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from pipelines.alerts.links import LinkSigner
from pipelines.alerts.rules import Policy
from pipelines.config import Settings
from pipelines.warehouse import Warehouse, WarehouseBusy, connect
from pipelines.web import present
from pipelines.web.identity import SESSION_COOKIE, Access, Session, Sessions, access_for
from pipelines.web.identity import sso_reviewer as read_sso
from schemas.vocabulary import ACTION_TAKEN_NAMES, ALERT_STATUSES, CATEGORY_NAMES, SEVERITIES

TEMPLATES = Path(__file__).parent / "templates"
#: How long a request waits for the pipeline to let go of a DuckDB file.
REQUEST_WAIT_S = 5.0
Now = Callable[[], datetime]


class ReviewContext:
    """The app's shared parts; ``app.state.review`` holds one."""

    def __init__(self, settings: Settings, signer: LinkSigner, policy: Policy, now: Now) -> None:
        self.settings = settings
        self.signer = signer
        self.sessions = Sessions(signer, settings.review.session_hours)
        self.policy = policy
        self.now = now
        self.clock = present.Clock(settings.alerts.timezone)
        self.handles = {account.key: account.handle for account in settings.accounts}
        self.secure_cookie = settings.review.base_url.startswith("https://")
        wait = min(settings.warehouse.lock_wait_s, REQUEST_WAIT_S)
        self._warehouse_settings = settings.warehouse.model_copy(update={"lock_wait_s": wait})
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.filters.update(
            when=self.clock.when,
            category_name=present.category_name,
            action_taken_name=present.action_taken_name,
            status_name=lambda status: present.STATUS_NAMES.get(status, status),
            shorten=present.shorten,
        )
        self.templates.globals.update(
            SEVERITIES=tuple(reversed(SEVERITIES)),
            SEVERITY_WORDS=present.SEVERITY_WORDS,
            STATUSES=ALERT_STATUSES,
            CATEGORY_NAMES=CATEGORY_NAMES,
            ACTION_TAKEN_NAMES=ACTION_TAKEN_NAMES,
            EVENT_WORDS=present.EVENT_WORDS,
            DELIVERY_WORDS=present.DELIVERY_WORDS,
            handles=self.handles,
            policy=policy,
        )

    @contextmanager
    def warehouse(self) -> Iterator[Warehouse]:
        """The warehouse for one request, closed after it (raises ``WarehouseBusy``)."""
        connection = connect(self._warehouse_settings)
        opened = Warehouse(connection)
        try:
            connection.use_schema()  # the schema was checked once, when the app started
            yield opened
        finally:
            opened.close()

    def access(self, session: Session) -> Access:
        return access_for(self.settings, session)

    def render(
        self, name: str, status: int = 200, session: Session | None = None, **values: Any
    ) -> HTMLResponse:
        """A page from a template; forms get the session's CSRF token, scripts a nonce."""
        nonce = secrets.token_urlsafe(12)
        access = self.access(session) if session else None
        page = self.templates.get_template(name).render(
            session=session,
            access=access,
            csrf=self.sessions.csrf_token(session) if session else "",
            script_nonce=nonce,
            now=self.now(),
            ago=lambda moment: self.clock.ago(moment, self.now()),
            **values,
        )
        response = HTMLResponse(page, status_code=status)
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Content-Security-Policy"] = (
            f"default-src 'none'; style-src 'self'; img-src 'self'; script-src 'nonce-{nonce}'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        )
        return response

    def error(self, status: int, title: str, message: str) -> HTMLResponse:
        """A plain page saying what went wrong and what to do."""
        return self.render("error.html", status, title=title, message=message)

    def identify(self, request: Request) -> tuple[Session | None, bool]:
        """The reviewer's session, and whether its cookie must be (re)set on the response."""
        now = self.now()
        from_cookie = self.sessions.read(request.cookies.get(SESSION_COOKIE), now)
        header = self.settings.review.sso_header
        if not header:
            return from_cookie, False
        # Behind single sign-on the proxy's header alone says who it is; the cookie only
        # keeps that person's CSRF secret and the links they opened.
        reviewer = read_sso(request.headers.get(header))
        if reviewer is None:
            return None, False
        if from_cookie is not None and from_cookie.reviewer == reviewer:
            return from_cookie, False
        return self.sessions.new(reviewer, "sso", now), True

    def keep(self, response: Response, session: Session) -> Response:
        """Set the session's cookie on ``response``: signed, HttpOnly, SameSite=Lax."""
        response.set_cookie(
            SESSION_COOKIE,
            self.sessions.cookie(session),
            max_age=max(1, session.expires - int(self.now().timestamp())),
            path="/",
            httponly=True,
            samesite="lax",
            secure=self.secure_cookie,
        )
        return response


Handler = Callable[[Request, ReviewContext, Session], Response]


def signed_in(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint for a signed-in reviewer: 401 page without one, CSRF checked on POSTs,
    the handler run in a worker thread (the warehouse blocks), a busy warehouse → 503."""

    @wraps(handler)
    async def endpoint(request: Request) -> Response:
        context: ReviewContext = request.app.state.review
        session, fresh = context.identify(request)
        if session is None:
            return context.error(
                401,
                "Please open the link in your alert email",
                "This page shows alerts to the people they were sent to. Open the alert from "
                "the link in its email (links work for a week), or sign in through the "
                "university's single sign-on.",
            )
        if request.method == "POST":
            form = await request.form()
            token = form.get("csrf")
            if not context.sessions.csrf_ok(session, token if isinstance(token, str) else None):
                return context.error(
                    403,
                    "This form has expired",
                    "The form was not sent from this site, or your session changed since the "
                    "page was loaded. Go back, reload the page and try again.",
                )
            request.state.form = form
        try:
            response = await run_in_threadpool(handler, request, context, session)
        except WarehouseBusy:
            response = context.error(
                503,
                "Busy for a moment",
                "The monitoring pipeline is writing to the warehouse. Reload in a few seconds.",
            )
            response.headers["Retry-After"] = "5"
        return context.keep(response, session) if fresh else response

    return endpoint


def utc_now() -> datetime:
    return datetime.now(UTC)

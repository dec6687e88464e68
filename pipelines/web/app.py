"""The review app's factory: routes, static files and the shared context.

``create_app(settings)`` needs ``review.link_key`` (from SOCMON_REVIEW__LINK_KEY): it
signs the email links this app accepts and its session cookies. ``now`` is a clock
tests can set.
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from pipelines.alerts.links import signer_from_settings
from pipelines.config import ConfigError, Settings
from pipelines.usecases.mailing import rules_for
from pipelines.warehouse import open_warehouse
from pipelines.web.alert_page import act, open_alert
from pipelines.web.context import Now, ReviewContext, utc_now
from pipelines.web.queue import bulk, everything_mine, one_account

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings, now: Now = utc_now, check_schema: bool = True) -> Starlette:
    """The review app for these settings; the warehouse's schema is brought up to date once."""
    key = settings.review.link_key.get_secret_value() if settings.review.link_key else None
    signer = signer_from_settings(key, settings.review.base_url, settings.review.link_ttl_hours)
    if signer is None:
        raise ConfigError(
            "review.link_key is not set: export SOCMON_REVIEW__LINK_KEY (at least 32 "
            "characters) to sign the links in emails and the review app's sessions"
        )
    if check_schema:
        open_warehouse(settings.warehouse).close()
    context = ReviewContext(settings, signer, rules_for(settings).policy, now)

    async def not_found(request: Request, error: Exception) -> Response:
        return context.error(404, "Not found", "There is no such page.")

    app = Starlette(
        routes=[
            Route("/", everything_mine),
            Route("/accounts/{key}", one_account),
            Route("/bulk", bulk, methods=["POST"]),
            Route("/alerts/{alert_id}", open_alert),
            Route("/alerts/{alert_id}/{action}", act, methods=["POST"]),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        exception_handlers={404: not_found},
    )
    app.state.review = context
    return app

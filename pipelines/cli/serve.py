"""`socmon serve`: the review web app, where reviewers open and act on alerts.

Needs SOCMON_REVIEW__LINK_KEY (it signs the links in emails and the app's sessions): without
it the command says so in one line and exits 2. Served by uvicorn on ``review.host`` and
``review.port``; put it behind the university's reverse proxy (TLS, single sign-on) to
reach it from outside the machine, and set ``review.base_url`` to the address people use.
"""

from __future__ import annotations

import click

from pipelines.cli.support import BadUsage, settings_of


@click.command()
@click.option("--host", default=None, help="Listen here instead of review.host.")
@click.option("--port", type=int, default=None, help="Listen here instead of review.port.")
@click.pass_context
def serve(context: click.Context, host: str | None, port: int | None) -> None:
    """Serve the review app: queues, alert pages and reviewers' actions."""
    settings = settings_of(context)
    if settings.review.link_key is None:
        raise BadUsage(
            "SOCMON_REVIEW__LINK_KEY is not set: export a secret of at least 32 characters "
            "(it signs the links in alert emails and the review app's sessions)"
        )
    import uvicorn

    from pipelines.alerts.links import LinkError
    from pipelines.web import create_app

    try:
        app = create_app(settings)
    except LinkError as error:  # a key too short to sign with
        raise BadUsage(str(error)) from None
    host = host or settings.review.host
    port = port or settings.review.port
    click.echo(
        f"Review app on http://{host}:{port}/ (links in emails use {settings.review.base_url})"
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)

"""`make screenshots`: PNGs of the review queue, an alert's page and a critical alert email.

Seeds a demo-like warehouse (the demo's accounts, alerts raised by the real builder over
three days, a few already acknowledged or resolved), sends the due emails into an .eml
outbox with the real notifier (so the email carries working links to the app), serves the
app with uvicorn and photographs it with Debian's Chromium. Run::

    python -m testing.screenshots docs/screenshots
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from connectors.broker import free_loopback_port
from pipelines.config import Settings
from pipelines.usecases.notify import notify
from pipelines.warehouse import open_warehouse
from pipelines.web import create_app
from testing.browser import CHROMIUM, CHROMIUM_ARGS
from testing.review_demo import SAMPLES, raise_alerts, seed, serving
from testing.synthetic import demo_account_settings

#: Signs this throwaway warehouse's links only.
DEMO_KEY = "screenshots-only-key-not-for-deployment-0123"
REVIEWER = "comms@university.example"


def _settings(folder: Path, port: int) -> Settings:
    values: dict[str, Any] = {
        "accounts": demo_account_settings(),
        "warehouse": {"url": f"duckdb:///{folder / 'warehouse.duckdb'}"},
        "review": {
            "link_key": os.environ.get("SOCMON_REVIEW__LINK_KEY", DEMO_KEY),
            "base_url": f"http://127.0.0.1:{port}",
        },
        "operations": {"outbox_dir": str(folder / "outbox")},
    }
    return Settings(**values)


def _email_about(outbox: Path, alert_id: str) -> EmailMessage:
    for path in sorted(outbox.glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if isinstance(message, EmailMessage) and alert_id in path.read_text(errors="replace"):
            return message
    raise SystemExit(f"no email about {alert_id} in {outbox}")


def _html(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    if part is None or not isinstance(part, EmailMessage):
        raise SystemExit("the critical email has no HTML part")
    return str(part.get_content())


def main(target: Path) -> None:
    """Write queue.png, alert.png and email-critical.png into ``target``."""
    from playwright.sync_api import sync_playwright

    target.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as temporary:
        port = free_loopback_port()
        settings = _settings(Path(temporary), port)
        with open_warehouse(settings.warehouse) as warehouse:
            raised = seed(warehouse, settings, 64, now)
            settled = [alert for alert in raised if alert.severity != "critical"]
            warehouse.review.acknowledge(settled[0].alert_id, REVIEWER, now)
            warehouse.review.resolve(settled[1].alert_id, "confirmed", REVIEWER, now)
            warehouse.review.resolve(settled[2].alert_id, "false_positive", REVIEWER, now)
            # The one photographed: a threat found minutes ago, emailed by this notify.
            [critical] = raise_alerts(
                warehouse,
                settings,
                [(9_000_001, SAMPLES[0], "uni_main")],
                now - timedelta(minutes=3),
            )
        notify(settings, now=now)
        email = _email_about(settings.operations.outbox_dir, critical.alert_id)
        app = create_app(settings)
        signer = app.state.review.signer
        with serving(app, port) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            page.goto(signer.url(critical.alert_id, REVIEWER, now))
            page.screenshot(path=str(target / "alert.png"), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 1300})
            page.goto(f"{base}/")
            page.screenshot(path=str(target / "queue.png"))
            # A blank page of its own: the app's Content-Security-Policy would block the
            # email's inline styles if it were written into one of the app's pages.
            mail = browser.new_page(viewport={"width": 760, "height": 900})
            mail.set_content(_html(email))
            mail.screenshot(path=str(target / "email-critical.png"), full_page=True)
            browser.close()
    for name in ("queue.png", "alert.png", "email-critical.png"):
        print(target / name)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))

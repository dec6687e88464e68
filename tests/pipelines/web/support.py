"""What the review app's tests share: two accounts run by different people, an admin, seeding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.testclient import TestClient

from pipelines.config import Settings
from pipelines.warehouse import Warehouse, open_warehouse
from schemas.alerts import Alert
from testing.review_demo import SAMPLES, Sample, raise_alerts

LINK_KEY = "review-test-link-key-0123456789abcdef"
ALICE, MARY = "alice@university.example", "mary@university.example"  # account A
BOB, MARK = "bob@university.example", "mark@university.example"  # account B
ADMIN = "admin@university.example"
THREAT, ABUSE, HATE, MISINFO, RUDE = SAMPLES[:5]


def accounts() -> list[dict[str, str]]:
    return [
        {
            "key": "acct_a",
            "platform": "x",
            "platform_id": "1001",
            "handle": "UniA",
            "owner_email": ALICE,
            "line_manager_email": MARY,
        },
        {
            "key": "acct_b",
            "platform": "x",
            "platform_id": "1002",
            "handle": "UniB",
            "owner_email": BOB,
            "line_manager_email": MARK,
        },
    ]


def review_settings(tmp_path: Path, **review: Any) -> Settings:
    return Settings(
        accounts=accounts(),
        warehouse={"url": f"duckdb:///{tmp_path / 'review.duckdb'}", "lock_wait_s": 2},
        review={"link_key": LINK_KEY, "admins": [ADMIN], **review},
    )


@dataclass
class Reviewing:
    """The app, its settings, and the alerts seeded on each account."""

    settings: Settings
    app: Starlette
    alerts: dict[str, Alert]

    def client(self) -> TestClient:
        return TestClient(self.app, follow_redirects=False)

    def link(
        self, alert: Alert, recipient: str, moment: datetime | None = None, **extra: Any
    ) -> str:
        signer = self.app.state.review.signer
        url = signer.url(alert.alert_id, recipient, moment or datetime.now(UTC), **extra)
        return str(url).removeprefix(self.settings.review.base_url)

    def signed_in(self, alert: Alert, recipient: str) -> TestClient:
        """A browser that opened ``recipient``'s link to ``alert``."""
        client = self.client()
        assert client.get(self.link(alert, recipient)).status_code == 303
        return client

    def warehouse(self) -> Warehouse:
        return open_warehouse(self.settings.warehouse)


def seed(settings: Settings, plan: dict[str, tuple[int, Sample, str]]) -> dict[str, Alert]:
    """Raise one alert per ``name: (record number, sample, account)``."""
    with open_warehouse(settings.warehouse) as warehouse:
        raised = raise_alerts(warehouse, settings, list(plan.values()), datetime.now(UTC))
    by_record = {alert.record_id: alert for alert in raised}
    return {name: by_record[f"x:{number}"] for name, (number, _, _) in plan.items()}


PLAN = {
    "a_threat": (1, THREAT, "acct_a"),
    "a_abuse": (2, ABUSE, "acct_a"),
    "a_misinfo": (3, MISINFO, "acct_a"),
    "a_rude": (4, RUDE, "acct_a"),
    "b_hate": (5, HATE, "acct_b"),
    "b_threat": (6, THREAT, "acct_b"),
}

"""The review app over each warehouse: the same link, page, action and queue on DuckDB and
PostgreSQL (each request opens its own connection)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from starlette.testclient import TestClient

from pipelines.config import Settings
from pipelines.warehouse import open_warehouse
from pipelines.web import create_app
from tests.pipelines.web.support import ALICE, LINK_KEY, PLAN, accounts, seed
from tests.pipelines.web.test_identity import _csrf
from tests.support import POSTGRES_URL

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(tmp_path: Path, warehouse_kind: str) -> Iterator[Settings]:
    schema = f"t_{uuid.uuid4().hex[:10]}"
    place: dict[str, Any] = (
        {"url": POSTGRES_URL, "db_schema": schema}
        if warehouse_kind == "postgresql"
        else {"url": f"duckdb:///{tmp_path / 'review.duckdb'}"}
    )
    yield Settings(accounts=accounts(), warehouse=place, review={"link_key": LINK_KEY})
    if warehouse_kind == "postgresql":
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_link_page_action_and_queue(settings: Settings) -> None:
    alerts = seed(settings, PLAN)
    app = create_app(settings)
    client = TestClient(app, follow_redirects=False)
    threat = alerts["a_threat"]
    link = app.state.review.signer.url(threat.alert_id, ALICE, datetime.now(UTC))
    assert client.get(link.removeprefix(settings.review.base_url)).status_code == 303
    page = client.get(f"/alerts/{threat.alert_id}")
    assert page.status_code == 200 and "Critical: act now" in page.text
    done = client.post(f"/alerts/{threat.alert_id}/acknowledge", data={"csrf": _csrf(page.text)})
    assert done.status_code == 303
    queue = client.get("/").text
    assert "Acknowledged: 1" in queue and alerts["b_hate"].alert_id not in queue
    with open_warehouse(settings.warehouse) as warehouse:
        acknowledged = warehouse.review.get(threat.alert_id)
    assert acknowledged is not None and acknowledged.acknowledged_by == ALICE

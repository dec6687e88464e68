"""`socmon report` through the real command line, opened in headless Chromium.

The page is made from the known data set on both warehouses, renders every chart from its
data URI without a single request leaving the page, shows the week's figures, and carries
no personal data (no post text, author pseudonym or reviewer address).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from pipelines.warehouse import open_warehouse
from tests.integration.helpers import run_cli
from tests.pipelines.warehouse.analytics_data import AUTHOR_A, REVIEWER, SECRET_TEXT, load
from tests.support import SettingsFactory

pytestmark = pytest.mark.integration


def test_the_weekly_report_renders_offline_with_its_charts_and_no_personal_data(
    make_settings: SettingsFactory, warehouse_kind: str, browser: Browser, tmp_path: Path
) -> None:
    settings = make_settings(warehouse_kind)
    with open_warehouse(settings.warehouse) as warehouse:
        load(warehouse, settings)
    out = tmp_path / "report.html"

    made = run_cli(settings, "report", "--period", "7d", "--until", "2026-11-25", "--out", str(out))

    assert made.returncode == 0, made.stderr
    page_html = out.read_text(encoding="utf-8")
    for personal in (SECRET_TEXT, REVIEWER, AUTHOR_A, "comms@university.example"):
        assert personal not in page_html
    requests: list[str] = []
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.on("request", lambda request: requests.append(request.url))
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []
    headings = page.locator("h2").all_inner_texts()
    assert headings == [
        "Activity per account",
        "Alerts by category and severity",
        "Time to acknowledge",
        "Precision per rule",
        "Coverage gaps",
        "Data-quality stops",
    ]
    tiles = dict(
        zip(
            page.locator(".tile .label").all_inner_texts(),
            page.locator(".tile .value").all_inner_texts(),
            strict=True,
        )
    )
    assert tiles == {
        "Records posted": "5",
        "Alerts raised": "4",
        "High or critical": "3",
        "Resolved": "3 of 4",
        "Coverage gaps": "2",
        "Batches stopped": "1",
    }
    images = page.locator("img")
    assert images.count() == 5
    widths = images.evaluate_all("images => images.map(image => image.naturalWidth)")
    assert all(width > 400 for width in widths), widths
    assert (
        page.locator("section", has_text="Data-quality stops").locator("td").first.inner_text()
        == "run-1"
    )
    page.close()


def test_a_bad_period_is_a_usage_error(make_settings: SettingsFactory, tmp_path: Path) -> None:
    settings = make_settings("duckdb")
    open_warehouse(settings.warehouse).close()
    refused = run_cli(settings, "report", "--period", "7x", "--out", str(tmp_path / "r.html"))
    assert refused.returncode == 2
    assert "--period" in refused.stderr
    assert not (tmp_path / "r.html").exists()

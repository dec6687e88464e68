"""`make report-screenshot`: a PNG of the weekly report (`socmon report`) in docs/screenshots/.

Seeds a throwaway DuckDB warehouse with a week that looks like one: the demo accounts'
ordinary traffic, alerts raised over seven days by the real rule engine
(:func:`testing.review_demo.seed`), reviewers acknowledging and resolving most of them at
severity-dependent delays, a day of coverage gaps and one stopped batch; renders the
report with the real use case and photographs it with Debian's Chromium. Run::

    python -m testing.report_screenshot docs/screenshots
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pyarrow as pa

from connectors.base import StreamCoverage
from pipelines.config import Settings
from pipelines.staging import RECORD_ARROW_SCHEMA
from pipelines.usecases.reference import keep_reference_tables
from pipelines.usecases.report import write_report
from pipelines.warehouse import Warehouse, open_warehouse
from testing.browser import CHROMIUM, CHROMIUM_ARGS
from testing.review_demo import seed
from testing.synthetic import DEMO_ACCOUNTS, demo_account_settings

REVIEWER = "comms@university.example"
#: Minutes to acknowledge, (low, high) per severity; verdicts' confirmed share per rule.
_ACK_MINUTES = {"critical": (4, 45), "high": (15, 240), "medium": (60, 900), "low": (120, 2000)}
_CONFIRMED = {"threat-received": 0.9, "abuse-received": 0.75, "hate-received": 0.7}


@dataclass(frozen=True)
class _Result:
    """A failed expectation, as the quality store takes it."""

    suite: str
    expectation: str
    column: str | None
    severity: str
    success: bool
    observed_value: str | None
    unexpected_count: int | None
    explains: str


@contextmanager
def _clock(moment: datetime) -> Iterator[None]:
    """The warehouse's clocks read ``moment`` (coverage and runs stamp the time they write)."""

    class _Frozen(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> _Frozen:
            return cls.fromtimestamp(moment.timestamp(), tz)

    with (
        mock.patch("pipelines.warehouse.connector_state.datetime", _Frozen),
        mock.patch("pipelines.warehouse.runs.now", return_value=moment),
        mock.patch("pipelines.warehouse.quality.now", return_value=moment),
    ):
        yield


def _traffic(now: datetime, rng: random.Random) -> list[dict[str, Any]]:
    """Ordinary records: a few posts a day per account and their replies and mentions."""
    rows = []
    number = 7_000_000
    for day in range(8):
        for key, platform, _, _ in DEMO_ACCOUNTS:
            busy = {"uni_main": 160, "uni_research": 60, "uni_students": 110}[key]
            for _ in range(int(busy * rng.uniform(0.6, 1.4))):
                number += 1
                moment = now - timedelta(days=day, minutes=rng.uniform(0, 1440))
                kind = rng.choice(
                    ["post"] + ["comment" if platform == "facebook" else "reply"] * 8 + ["mention"]
                )
                rows.append(
                    {
                        "id": f"{platform}:{number}",
                        "platform": platform,
                        "kind": kind,
                        "account": key,
                        "accounts": json.dumps([key]),
                        "native_id": str(number),
                        "parent_id": None,
                        "conversation_id": f"{platform}:{number}",
                        "author_id": "official" if kind == "post" else f"{rng.randrange(900):064x}",
                        "author_is_official": kind == "post",
                        "text": "an ordinary post",
                        "lang": "en",
                        "created_at": moment,
                        "observed_at": moment + timedelta(minutes=2),
                        "url": None,
                        "deleted": False,
                        "schema_version": 1,
                        "source_partition": 0,
                        "source_offset": number,
                        "pii_entities": "[]",
                        "text_lang": "en" if rng.random() > 0.03 else "cy",
                        "scored": True,
                    }
                )
    return rows


def _review(warehouse: Warehouse, now: datetime, rng: random.Random) -> None:
    """Acknowledge most alerts and resolve many, at plausible delays."""
    alerts = warehouse.analytics.read(
        "SELECT alert_id, severity, rule_id, raised_at FROM alert_lifecycle ORDER BY raised_at"
    ).rows
    for alert_id, severity, rule_id, raised_at in alerts:
        low, high = _ACK_MINUTES[severity]
        acknowledged = raised_at + timedelta(minutes=rng.uniform(low, high))
        if acknowledged > now or rng.random() < 0.12:
            continue
        warehouse.review.acknowledge(alert_id, REVIEWER, acknowledged)
        resolved = acknowledged + timedelta(minutes=rng.uniform(10, 600))
        if resolved > now or rng.random() < 0.25:
            continue
        confirmed = rng.random() < _CONFIRMED.get(rule_id, 0.55)
        verdict = "confirmed" if confirmed else "false_positive"
        warehouse.review.resolve(alert_id, verdict, REVIEWER, resolved)


def _operations(warehouse: Warehouse, now: datetime) -> None:
    """Coverage of each day (a rate-limited afternoon two days ago) and one stopped batch."""
    streams = {"x": ("posts", "replies", "mentions"), "facebook": ("posts", "comments")}
    for day in range(7, -1, -1):
        for hour in (6, 12, 18):
            moment = (now - timedelta(days=day)).replace(hour=hour, minute=0)
            if moment > now:
                continue
            coverage = [
                StreamCoverage(
                    key,
                    stream,
                    "partial" if day == 2 and hour == 12 and stream == "replies" else "complete",
                    40,
                    moment,
                    "rate limited (429), resumed next tick" if day == 2 and hour == 12 else None,
                )
                for key, platform, _, _ in DEMO_ACCOUNTS
                for stream in streams[platform]
            ]
            connectors = {
                key: "twitter" if p == "x" else "facebook" for key, p, _, _ in DEMO_ACCOUNTS
            }
            with _clock(moment):
                warehouse.connectors.record_coverage(f"ingest-{day}-{hour}", connectors, coverage)
    stopped = (now - timedelta(days=3)).replace(hour=12, minute=5)
    with _clock(stopped):
        warehouse.runs.start("20261125T120500-stopped", "run", {"socmon": "demo"})
        warehouse.quality.record(
            "20261125T120500-stopped",
            [
                _Result(
                    "records",
                    "expect_column_values_to_not_match_regex",
                    "text",
                    "critical",
                    False,
                    None,
                    3,
                    "unredacted e-mail addresses in stored text",
                )
            ],
        )
        warehouse.runs.fail("20261125T120500-stopped", "DataQualityError: batch stopped")


def build(folder: Path, now: datetime) -> str:
    """The report's HTML for a seeded week ending ``now``."""
    settings = Settings(
        accounts=demo_account_settings(),  # type: ignore[arg-type]
        warehouse={"url": f"duckdb:///{folder / 'warehouse.duckdb'}"},  # type: ignore[arg-type]
    )
    rng = random.Random(17)
    with open_warehouse(settings.warehouse) as warehouse:
        keep_reference_tables(warehouse, settings)
        warehouse.records.upsert(
            pa.Table.from_pylist(_traffic(now, rng), RECORD_ARROW_SCHEMA), "report-demo"
        )
        seed(warehouse, settings, 90, now, spread_hours=166, seed_value=17)
        _review(warehouse, now, rng)
        _operations(warehouse, now)
        return write_report(warehouse, now, timedelta(days=7))


def main(target: Path) -> None:
    """Write report.png into ``target``."""
    from playwright.sync_api import sync_playwright

    target.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    with tempfile.TemporaryDirectory() as temporary:
        page_html = build(Path(temporary), now)
        page_path = Path(temporary) / "report.html"
        page_path.write_text(page_html, encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(page_path.as_uri())
            page.screenshot(path=str(target / "report.png"), full_page=True)
            browser.close()
    print(target / "report.png")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))

"""Bullying patterns over a real warehouse (DuckDB and PostgreSQL): synthetic threads stored
as records and detections, judged after the commit, one alert per burst across reruns and
as the burst grows, with deliveries to the account's owner and line manager; busy friendly
threads raise nothing; the review page lists the items.

The shapes are placed across midnight UTC and across an hour, at times derived from the
midnight that began yesterday: the same layout whatever the hour the tests run at.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from pipelines.alerts.build import Routing
from pipelines.alerts.rules import load_rules
from pipelines.settings.alerts import AlertSettings
from pipelines.usecases.commit_step import Alerting
from pipelines.usecases.patterns import raise_pattern_alerts
from pipelines.warehouse import Warehouse, open_warehouse
from pipelines.warehouse.alerts import alert_from_row
from pipelines.web import create_app
from schemas.tables import DETECTIONS, RECORDS
from tests.pipelines.web.support import ALICE, MARY, Reviewing, review_settings
from tests.support import SettingsFactory

pytestmark = pytest.mark.integration

OWNERS = {
    "uni_main": ("main-owner@university.example", "head@university.example"),
    "uni_sport": ("sport-owner@university.example", "head@university.example"),
}
ALERTING = Alerting(
    rules=load_rules(),
    routing=Routing(recipients=OWNERS, handles={}, fallback=None),
    settings=AlertSettings(),
    masker=lambda text, terms: text.replace("idiot", "i****"),
)
NOW = datetime.now(UTC)
#: Midnight UTC a day or two ago: the shapes lie around it, all posted before now (the
#: detections are stored now, so their windows are judged).
MIDNIGHT = datetime.combine(NOW.date(), time(), UTC) - timedelta(days=1)
MINUTE = timedelta(minutes=1)
#: A moment other tests build their threads from (tests/integration/test_subject_access.py):
#: windows slide, so any moment will do; 11:00 yesterday is in the past whenever they run.
HOUR = MIDNIGHT + timedelta(hours=11)


@dataclass
class Threads:
    """Synthetic records and detections, written to the warehouse in one go."""

    records: list[tuple[Any, ...]] = field(default_factory=list)
    detections: list[tuple[Any, ...]] = field(default_factory=list)
    number: int = 0

    def add(
        self,
        author: str,
        at: datetime,
        *,
        thread: str,
        account: str = "uni_main",
        parent: str | None = None,
        hostile: str | None = None,
        official: bool = False,
        text: str = "",
    ) -> str:
        self.number += 1
        record_id = f"x:{self.number}"
        self.records.append(
            RECORDS.row(
                id=record_id,
                platform="x",
                kind="post" if official else "reply",
                account=account,
                accounts=json.dumps([account]),
                native_id=str(self.number),
                parent_id=parent or thread,
                conversation_id=thread,
                author_id=author,
                author_is_official=official,
                text=text or f"reply {self.number}" + (" you idiot" if hostile else " thanks!"),
                lang="en",
                created_at=at,
                observed_at=at,
                url=f"https://x.com/i/web/status/{self.number}",
                deleted=False,
                schema_version=1,
                source_partition=0,
                source_offset=self.number,
                pii_entities="[]",
                text_lang="en",
                scored=True,
            )
        )
        if hostile:
            self.detections.append(
                DETECTIONS.row(
                    detection_id=f"d{self.number}",
                    record_id=record_id,
                    account=account,
                    category=hostile,
                    policy_clause="7.17",
                    score=0.9,
                    evidence=json.dumps({"top_terms": ["idiot"]}),
                    detector="classifiers",
                    detector_version="test",
                )
            )
        return record_id

    def store(self, warehouse: Warehouse) -> None:
        with warehouse.transaction():
            warehouse.records.upsert(RECORDS.staged_table(self.records), "run-1")
            warehouse.records.insert_detections(DETECTIONS.staged_table(self.detections), "run-1")


def person(name: str) -> str:
    """A pseudonym-shaped author id."""
    return (name.encode().hex() * 64)[:64]


#: When the thread pile-on starts: ten minutes before midnight, over by ten past.
PILE_ON_START = MIDNIGHT - 10 * MINUTE


def synthetic_threads(first_number: int = 0) -> Threads:
    threads = Threads(number=first_number)
    # A pile-on: six people hostile under one post of ours within twenty minutes, across
    # midnight (23:50 to 00:10: no clock hour or day holds it).
    threads.add("official", PILE_ON_START - MINUTE, thread="x:post-a", official=True, text="Open")
    for n in range(6):
        threads.add(
            person(f"angry-{n}"),
            PILE_ON_START + 4 * n * MINUTE,
            thread="x:post-a",
            hostile="offensive",
        )
    # A busy friendly thread: sixty replies by thirty people, two of them rude (19:00).
    busy = MIDNIGHT - timedelta(hours=5)
    threads.add("official", busy, thread="x:post-b", official=True, text="Graduation")
    for n in range(60):
        threads.add(person(f"fan-{n % 30}"), busy + n * MINUTE / 2, thread="x:post-b")
    for n in range(2):
        threads.add(
            person(f"rude-{n}"), busy + (40 + n) * MINUTE, thread="x:post-b", hostile="hate"
        )
    # A repeat offender: one person hostile under three other threads at 22:00, 23:00 and
    # 00:30, two days by the calendar.
    for n, hours in enumerate((-2, -1, 0.5)):
        threads.add(
            person("troll"),
            MIDNIGHT + timedelta(hours=hours),
            thread=f"x:post-c{n}",
            hostile="offensive",
        )
    # A pile-on on a person: four people hostile to one student's comment, 01:50 to 02:05
    # (later, so that this account's hostile replies within an hour stay below brigading's).
    student = threads.add(person("student"), MIDNIGHT + 100 * MINUTE, thread="x:post-d")
    for n in range(4):
        threads.add(
            person(f"mob-{n}"),
            MIDNIGHT + (110 + 5 * n) * MINUTE,
            thread="x:post-d",
            parent=student,
            hostile="threat" if n == 0 else "offensive",
        )
    # Brigading: twelve hostile replies within an hour, across 05:00, on an account that
    # usually gets none.
    for n in range(12):
        threads.add(
            person(f"brigade-{n}"),
            MIDNIGHT + (275 + 4 * n) * MINUTE,
            thread=f"x:sport-{n}",
            account="uni_sport",
            hostile="offensive",
        )
    return threads


@pytest.fixture
def warehouse(make_settings: SettingsFactory, warehouse_kind: str) -> Iterator[Warehouse]:
    with open_warehouse(make_settings(warehouse_kind).warehouse) as opened:
        yield opened


def test_each_pattern_fires_once_on_its_shape_across_reruns(warehouse: Warehouse) -> None:
    threads = synthetic_threads()
    threads.store(warehouse)
    for run_id in ("run-1", "run-2"):
        warehouse.runs.start(run_id, "process", {})

    first = raise_pattern_alerts(warehouse, ALERTING, "run-1")
    again = raise_pattern_alerts(warehouse, ALERTING, "run-2", NOW + timedelta(minutes=5))

    alerts = {row["rule_id"]: row for row in warehouse.rows("alerts")}
    assert (first, again) == (4, 0)
    # Each run counts the pattern alerts it raised among its alerts.
    raised = [warehouse.runs.row(run_id)["alerts_raised"] or 0 for run_id in ("run-1", "run-2")]
    assert raised == [4, 0]
    assert sorted(alerts) == ["brigading", "pile-on-person", "pile-on-thread", "repeat-offender"]
    thread = json.loads(alerts["pile-on-thread"]["evidence"])
    assert thread["pattern"]["subject"] == "x:post-a"
    assert (thread["pattern"]["count"], thread["pattern"]["authors"]) == (6, 6)
    assert thread["pattern"]["window_start"] == PILE_ON_START.isoformat()
    assert [item["record_id"] for item in thread["items"]] == [f"x:{n}" for n in range(2, 8)]
    assert all("i****" in item["excerpt"] for item in thread["items"])
    offender = json.loads(alerts["repeat-offender"]["evidence"])["pattern"]
    assert (offender["subject"], offender["threads"]) == (person("troll"), 3)
    on_person = json.loads(alerts["pile-on-person"]["evidence"])["pattern"]
    assert (on_person["subject"], on_person["authors"]) == (person("student"), 4)
    assert alerts["brigading"]["account"] == "uni_sport"
    deliveries = {(row["alert_id"], row["recipient"]) for row in warehouse.rows("alert_deliveries")}
    assert len(deliveries) == 8 == warehouse.count("alert_deliveries")
    assert {r for a, r in deliveries if a == alerts["brigading"]["alert_id"]} == set(
        OWNERS["uni_sport"]
    )
    assert all(row["record_id"] == f"pattern:{row['alert_id']}" for row in alerts.values())


def test_pattern_alerts_nobody_would_receive_fail_the_alerts_suite_and_are_not_raised(
    warehouse: Warehouse,
) -> None:
    synthetic_threads().store(warehouse)
    warehouse.runs.start("run-1", "process", {})
    nobody = Routing(recipients={}, handles={}, fallback=None)

    raised = raise_pattern_alerts(warehouse, dataclasses.replace(ALERTING, routing=nobody), "run-1")

    assert raised == 0 and warehouse.rows("alerts") == []
    failed = [row for row in warehouse.quality.results_of("run-1") if not row["success"]]
    assert [(row["suite"], row["column_name"]) for row in failed] == [("alerts", "recipients")]
    # Told right, they are raised on the next run.
    assert raise_pattern_alerts(warehouse, ALERTING, "run-2") == 4


def test_a_busy_friendly_thread_and_old_windows_raise_nothing(warehouse: Warehouse) -> None:
    threads = Threads()
    threads.add(
        "official", (MIDNIGHT - 25 * MINUTE), thread="x:post-b", official=True, text="Graduation"
    )
    for n in range(200):
        threads.add(
            person(f"fan-{n % 80}"),
            (MIDNIGHT - 25 * MINUTE) + timedelta(seconds=15 * n),
            thread="x:post-b",
        )
    for n in range(3):
        threads.add(
            person(f"rude-{n}"),
            (MIDNIGHT - 25 * MINUTE) + timedelta(minutes=n),
            thread="x:post-b",
            hostile="offensive",
        )
    threads.store(warehouse)

    assert raise_pattern_alerts(warehouse, ALERTING, "run-1") == 0
    # A window whose items were all stored more than a day ago is not judged again.
    synthetic_threads(first_number=1000).store(warehouse)
    assert raise_pattern_alerts(warehouse, ALERTING, "run-2", NOW + timedelta(days=2)) == 0
    assert warehouse.count("alerts") == 0


def test_a_burst_raises_one_alert_as_it_grows_and_as_late_items_arrive(
    warehouse: Warehouse,
) -> None:
    # Five people hostile in one thread from 10:50 (and some seconds) to 11:06: one alert.
    start = MIDNIGHT + timedelta(hours=10, minutes=50, seconds=7, microseconds=250_000)
    threads = Threads()
    threads.add("official", start - MINUTE, thread="x:post-a", official=True, text="Open")
    for n in range(5):
        threads.add(
            person(f"angry-{n}"), start + 4 * n * MINUTE, thread="x:post-a", hostile="offensive"
        )
    threads.store(warehouse)
    assert raise_pattern_alerts(warehouse, ALERTING, "run-1") == 1

    # Later runs see three more people (within the window and after it) and a reply posted
    # before the first, arriving late: the window it would start overlaps the stored alert.
    more = Threads(number=100)
    for n in range(3):
        more.add(
            person(f"later-{n}"),
            start + (20 + 10 * n) * MINUTE,
            thread="x:post-a",
            hostile="offensive",
        )
    more.add(person("early"), start - 5 * MINUTE, thread="x:post-a", hostile="offensive")
    more.store(warehouse)

    assert raise_pattern_alerts(warehouse, ALERTING, "run-2", NOW + MINUTE) == 0
    assert raise_pattern_alerts(warehouse, ALERTING, "run-3", NOW + 2 * MINUTE) == 0
    [alert] = warehouse.rows("alerts")
    pattern = json.loads(alert["evidence"])["pattern"]
    assert (pattern["window_start"], pattern["count"]) == (start.isoformat(), 5)


def test_the_review_page_and_queue_show_a_pattern_alert_with_its_items(tmp_path: Path) -> None:
    settings = review_settings(tmp_path)
    app = create_app(settings)
    routing = Routing(
        recipients={"acct_a": (ALICE, MARY)}, handles={"acct_a": "UniA"}, fallback=None
    )
    threads = Threads()
    threads.add(
        "official", PILE_ON_START, thread="x:post-a", account="acct_a", official=True, text="Hi"
    )
    for n in range(5):
        threads.add(
            person(f"angry-{n}"),
            PILE_ON_START + timedelta(minutes=2 * n),
            thread="x:post-a",
            account="acct_a",
            hostile="offensive",
        )
    with open_warehouse(settings.warehouse) as warehouse:
        threads.store(warehouse)
        raise_pattern_alerts(warehouse, dataclasses.replace(ALERTING, routing=routing), "run-1")
        [alert] = [alert_from_row(row) for row in warehouse.rows("alerts")]
    reviewing = Reviewing(settings, app, {"pile_on": alert})
    browser = reviewing.signed_in(alert, ALICE)

    page = browser.get(f"/alerts/{alert.alert_id}").text

    assert "5 different people posted 5 hostile replies in one thread within 30 minutes" in page
    assert "The 5 items" in page
    for n in range(2, 7):
        assert f'href="https://x.com/i/web/status/{n}"' in page
    assert "idiot" not in page and "i****" in page
    assert alert.alert_id in browser.get("/").text

"""Edited posts and comments through `socmon process` and `socmon notify` (issue 14, "Edits").

An edit that stops matching supersedes its detections and open alerts and cancels their
unsent mail; an edit back raises a new alert; an older copy read late brings nothing back;
re-reading the same version or rerunning a failed commit changes nothing twice.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pipelines.config import Settings
from pipelines.usecases.notify import notify
from pipelines.usecases.process import ProcessResult, process
from pipelines.usecases.review import resolve
from pipelines.warehouse import open_warehouse
from pipelines.warehouse.offsets import OffsetStore
from schemas.records import Author, Record
from testing.synthetic import generate_records, record_line
from tests.integration.helpers import Row, query, replay
from tests.support import SettingsFactory

pytestmark = pytest.mark.integration

BASE = next(generate_records(1, seed=43))
OFFENSIVE = "you are a f*cking idiot and everyone knows it"
MISLEADING = "apparently all the exams are cancelled this year and everyone passes"
BENIGN = "Thanks for the update, see you at the open day"


def comment(number: int, text: str) -> Record:
    """A member of the public's reply to the main account, first observed at BASE's time."""
    return dataclasses.replace(
        BASE,
        id=f"x:{7_300_000 + number}",
        native_id=str(7_300_000 + number),
        kind="reply",
        account="uni_main",
        accounts=("uni_main",),
        conversation_id=f"x:{7_300_100 + number}",
        parent_id=None,
        author=Author(id=f"77{number}", handle=f"member{number}", is_official=False),
        text=text,
        url=None,
    )


def edited(record: Record, text: str, hours: int) -> Record:
    """The same record id, ``hours`` after its first observation, with new text."""
    return dataclasses.replace(
        record, text=text, observed_at=BASE.observed_at + timedelta(hours=hours)
    )


class Feed:
    """Replays versions of records into the test's topic and processes them, in order."""

    def __init__(self, settings: Settings, folder: Path) -> None:
        self.settings = settings
        self.folder = folder
        self.files = 0

    def process(self, *records: Record) -> ProcessResult:
        self.files += 1
        path = self.folder / f"feed-{self.files}.jsonl"
        replay(self.settings, [record_line(record) for record in records], path)
        return process(self.settings)


@pytest.fixture
def settings(make_settings: SettingsFactory, warehouse_kind: str) -> Settings:
    return make_settings(warehouse_kind)


@pytest.fixture
def feed(settings: Settings, tmp_path: Path) -> Feed:
    return Feed(settings, tmp_path)


def detections(settings: Settings, record: Record) -> list[Row]:
    return query(
        settings,
        "SELECT detection_id, category, score, superseded_at, superseded_by_run FROM detections "
        "WHERE record_id = ? ORDER BY created_at, detection_id",
        (record.id,),
    )


def alerts(settings: Settings, record: Record) -> list[Row]:
    return query(
        settings,
        "SELECT alert_id, rule_id, status, evidence, superseded_at, superseded_by_run "
        "FROM alerts WHERE record_id = ? ORDER BY created_at, alert_id",
        (record.id,),
    )


def delivery_states(settings: Settings, alert_id: str) -> list[str]:
    rows = query(
        settings,
        "SELECT status FROM alert_deliveries WHERE alert_id = ? ORDER BY delivery_id",
        (alert_id,),
    )
    return [row["status"] for row in rows]


def findings(settings: Settings) -> dict[str, list[Row]]:
    """Every detection, alert and delivery, for comparing before and after a rerun."""
    return {
        "detections": query(settings, "SELECT * FROM detections ORDER BY detection_id"),
        "alerts": query(settings, "SELECT * FROM alerts ORDER BY alert_id"),
        "deliveries": query(settings, "SELECT * FROM alert_deliveries ORDER BY delivery_id"),
    }


def live(rows: list[Row]) -> list[Row]:
    return [row for row in rows if row["superseded_at"] is None]


def later(days: int = 2) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


def test_an_edit_that_stops_matching_supersedes_detections_and_alerts_and_their_unsent_mail(
    settings: Settings, feed: Feed
) -> None:
    abusive, claim = comment(1, OFFENSIVE), comment(2, MISLEADING)
    feed.process(abusive, claim)
    [abuse] = alerts(settings, abusive)
    [misinformation] = alerts(settings, claim)
    assert (abuse["rule_id"], misinformation["rule_id"]) == (
        "abuse-received",
        "misinformation-received",
    )
    assert notify(settings).emails_sent == 2  # the immediate one; the digest waits
    assert set(delivery_states(settings, misinformation["alert_id"])) == {"pending"}

    result = feed.process(edited(abusive, BENIGN, hours=1), edited(claim, BENIGN, hours=1))

    assert result.counts.updated == 2
    assert result.counts.alerts_superseded == 2
    assert result.counts.detections_superseded == 2
    for record in (abusive, claim):
        found = detections(settings, record)
        assert found and not live(found)
        assert {row["superseded_by_run"] for row in found} == {result.run_id}
        [alert] = alerts(settings, record)
        assert (alert["status"], alert["superseded_by_run"]) == ("superseded", result.run_id)
    assert set(delivery_states(settings, abuse["alert_id"])) == {"sent"}  # sent stays sent
    assert set(delivery_states(settings, misinformation["alert_id"])) == {"cancelled"}
    digest_time = notify(settings, now=later())
    assert digest_time.emails_sent == 0 and digest_time.failed == 0
    assert set(delivery_states(settings, misinformation["alert_id"])) == {"cancelled"}


def test_an_edit_back_raises_a_new_alert_and_keeps_the_superseded_one(
    settings: Settings, feed: Feed
) -> None:
    abusive = comment(3, OFFENSIVE)
    feed.process(abusive)
    feed.process(edited(abusive, BENIGN, hours=1))
    [superseded] = alerts(settings, abusive)
    [gone] = detections(settings, abusive)
    again = edited(abusive, OFFENSIVE, hours=2)

    result = feed.process(again)

    assert result.counts.alerts_new == 1 and result.counts.alerts_superseded == 0
    first, second = alerts(settings, abusive)
    assert first == superseded  # history untouched
    assert second["alert_id"] != superseded["alert_id"]
    assert (second["rule_id"], second["status"], second["superseded_at"]) == (
        "abuse-received",
        "open",
        None,
    )
    old, new = detections(settings, abusive)
    assert old == gone and new["superseded_at"] is None and new["category"] == "offensive"
    assert set(delivery_states(settings, second["alert_id"])) == {"pending"}
    assert notify(settings).emails_sent == 2  # owner and line manager hear of it again
    before = findings(settings)
    reread = feed.process(again)  # the same version read again
    assert reread.counts.unchanged == 1
    assert findings(settings) == before
    assert process(settings).records_read == 0


def test_an_edit_that_still_fires_keeps_its_detection_and_alert(
    settings: Settings, feed: Feed
) -> None:
    abusive = comment(4, OFFENSIVE)
    feed.process(abusive)
    [offensive] = [row for row in detections(settings, abusive) if row["category"] == "offensive"]
    [abuse] = [row for row in alerts(settings, abusive) if row["rule_id"] == "abuse-received"]

    feed.process(edited(abusive, OFFENSIVE + "!!", hours=1))

    assert [row for row in detections(settings, abusive) if row["category"] == "offensive"] == [
        offensive
    ]
    assert [row for row in alerts(settings, abusive) if row["rule_id"] == "abuse-received"] == [
        abuse
    ]


def test_an_older_copy_read_after_the_edit_brings_nothing_back(
    settings: Settings, feed: Feed
) -> None:
    abusive = comment(5, OFFENSIVE)
    feed.process(abusive)
    feed.process(edited(abusive, BENIGN, hours=1))
    before = findings(settings)

    late = feed.process(abusive)  # the first version, delivered again after the edit

    assert late.counts.unchanged == 1 and late.counts.alerts_new == 0
    assert findings(settings) == before
    [record] = query(settings, "SELECT text FROM records WHERE id = ?", (abusive.id,))
    assert record["text"] == BENIGN


def test_a_reviewed_alert_keeps_its_verdict_and_records_that_the_post_changed(
    settings: Settings, feed: Feed
) -> None:
    abusive = comment(6, OFFENSIVE)
    feed.process(abusive)
    [abuse] = alerts(settings, abusive)
    with open_warehouse(settings.warehouse, writer="review") as warehouse:
        resolve(warehouse, abuse["alert_id"], "confirmed", "reported", "head@university.example")

    result = feed.process(edited(abusive, BENIGN, hours=1))

    [kept] = alerts(settings, abusive)
    assert (kept["status"], kept["superseded_by_run"]) == ("confirmed", result.run_id)
    assert kept["evidence"] == abuse["evidence"]  # what the reviewer confirmed stays
    # The verdict stopped the deliveries still waiting; the edit does not bring them back.
    assert set(delivery_states(settings, abuse["alert_id"])) == {"cancelled"}
    assert not live(detections(settings, abusive))


def test_a_failed_commit_supersedes_nothing_and_its_rerun_supersedes_once(
    settings: Settings, feed: Feed, monkeypatch: pytest.MonkeyPatch
) -> None:
    claim = comment(7, MISLEADING)
    feed.process(claim)
    before = findings(settings)
    advance = OffsetStore.advance
    failures = iter([RuntimeError("the database went away")])

    def fails_once(self: OffsetStore, *args: Any, **kwargs: Any) -> None:
        error = next(failures, None)
        if error is not None:
            raise error
        advance(self, *args, **kwargs)

    monkeypatch.setattr(OffsetStore, "advance", fails_once)
    with pytest.raises(RuntimeError, match="went away"):
        feed.process(edited(claim, BENIGN, hours=1))
    assert findings(settings) == before

    rerun = process(settings)  # reads the same range again

    assert rerun.counts.alerts_superseded == 1 and rerun.counts.updated == 1
    [alert] = alerts(settings, claim)
    assert (alert["status"], alert["superseded_by_run"]) == ("superseded", rerun.run_id)
    assert set(delivery_states(settings, alert["alert_id"])) == {"cancelled"}
    settled = findings(settings)
    assert process(settings).records_read == 0
    assert findings(settings) == settled


def test_a_post_and_its_edit_read_in_one_run_keep_only_the_edits_findings(
    settings: Settings, feed: Feed
) -> None:
    abusive = comment(9, OFFENSIVE)
    result = feed.process(abusive, edited(abusive, BENIGN, hours=1))

    assert result.duplicates == 1
    assert detections(settings, abusive) == []
    assert alerts(settings, abusive) == []
    [stored] = query(settings, "SELECT text FROM records WHERE id = ?", (abusive.id,))
    assert stored["text"] == BENIGN


def test_an_edit_read_before_its_original_in_one_run_still_wins(
    settings: Settings, feed: Feed
) -> None:
    abusive = comment(10, OFFENSIVE)
    feed.process(edited(abusive, BENIGN, hours=1), abusive)

    assert detections(settings, abusive) == []
    assert alerts(settings, abusive) == []

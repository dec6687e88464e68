"""Subject access and erasure by request, on DuckDB and PostgreSQL, through the command line.

Canary: a person's records, detections, alerts (one per record and a pile-on they joined),
verdicts, review history and audit entries sit among other people's, whose ids, pseudonyms
and texts carry canary strings. The export must hold every row about the person — checked
against the warehouse's own rows, not a list written here — and not one canary; the request
is audited. Then `socmon erase --platform x --user-id N` removes them and says what it removed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipelines.alerts.build import Routing
from pipelines.alerts.rules import load_rules
from pipelines.config import Settings
from pipelines.privacy.pseudonyms import Pseudonymizer
from pipelines.settings.alerts import AlertSettings
from pipelines.usecases.commit_step import Alerting
from pipelines.usecases.patterns import raise_pattern_alerts
from pipelines.warehouse import Warehouse, open_warehouse
from pipelines.warehouse.alerts import alerts_table, deliveries_table
from schemas.alerts import Alert, Delivery, alert_id_of, delivery_id_of
from tests.integration.helpers import run_cli
from tests.integration.test_patterns import HOUR, Threads
from tests.support import TEST_PSEUDONYM_KEY, SettingsFactory

pytestmark = pytest.mark.integration

PSEUDONYMS = Pseudonymizer(TEST_PSEUDONYM_KEY.encode())
USER_ID = "424242"
SUBJECT = PSEUDONYMS.pseudonym("x", USER_ID)
#: Other people: user ids and the pseudonyms the warehouse knows them by.
OTHER_IDS = [str(9_100_000 + n) for n in range(6)]
OTHERS = [PSEUDONYMS.pseudonym("x", user_id) for user_id in OTHER_IDS]
CANARY = "CANARY"
STAFF = "reviewer@university.example"


def seeded(settings: Settings) -> dict[str, list[str]]:
    """The person's and others' items, alerts, verdicts and views; the person's ids."""
    threads = Threads()
    minute = timedelta(minutes=1)
    threads.add("official", HOUR, thread="x:post", official=True, text="Open day")
    others_comment = threads.add(
        OTHERS[0], HOUR + minute, thread="x:post", text=f"{CANARY} comment by another person"
    )
    # The person: a hostile reply under our post (part of a pile-on), and an answer to
    # someone else's comment, which two other people answer in turn.
    hostile = threads.add(SUBJECT, HOUR + 2 * minute, thread="x:post", hostile="offensive")
    answer = threads.add(
        SUBJECT, HOUR + 3 * minute, thread="x:post", parent=others_comment, text="I disagree"
    )
    for n in (1, 2):
        threads.add(
            OTHERS[n], HOUR + (4 + n) * minute, thread="x:post", parent=answer, text=f"{CANARY} {n}"
        )
    for n in range(1, 5):  # four more people hostile in the same half hour: a pile-on
        threads.add(
            OTHERS[n],
            HOUR + (10 + n) * minute,
            thread="x:post",
            hostile="offensive",
            text=f"{CANARY} hostile {n}",
        )
    routing = Routing({"uni_main": (STAFF,)}, {}, None)
    alerting = Alerting(load_rules(), routing, AlertSettings(), lambda text, terms: text)
    with open_warehouse(settings.warehouse) as warehouse:
        threads.store(warehouse)
        raise_pattern_alerts(warehouse, alerting, "run-1")
        for record_id in (hostile, threads.records[-1][0]):  # theirs, and another person's
            _alert(warehouse, record_id, context=f"{CANARY} context of {record_id}")
        moment = datetime.now(UTC)
        for alert_id in (alert_id_of(hostile), alert_id_of(threads.records[-1][0])):
            warehouse.review.viewed(alert_id, STAFF, moment, "link")
            warehouse.review.resolve(alert_id, "confirmed", STAFF, moment, note="seen")
    return {"records": [hostile, answer]}


def _alert(warehouse: Warehouse, record_id: str, context: str) -> None:
    alert = Alert(
        alert_id=alert_id_of(record_id),
        record_id=record_id,
        account="uni_main",
        rule_id="offensive-received",
        rule_version="rules-v1",
        category="offensive",
        policy_clause="7.17",
        severity="medium",
        score=0.9,
        evidence={"excerpt": "you idiot", "context": context, "kind": "reply"},
        recommended_action="Review the comment.",
        recipients=(STAFF,),
        conversation_id="x:post",
        url=None,
    )
    delivery = Delivery(
        delivery_id_of(alert.alert_id, STAFF), alert.alert_id, STAFF, "digest", datetime.now(UTC)
    )
    with warehouse.transaction():
        warehouse.alerts.insert(alerts_table([alert]), deliveries_table([delivery]), "run-1")


@pytest.fixture
def settings(make_settings: SettingsFactory, warehouse_kind: str) -> Iterator[Settings]:
    yield make_settings(warehouse_kind)


def held_about_subject(settings: Settings) -> dict[str, set[str]]:
    """What the warehouse holds about the person, read from its own tables."""
    with open_warehouse(settings.warehouse) as warehouse:
        records = {r["id"] for r in warehouse.rows("records") if r["author_id"] == SUBJECT}
        detections = {
            d["detection_id"] for d in warehouse.rows("detections") if d["record_id"] in records
        }
        alerts = {a["alert_id"] for a in warehouse.rows("alerts") if a["record_id"] in records}
        patterns = {
            a["alert_id"]
            for a in warehouse.rows("alerts")
            if any(
                item["record_id"] in records for item in json.loads(a["evidence"]).get("items", [])
            )
        }
        feedback = {f["alert_id"] for f in warehouse.rows("alert_feedback")} & (alerts | patterns)
    return {
        "records": records,
        "detections": detections,
        "alerts": alerts,
        "pattern_alerts": patterns,
        "feedback": feedback,
    }


def test_a_subject_access_export_holds_every_row_about_the_person_and_nobody_else(
    settings: Settings, tmp_path: Path
) -> None:
    seeded(settings)
    held = held_about_subject(settings)
    assert all(held.values())  # the seed gave the person a row of every kind

    done = run_cli(
        settings, "sar", "--platform", "x", "--user-id", USER_ID, "--output", str(tmp_path / "sar")
    )

    assert done.returncode == 0, done.stderr
    text = (tmp_path / "sar" / "subject-access.json").read_text()
    page = (tmp_path / "sar" / "subject-access.html").read_text()
    export = json.loads(text)
    assert {row["id"] for row in export["records"]} == held["records"]
    assert {row["detection_id"] for row in export["detections"]} == held["detections"]
    assert {row["alert_id"] for row in export["alerts"]} == held["alerts"]
    assert {row["alert_id"] for row in export["pattern_alerts"]} == held["pattern_alerts"]
    assert {row["alert_id"] for row in export["feedback"]} == held["feedback"]
    assert {row["alert_id"] for row in export["review_history"]} == held["alerts"]
    [pile_on] = export["pattern_alerts"]
    assert [item["record_id"] for item in pile_on["your_items"]] == sorted(
        held["records"] & {item["record_id"] for item in pile_on["your_items"]}
    )
    assert len(pile_on["your_items"]) == 1 and pile_on["pattern"]["count"] == 5
    assert export["replies_by_others_held"] == 2
    assert [entry["command"] for entry in export["audit_entries"]].count("sar") == 1
    assert {entry.get("alert_id") for entry in export["audit_entries"]} >= held["alerts"]
    for written in (text, page):
        assert CANARY not in written
        assert STAFF not in written
        for other in (*OTHERS, *OTHER_IDS):
            assert other not in written
        assert USER_ID not in written  # the export names the person by pseudonym only
    assert SUBJECT in page and "I disagree" in page
    with open_warehouse(settings.warehouse) as warehouse:
        [audited] = [row for row in warehouse.rows("audit_log") if row["command"] == "sar"]
    assert json.loads(audited["counts"]) == {"subject_access": SUBJECT, "records": 2}
    assert oct((tmp_path / "sar" / "subject-access.json").stat().st_mode)[-3:] == "600"


def test_erasure_by_platform_and_user_id_removes_the_person_and_says_what(
    settings: Settings, tmp_path: Path
) -> None:
    seeded(settings)

    done = run_cli(settings, "erase", "--platform", "x", "--user-id", USER_ID)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "erased 2 record(s), 1 detection(s), 1 alert(s) with their deliveries and verdicts, "
        "0 pattern alert(s) about them, and 1 of their item(s) from other pattern alerts"
    )
    assert not any(held_about_subject(settings).values())
    with open_warehouse(settings.warehouse) as warehouse:
        [pile_on] = [row for row in warehouse.rows("alerts") if row["rule_id"] == "pile-on-thread"]
        evidence = json.loads(pile_on["evidence"])
        assert len(evidence["items"]) == 4 and evidence["pattern"]["items_erased"] == 1
        assert warehouse.privacy.erased_subjects() == [("author", SUBJECT)]
    again = run_cli(settings, "sar", "--pseudonym", SUBJECT, "--output", str(tmp_path / "after"))
    assert again.returncode == 0, again.stderr
    export = json.loads((tmp_path / "after" / "subject-access.json").read_text())
    assert export["records"] == [] and [e["subject"] for e in export["erasures"]] == [SUBJECT]
    assert bad_usage(settings, "sar", "--platform", "x", "--output", str(tmp_path / "x"))
    assert bad_usage(settings, "erase", "--user-id", "1", "--platform", "x", "--record", "x:1")


def bad_usage(settings: Settings, *args: str) -> bool:
    done = run_cli(settings, *args)
    return done.returncode == 2 and done.stderr.startswith("socmon: configuration error: give")

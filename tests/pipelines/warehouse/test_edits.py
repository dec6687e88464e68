"""What an edit supersedes, on both back ends, and the ids findings raised again are given."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pyarrow as pa
import pytest

from pipelines.warehouse import Warehouse, open_warehouse
from pipelines.warehouse.alerts import alerts_table, deliveries_table
from pipelines.warehouse.edits import assign_ids, reraised_id, settle_findings
from schemas.tables import DETECTIONS
from tests.pipelines.warehouse.test_stores import NOW, alert, deliveries, record, records_table
from tests.support import SettingsFactory

V1 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
V2 = V1 + timedelta(hours=1)
KEY = ("x:2", "abuse")


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ([], "first"),  # never raised: its first id
        ([("first", KEY, True)], "first"),  # still live: the same row
        ([("first", KEY, False)], reraised_id("first", V2)),  # superseded: a new row
        (
            [("first", KEY, False), (reraised_id("first", V1), KEY, True)],
            reraised_id("first", V1),  # raised again earlier and live: that row
        ),
        ([("other", ("x:2", "threat"), False)], "first"),  # another rule's history
    ],
    ids=["new", "live", "superseded", "raised-again-live", "other-key"],
)
def test_a_finding_gets_its_first_id_its_live_row_or_a_new_one_after_supersession(
    stored: list[tuple[str, tuple[str, str], bool]], expected: str
) -> None:
    assert assign_ids([("first", KEY, V2)], stored) == [expected]


def test_the_id_of_a_finding_raised_again_depends_on_the_version_only() -> None:
    eastern = V2.astimezone(timezone(timedelta(hours=-5)))
    assert reraised_id("first", V2) == reraised_id("first", eastern)
    assert reraised_id("first", V2) != reraised_id("first", V1)
    assert len(reraised_id("first", V2)) == 64


@pytest.fixture
def warehouse(make_settings: SettingsFactory, warehouse_kind: str) -> Iterator[Warehouse]:
    with open_warehouse(make_settings(warehouse_kind).warehouse) as opened:
        yield opened


def detection(record_id: str, category: str, detector: str = "classifiers") -> dict[str, Any]:
    return dict(
        detection_id=f"{record_id}|{detector}|{category}",
        record_id=record_id,
        account="uni_main",
        category=category,
        policy_clause="7.17",
        score=0.9,
        evidence="{}",
        detector=detector,
        detector_version="v",
    )


def detections_table(*rows: dict[str, Any]) -> pa.Table:
    return DETECTIONS.staged_table([DETECTIONS.row(**row) for row in rows])


def settle(warehouse: Warehouse, run_id: str, *versions: dict[str, Any]) -> tuple[int, int]:
    """Store new versions that raise nothing; how many detections and alerts were superseded."""
    staged = records_table(*versions)
    with warehouse.transaction():
        warehouse.records.upsert(staged, run_id)
        settled = settle_findings(warehouse, staged, None, None, None, run_id)
    return settled.detections_superseded, settled.alerts_superseded


@pytest.mark.integration
def test_unsent_deliveries_of_a_superseded_alert_are_cancelled_and_begun_ones_kept(
    warehouse: Warehouse,
) -> None:
    warehouse.records.upsert(records_table(record("x:2", V1)), "run-1")
    raised = alert("x:2", recipients=("a@x.org", "b@x.org", "c@x.org", "d@x.org"))
    outbox = deliveries(raised)
    warehouse.alerts.insert(alerts_table([raised]), deliveries_table(outbox), "run-1")
    pending, sending, uncertain, sent = (item.delivery_id for item in outbox)
    store = warehouse.alerts
    store.begin_email([sending], "<s@x>", NOW)
    store.begin_email([uncertain], "<u@x>", NOW)
    store.hand_over("<u@x>")
    store.begin_email([sent], "<d@x>", NOW)
    store.mark_sent("<d@x>", NOW)

    assert settle(warehouse, "run-2", record("x:2", V2, text="edited")) == (0, 1)

    states = {row["delivery_id"]: row["status"] for row in warehouse.rows("alert_deliveries")}
    assert states == {
        pending: "cancelled",
        sending: "cancelled",
        uncertain: "uncertain",  # may have reached the server: the operator settles it
        sent: "sent",
    }
    assert store.due(NOW + timedelta(days=2)) == [] and store.started() == []
    store.postpone([(pending, 1, NOW)], "a late retry")
    assert store.due(NOW + timedelta(days=2)) == []
    [row] = warehouse.rows("alerts")
    assert (row["status"], row["superseded_by_run"]) == ("superseded", "run-2")


@pytest.mark.integration
def test_an_unscored_edit_keeps_model_detections_and_judges_personal_data(
    warehouse: Warehouse,
) -> None:
    warehouse.records.upsert(records_table(record("x:2", V1), record("x:3", V1)), "run-1")
    found = [
        detection(record_id, category, detector)
        for record_id in ("x:2", "x:3")
        for category, detector in (("offensive", "classifiers"), ("personal_data", "privacy"))
    ]
    warehouse.records.insert_detections(detections_table(*found), "run-1")

    superseded = settle(
        warehouse,
        "run-2",
        record("x:2", V2, text="edited", scored=False),  # a language the models do not know
        record("x:3", V2, text="edited"),
    )

    assert superseded == (3, 0)
    live = {
        (row["record_id"], row["category"])
        for row in warehouse.rows("detections")
        if row["superseded_at"] is None
    }
    assert live == {("x:2", "offensive")}
    assert settle(warehouse, "run-3", record("x:2", V2), record("x:3", V2)) == (0, 0)

"""The alert lifecycle in the warehouse, on both back ends: acknowledgements and verdicts stop
waiting deliveries, escalations add one, every action is history and audit, and an author's
deletion does not take an unresolved severe alert's evidence."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest

from pipelines.warehouse import Warehouse, WarehouseError, open_warehouse
from pipelines.warehouse.alerts import alerts_table, deliveries_table
from pipelines.warehouse.records import TOMBSTONED_BY_RUN
from tests.pipelines.warehouse.test_stores import NOW, alert, deliveries, record, records_table
from tests.support import SettingsFactory

pytestmark = pytest.mark.integration
LATER = NOW + timedelta(days=1)


@pytest.fixture
def warehouse(make_settings: SettingsFactory, warehouse_kind: str) -> Iterator[Warehouse]:
    with open_warehouse(make_settings(warehouse_kind).warehouse) as opened:
        yield opened


def raise_alert(warehouse: Warehouse, record_id: str, severity: str = "medium") -> str:
    raised = alert(record_id, severity, ("owner@x.org", "manager@x.org"))
    waiting = deliveries(raised, due=LATER)  # a digest, due tomorrow
    warehouse.alerts.insert(alerts_table([raised]), deliveries_table(waiting), "run-1")
    return raised.alert_id


def delivery_states(warehouse: Warehouse, alert_id: str) -> dict[str, str]:
    return {
        row["recipient"]: row["status"]
        for row in warehouse.rows("alert_deliveries")
        if row["alert_id"] == alert_id
    }


def test_an_acknowledgement_stops_the_digest_and_is_recorded_once(warehouse: Warehouse) -> None:
    alert_id = raise_alert(warehouse, "x:2")

    assert warehouse.review.acknowledge(alert_id, "owner@x.org", NOW)
    assert not warehouse.review.acknowledge(alert_id, "manager@x.org", NOW)  # already on it

    acknowledged = warehouse.review.get(alert_id)
    assert acknowledged is not None
    assert (acknowledged.status, acknowledged.acknowledged_by) == ("acknowledged", "owner@x.org")
    assert set(delivery_states(warehouse, alert_id).values()) == {"cancelled"}
    assert warehouse.alerts.due(LATER + timedelta(hours=1)) == []
    detail = warehouse.review.detail(alert_id)
    assert detail is not None
    assert [(e.event, e.actor) for e in detail.events] == [("acknowledged", "owner@x.org")]


def test_a_false_alarm_never_reaches_the_next_digest(warehouse: Warehouse) -> None:
    kept = raise_alert(warehouse, "x:2")
    dismissed = raise_alert(warehouse, "x:3")

    warehouse.review.resolve(
        dismissed, "false_positive", "owner@x.org", NOW, action_taken="none_needed", note="banter"
    )

    due = {item.alert.alert_id for item in warehouse.alerts.due(LATER)}
    assert due == {kept}
    resolved = warehouse.review.get(dismissed)
    assert resolved is not None
    assert (resolved.status, resolved.resolved_by, resolved.action_taken) == (
        "false_positive",
        "owner@x.org",
        "none_needed",
    )
    with pytest.raises(WarehouseError, match="action taken must be one of"):
        warehouse.review.resolve(kept, "confirmed", "owner@x.org", NOW, action_taken="shrugged")


def test_every_view_and_action_is_history_and_audit_under_the_person(
    warehouse: Warehouse,
) -> None:
    alert_id = raise_alert(warehouse, "x:2")

    warehouse.review.viewed(alert_id, "owner@x.org", NOW, "link")
    warehouse.review.assign(alert_id, "Colleague@X.org", "owner@x.org", NOW)
    warehouse.review.note_action(alert_id, "reported_to_platform", None, "colleague@x.org", NOW)

    detail = warehouse.review.detail(alert_id)
    assert detail is not None
    assert detail.alert.assigned_to == "colleague@x.org"
    assert detail.alert.action_taken == "reported_to_platform"
    assert [(e.event, e.actor) for e in detail.events] == [
        ("viewed", "owner@x.org"),
        ("assigned", "owner@x.org"),
        ("action_taken", "colleague@x.org"),
    ]
    audited = [
        (row["command"], row["operator"], json.loads(row["counts"])["alert_id"])
        for row in warehouse.rows("audit_log")
    ]
    assert sorted(audited) == sorted(
        [
            ("review:viewed", "owner@x.org", alert_id),
            ("review:assigned", "owner@x.org", alert_id),
            ("review:action_taken", "colleague@x.org", alert_id),
        ]
    )


def test_an_escalation_sends_at_once_to_each_colleague_once(warehouse: Warehouse) -> None:
    alert_id = raise_alert(warehouse, "x:2")
    warehouse.review.acknowledge(alert_id, "owner@x.org", NOW)

    assert (
        warehouse.review.escalate(alert_id, ["Security@X.org"], "owner@x.org", NOW, "urgent") == 1
    )
    assert warehouse.review.escalate(alert_id, ["security@x.org"], "owner@x.org", NOW, None) == 0

    [due] = warehouse.alerts.due(NOW)
    assert (due.recipient, due.mode, due.alert.status) == (
        "security@x.org",
        "immediate",
        "acknowledged",
    )


def test_an_author_deleting_a_post_keeps_an_unresolved_severe_alert(warehouse: Warehouse) -> None:
    warehouse.records.upsert(records_table(record("x:2"), record("x:3")), "run-1")
    severe = raise_alert(warehouse, "x:2", "critical")
    minor = raise_alert(warehouse, "x:3", "medium")

    gone = record("x:2", NOW + timedelta(minutes=1), deleted=True, text="")
    also_gone = record("x:3", NOW + timedelta(minutes=1), deleted=True, text="")
    warehouse.records.upsert(records_table(gone, also_gone), "run-2")
    warehouse.alerts.delete_unheld(TOMBSTONED_BY_RUN, ("run-2",), LATER)

    kept = warehouse.review.get(severe)
    assert kept is not None and kept.record_deleted_at == LATER
    assert kept.evidence["excerpt"] == "you ******"
    assert warehouse.review.get(minor) is None
    detail = warehouse.review.detail(severe)
    assert detail is not None and detail.record_deleted

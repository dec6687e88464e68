"""The warehouse stores against both back ends: declared tables, transactions, each role."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa
import pytest

from pipelines.audit import AuditEntry
from pipelines.ranges import PartitionRange
from pipelines.warehouse import Warehouse, WarehouseError, open_warehouse
from pipelines.warehouse.alerts import alerts_table, deliveries_table
from pipelines.warehouse.connector_state import BrokerView
from pipelines.warehouse.dead_letters import PendingDeadLetter
from schemas.alerts import Alert, Delivery, alert_id_of, delivery_id_of
from schemas.tables import DEAD_LETTERS, DETECTIONS, JSON_SQL_TYPES, RECORDS, TABLES
from tests.support import SettingsFactory

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
AUDIT = AuditEntry("test", ("uni_main",), {"socmon": "test"}, "digest", "tester")
AUTHOR = "a" * 64
#: Column types as each back end reports them, for the declared SQL types.
REPORTED = {
    "TEXT": {"VARCHAR", "text"},
    "BOOLEAN": {"BOOLEAN", "boolean"},
    "INTEGER": {"INTEGER", "integer"},
    "BIGINT": {"BIGINT", "bigint"},
    "DOUBLE PRECISION": {"DOUBLE", "double precision"},
    "TIMESTAMPTZ": {"TIMESTAMP WITH TIME ZONE", "timestamp with time zone"},
    "JSON": {"JSON", "jsonb"},
}


@pytest.fixture
def warehouse(make_settings: SettingsFactory, warehouse_kind: str) -> Iterator[Warehouse]:
    with open_warehouse(make_settings(warehouse_kind).warehouse) as opened:
        yield opened


def record(record_id: str, observed: datetime = NOW, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": record_id,
        "platform": "x",
        "kind": "reply",
        "account": "uni_main",
        "accounts": '["uni_main"]',
        "native_id": record_id.split(":")[1],
        "parent_id": None,
        "conversation_id": "x:1",
        "author_id": AUTHOR,
        "author_is_official": False,
        "text": f"text of {record_id}",
        "lang": "en",
        "created_at": observed - timedelta(minutes=5),
        "observed_at": observed,
        "url": None,
        "deleted": False,
        "schema_version": 1,
        "source_partition": 0,
        "source_offset": 1,
        "pii_entities": "[]",
        "text_lang": "en",
        "scored": True,
    }
    return {**values, **changes}


def records_table(*rows: dict[str, Any]) -> pa.Table:
    return RECORDS.staged_table([RECORDS.row(**row) for row in rows])


def alert(
    record_id: str, severity: str = "high", recipients: tuple[str, ...] = ("a@x.org",)
) -> Alert:
    return Alert(
        alert_id=alert_id_of(record_id),
        record_id=record_id,
        account="uni_main",
        rule_id="abuse",
        rule_version="1",
        category="offensive",
        policy_clause="7.17",
        severity=severity,
        score=0.9,
        evidence={"excerpt": "you ******", "rule": {"id": "abuse"}},
        recommended_action="Report it to your line manager.",
        recipients=recipients,
        conversation_id="x:1",
        url=None,
    )


def deliveries(item: Alert, due: datetime = NOW) -> list[Delivery]:
    return [
        Delivery(delivery_id_of(item.alert_id, to), item.alert_id, to, "immediate", due)
        for to in item.recipients
    ]


def test_every_declared_table_has_the_migrated_columns_and_types(warehouse: Warehouse) -> None:
    for table in TABLES.values():
        found = warehouse.connection.query_dicts(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position",
            (table.name,),
        )
        assert [row["column_name"] for row in found] == list(table.column_names), table.name
        for column, row in zip(table.columns, found, strict=True):
            assert row["data_type"] in REPORTED[column.sql_type], (table.name, column.name)
            if column.json:  # JSON on DuckDB, jsonb on PostgreSQL
                assert row["data_type"] == JSON_SQL_TYPES[warehouse.kind], column.name


def test_a_failed_transaction_leaves_nothing_and_nested_blocks_join_the_outer_one(
    warehouse: Warehouse,
) -> None:
    with pytest.raises(RuntimeError), warehouse.transaction():
        warehouse.runs.start("run-1", "process", {})
        with warehouse.transaction():
            warehouse.records.upsert(records_table(record("x:2")), "run-1")
        raise RuntimeError("crash before the end")
    assert warehouse.count("runs") == 0
    assert warehouse.count("records") == 0
    with warehouse.transaction():
        warehouse.runs.start("run-2", "process", {})
    assert warehouse.count("runs") == 1


def test_runs_left_running_are_abandoned_and_a_run_keeps_its_counts(warehouse: Warehouse) -> None:
    warehouse.runs.start("run-1", "process", {"socmon": "1"})
    warehouse.runs.start("run-2", "process", {"socmon": "1"})
    assert warehouse.runs.row("run-1")["status"] == "abandoned"
    piece = PartitionRange("records", 0, 0, 10)
    warehouse.runs.note_staged("run-2", {"records_read": 10, "duplicates": 1}, [piece])
    warehouse.runs.fail("run-2", "KafkaReadError: " + "x" * 3000)
    row = warehouse.runs.row("run-2")
    assert (row["status"], row["records_read"], row["duplicates"]) == ("failed", 10, 1)
    assert len(row["error"]) == 2000
    assert [run["run_id"] for run in warehouse.runs.recent(5)] == ["run-2", "run-1"]
    with pytest.raises(WarehouseError, match="no run"):
        warehouse.runs.row("run-3")


def test_upsert_counts_new_newer_and_unchanged_records(warehouse: Warehouse) -> None:
    first = warehouse.records.upsert(records_table(record("x:2"), record("x:3")), "run-1")
    later = NOW + timedelta(hours=1)
    second = warehouse.records.upsert(
        records_table(record("x:2", later, text="edited"), record("x:3"), record("x:4")), "run-2"
    )
    assert (first.inserted, first.updated, first.unchanged) == (2, 0, 0)
    assert (second.inserted, second.updated, second.unchanged) == (1, 1, 1)
    assert warehouse.records.texts(["x:2", "x:9"]) == {"x:2": "edited"}


def test_offsets_advance_to_the_furthest_piece_and_kafka_marks_only_unmoved_ones(
    warehouse: Warehouse,
) -> None:
    pieces = [
        PartitionRange("t", 0, 0, 5),
        PartitionRange("t", 0, 5, 9),
        PartitionRange("t", 1, 0, 3),
    ]
    warehouse.offsets.advance("group", pieces, "cluster-a", "run-1")
    assert warehouse.offsets.stored("group", "t") == {0: (9, "cluster-a"), 1: (3, "cluster-a")}
    pending = warehouse.offsets.not_in_kafka("group")
    warehouse.offsets.advance("group", [PartitionRange("t", 1, 3, 7)], "cluster-a", "run-2")
    warehouse.offsets.mark_in_kafka(pending)
    still = warehouse.offsets.not_in_kafka("group")
    assert [(o.kafka_partition, o.next_offset) for o in still] == [(1, 7)]


def test_dead_letters_are_kept_once_per_bytes_and_marked_when_copied(warehouse: Warehouse) -> None:
    letter = {
        "topic": "records",
        "kafka_partition": 0,
        "kafka_offset": 4,
        "kafka_key": None,
        "reason": "invalid_json",
        "detail": "line 1",
        "value_sha256": "b" * 64,
        "value_size": 3,
        "preview": "{no",
    }
    table = DEAD_LETTERS.staged_table([DEAD_LETTERS.row(**letter), DEAD_LETTERS.row(**letter)])
    assert warehouse.dead_letters.insert(table, "run-1") == 1
    assert warehouse.dead_letters.insert(table, "run-2") == 0
    [pending] = warehouse.dead_letters.unpublished()
    assert pending == PendingDeadLetter("records", 0, 4, "invalid_json", "line 1", "b" * 64)
    warehouse.dead_letters.mark([pending], "published")
    assert warehouse.dead_letters.unpublished() == []
    with pytest.raises(WarehouseError, match="unknown dead-letter status"):
        warehouse.dead_letters.mark([pending], "lost")


def test_the_outbox_gives_due_deliveries_once_and_holds_back_retries(warehouse: Warehouse) -> None:
    raised = alert("x:2", recipients=("owner@x.org", "manager@x.org"))
    outbox = deliveries(raised)
    assert warehouse.alerts.insert(alerts_table([raised]), deliveries_table(outbox), "run-1") == 1
    assert warehouse.alerts.insert(alerts_table([raised]), deliveries_table(outbox), "run-2") == 0
    assert warehouse.alerts.due(NOW - timedelta(seconds=1)) == []
    due = warehouse.alerts.due(NOW)
    assert sorted(item.recipient for item in due) == ["manager@x.org", "owner@x.org"]
    assert due[0].alert.evidence == raised.evidence
    assert due[0].alert.recipients == raised.recipients
    owner = next(item for item in due if item.recipient == "owner@x.org")
    manager = next(item for item in due if item.recipient == "manager@x.org")
    assert warehouse.alerts.begin_email([owner.delivery_id], "<m1@socmon.invalid>", NOW) == 1
    warehouse.alerts.mark_sent("<m1@socmon.invalid>", NOW)
    retry_at = NOW + timedelta(minutes=2)
    warehouse.alerts.postpone([(manager.delivery_id, 1, retry_at)], "SMTPServerDisconnected")
    assert warehouse.alerts.due(NOW + timedelta(minutes=1)) == []
    [again] = warehouse.alerts.due(retry_at)
    assert (again.recipient, again.attempts) == ("manager@x.org", 1)
    assert warehouse.alerts.emails_sent_last_hour(NOW + timedelta(minutes=30)) == {"owner@x.org": 1}


def test_an_email_goes_sending_uncertain_sent_and_an_operator_settles_the_uncertain(
    warehouse: Warehouse,
) -> None:
    raised = [alert(f"x:{n}", recipients=("owner@x.org",)) for n in (2, 3, 4)]
    outbox = [delivery for item in raised for delivery in deliveries(item)]
    warehouse.alerts.insert(alerts_table(raised), deliveries_table(outbox), "run-1")
    first, second, third = (delivery.delivery_id for delivery in outbox)
    store = warehouse.alerts

    def states() -> list[tuple[str, str | None]]:
        rows = warehouse.connection.query_dicts(
            "SELECT status, message_id FROM alert_deliveries ORDER BY delivery_id = ?, "
            "delivery_id = ?, delivery_id",
            (third, second),
        )
        return [(row["status"], row["message_id"]) for row in rows]

    assert store.begin_email([first, second], "<a@x>", NOW) == 2
    assert store.begin_email([first], "<b@x>", NOW) == 0  # already in an email
    [begun] = store.started()
    assert (begun.message_id, begun.status, begun.since) == ("<a@x>", "sending", NOW)
    assert sorted(item.delivery_id for item in begun.items) == sorted([first, second])
    assert [item.delivery_id for item in store.due(NOW)] == [third]
    store.hand_over("<a@x>")
    assert store.started() == [] and store.started(("uncertain",))[0].status == "uncertain"
    store.hold("<a@x>", "TimeoutError: no answer")
    assert store.started(("uncertain",))[0].last_error == "TimeoutError: no answer"

    store.settle("<a@x>", delivered=False, moment=NOW)  # the mail log does not have it
    assert [email.message_id for email in store.started()] == ["<a@x>"]
    store.mark_sent("<a@x>", NOW)
    assert store.begin_email([third], "<c@x>", NOW) == 1
    store.hand_over("<c@x>")
    store.settle("<c@x>", delivered=True, moment=NOW)  # the mail log has it
    assert states() == [("sent", "<a@x>"), ("sent", "<a@x>"), ("sent", "<c@x>")]
    with pytest.raises(WarehouseError, match="no uncertain email"):
        store.settle("<c@x>", delivered=False, moment=NOW)
    assert store.emails_sent_last_hour(NOW + timedelta(minutes=1)) == {"owner@x.org": 2}


def test_a_refused_email_goes_back_to_pending_without_its_message_id(warehouse: Warehouse) -> None:
    raised = alert("x:2")
    warehouse.alerts.insert(alerts_table([raised]), deliveries_table(deliveries(raised)), "r")
    [due] = warehouse.alerts.due(NOW)
    warehouse.alerts.begin_email([due.delivery_id], "<a@x>", NOW)
    warehouse.alerts.hand_over("<a@x>")

    warehouse.alerts.postpone([(due.delivery_id, 1, NOW)], "SMTPDataError: 554 no")

    assert warehouse.alerts.started(("sending", "uncertain")) == []
    [again] = warehouse.alerts.due(NOW)
    assert again.attempts == 1


def test_a_verdict_and_the_alert_status_land_together(warehouse: Warehouse) -> None:
    raised = alert("x:2")
    warehouse.alerts.insert(alerts_table([raised]), None, "run-1")
    warehouse.review.resolve(raised.alert_id, "confirmed", "reviewer@x.org", NOW, note="reported")
    reviewed = warehouse.review.find(raised.alert_id[:12])
    assert reviewed.alert.status == "confirmed"
    assert (reviewed.alert.resolved_by, reviewed.alert.resolved_at) == ("reviewer@x.org", NOW)
    assert [(v.verdict, v.note, v.reviewer) for v in reviewed.feedback] == [
        ("confirmed", "reported", "reviewer@x.org")
    ]
    with pytest.raises(WarehouseError, match="verdict must be one of"):
        warehouse.review.resolve(raised.alert_id, "maybe", "reviewer@x.org", NOW)
    assert warehouse.count("alert_feedback") == 1
    assert warehouse.review.precision("rule_id") == [("abuse", 1, 1)]
    with pytest.raises(WarehouseError, match="at least 8"):
        warehouse.review.find("abc")


def test_published_alerts_are_flagged(warehouse: Warehouse) -> None:
    raised = alert("x:2")
    warehouse.alerts.insert(alerts_table([raised]), None, "run-1")
    [pending] = warehouse.alerts.unpublished()
    assert pending.to_message()["recipients"] == ["a@x.org"]
    warehouse.alerts.mark_published([pending.alert_id])
    assert warehouse.alerts.unpublished() == []


def test_alerts_are_flagged_published_a_thousand_at_a_time(warehouse: Warehouse) -> None:
    raised = [alert(f"x:{number}") for number in range(2_101)]
    warehouse.alerts.insert(alerts_table(raised), None, "run-1")
    chosen = sorted(each.alert_id for each in raised)[:2_050]  # two chunks and a part
    warehouse.alerts.mark_published(chosen)
    assert [each.alert_id for each in warehouse.alerts.unpublished()] == sorted(
        each.alert_id for each in raised
    )[2_050:]


def test_erasing_an_author_takes_records_detections_and_alerts_and_stays_recorded(
    warehouse: Warehouse,
) -> None:
    warehouse.records.upsert(records_table(record("x:2"), record("x:3", author_id="c" * 64)), "r")
    detection = DETECTIONS.row(
        detection_id="d1",
        record_id="x:2",
        account="uni_main",
        category="offensive",
        policy_clause="7.17",
        score=0.9,
        evidence="{}",
        detector="classifiers",
        detector_version="v",
    )
    warehouse.records.insert_detections(DETECTIONS.staged_table([detection]), "r")
    raised = alert("x:2")
    warehouse.alerts.insert(alerts_table([raised]), deliveries_table(deliveries(raised)), "r")
    counts = warehouse.privacy.erase("author", AUTHOR, "request", AUDIT)
    assert counts == {"records": 1, "detections": 1, "alerts": 1}
    assert warehouse.count("alert_deliveries") == 0
    assert warehouse.privacy.erased_subjects() == [("author", AUTHOR)]
    assert [row["id"] for row in warehouse.rows("records")] == ["x:3"]
    [entry] = warehouse.rows("audit_log")
    assert entry["command"] == "test" and '"erased": "author"' in entry["counts"]
    with pytest.raises(WarehouseError, match="unknown erasure subject"):
        warehouse.privacy.erase("email", "someone@x.org", "request", AUDIT)


def test_retention_deletes_what_expired_and_what_it_leaves_orphaned(warehouse: Warehouse) -> None:
    old = NOW - timedelta(days=400)
    warehouse.records.upsert(records_table(record("x:2", old), record("x:3")), "r")
    raised = alert("x:2")
    warehouse.alerts.insert(alerts_table([raised]), deliveries_table(deliveries(raised)), "r")
    cutoff = NOW - timedelta(days=365)
    deleted = warehouse.privacy.delete_older_than(
        {("records", "observed_at"): cutoff, ("alerts", "created_at"): datetime.now(UTC)}, AUDIT
    )
    assert deleted["records"] == 1 and deleted["alerts"] == 1
    assert deleted["alert_deliveries"] == 1
    with pytest.raises(WarehouseError, match="does not apply"):
        warehouse.privacy.delete_older_than({("offsets", "updated_at"): cutoff}, AUDIT)


def test_counting_an_unknown_table_is_refused(warehouse: Warehouse) -> None:
    with pytest.raises(WarehouseError, match="unknown table"):
        warehouse.count("records; DROP TABLE records")


def test_a_checkpoint_is_resumed_only_while_the_broker_holds_its_messages(
    warehouse: Warehouse,
) -> None:
    state = warehouse.connectors
    broker = BrokerView("records", "cluster-a", {0: 120, 1: 40})
    state.save_checkpoint("twitter", "uni_main", '{"since": 1}', broker, {0: 100})
    state.save_checkpoint("twitter", "uni_main", '{"since": 2}', broker, {1: 30})
    assert state.load_cursor("twitter", "uni_main", broker) == '{"since": 2}'
    # An emptied broker (or another cluster) lost them: fetch again from the committed cursor.
    emptied = BrokerView("records", "cluster-a", {0: 0, 1: 0})
    assert state.load_cursor("twitter", "uni_main", emptied) is None
    assert warehouse.count("cursor_checkpoints") == 0


def test_the_commit_moves_the_cursor_to_the_newest_checkpoint_it_covers(
    warehouse: Warehouse,
) -> None:
    state = warehouse.connectors
    broker = BrokerView("records", "cluster-a", {0: 200})
    state.save_checkpoint("twitter", "uni_main", '{"since": 1}', broker, {0: 100})
    state.save_checkpoint("twitter", "uni_main", '{"since": 2}', broker, {0: 150})
    # Positions only grow: a batch without messages still waits for the earlier ones.
    state.save_checkpoint("twitter", "uni_main", '{"since": 3}', broker, {})
    assert state.promote("records", "cluster-b", {0: 500}) == 0  # another cluster's offsets
    assert state.promote("records", "cluster-a", {0: 120}) == 1
    assert state.load_cursor("twitter", "uni_main") == '{"since": 1}'
    assert state.promote("records", "cluster-a", {0: 150}) == 1
    assert state.load_cursor("twitter", "uni_main") == '{"since": 3}'
    assert warehouse.count("cursor_checkpoints") == 0

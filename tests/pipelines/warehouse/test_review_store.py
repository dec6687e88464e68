"""The review store against both back ends: the queue's filters, order and counts, and the
lifecycle's actions with their history, audit rows and stopped deliveries."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from pipelines.config import Settings
from pipelines.warehouse import Warehouse, WarehouseError, open_warehouse
from schemas.alerts import Alert
from schemas.review import QueueFilter
from testing.review_demo import SAMPLES, raise_alerts
from tests.pipelines.web.support import ALICE, BOB, accounts
from tests.support import POSTGRES_URL

pytestmark = pytest.mark.integration

THREAT, ABUSE, HATE, MISINFO, RUDE = SAMPLES[:5]
EARLY = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
LATE = EARLY + timedelta(hours=30)


@pytest.fixture
def settings(tmp_path: Path, warehouse_kind: str) -> Iterator[Settings]:
    schema = f"t_{uuid.uuid4().hex[:10]}"
    if warehouse_kind == "postgresql":
        place = {"url": POSTGRES_URL, "db_schema": schema}
    else:
        place = {"url": f"duckdb:///{tmp_path / 'review.duckdb'}"}
    yield Settings(accounts=accounts(), warehouse=place)
    if warehouse_kind == "postgresql":
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def warehouse(settings: Settings) -> Iterator[Warehouse]:
    with open_warehouse(settings.warehouse) as opened:
        yield opened


@pytest.fixture
def raised(warehouse: Warehouse, settings: Settings) -> dict[str, Alert]:
    """Alerts raised in two runs 30 hours apart, on two accounts."""
    first = raise_alerts(
        warehouse,
        settings,
        [(1, RUDE, "acct_a"), (2, THREAT, "acct_a"), (3, HATE, "acct_b")],
        EARLY,
    )
    second = raise_alerts(
        warehouse,
        settings,
        [(4, ABUSE, "acct_a"), (5, MISINFO, "acct_a"), (6, RUDE, "acct_b")],
        LATE,
    )
    names = ["a_rude", "a_threat", "b_hate", "a_abuse", "a_misinfo", "b_rude"]
    return dict(zip(names, [*first, *second], strict=True))


def names(raised: dict[str, Alert], alerts: tuple[Alert, ...]) -> list[str]:
    by_id = {alert.alert_id: name for name, alert in raised.items()}
    return [by_id[alert.alert_id] for alert in alerts]


def test_the_queue_is_most_severe_first_then_oldest(
    warehouse: Warehouse, raised: dict[str, Alert]
) -> None:
    page = warehouse.review.queue(QueueFilter(), LATE)
    assert names(raised, page.alerts) == [
        "a_threat",
        "b_hate",
        "a_abuse",
        "a_rude",
        "b_rude",
        "a_misinfo",
    ]  # critical; high (older first); medium (older first, then by id)
    assert page.total == 6
    assert page.by_severity == {"critical": 1, "high": 2, "medium": 3}
    assert page.by_account == {"acct_a": 4, "acct_b": 2}
    second = warehouse.review.queue(QueueFilter(), LATE, limit=4, offset=4)
    assert names(raised, second.alerts) == ["b_rude", "a_misinfo"] and second.total == 6


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (QueueFilter(accounts=("acct_b",)), {"b_hate", "b_rude"}),
        (QueueFilter(accounts=()), set()),
        (QueueFilter(severities=("critical", "high")), {"a_threat", "b_hate", "a_abuse"}),
        (QueueFilter(categories=("misleading",)), {"a_misinfo"}),
        (QueueFilter(categories=("hate", "threat")), {"a_threat", "b_hate"}),
        # every category that fired, not only the leading one
        (
            QueueFilter(categories=("offensive",)),
            {"a_rude", "a_threat", "b_hate", "a_abuse", "b_rude"},
        ),
        (QueueFilter(clauses=("7.16",)), {"a_misinfo"}),
        (QueueFilter(max_age_hours=24), {"a_abuse", "a_misinfo", "b_rude"}),
        (QueueFilter(statuses=("confirmed",)), set()),
    ],
)
def test_the_queue_filters(
    warehouse: Warehouse, raised: dict[str, Alert], chosen: QueueFilter, expected: set[str]
) -> None:
    page = warehouse.review.queue(chosen, LATE)
    assert set(names(raised, page.alerts)) == expected
    assert page.total == len(expected)


def test_my_queue_is_my_accounts_or_assigned_to_me(
    warehouse: Warehouse, raised: dict[str, Alert]
) -> None:
    warehouse.review.assign(raised["b_hate"].alert_id, ALICE.upper(), BOB, LATE)
    mine = QueueFilter(accounts=("acct_a",), also_assigned_to=ALICE)
    assert set(names(raised, warehouse.review.queue(mine, LATE).alerts)) == {
        "a_rude",
        "a_threat",
        "a_abuse",
        "a_misinfo",
        "b_hate",
    }
    only_assigned = QueueFilter(accounts=(), also_assigned_to=ALICE, assigned_to=ALICE)
    assert names(raised, warehouse.review.queue(only_assigned, LATE).alerts) == ["b_hate"]


def pending(warehouse: Warehouse, alert: Alert) -> int:
    rows = warehouse.connection.execute(
        "SELECT count(*) FROM alert_deliveries WHERE alert_id = ? AND status = 'pending'",
        (alert.alert_id,),
    )
    return int(rows[0][0])


def test_an_acknowledgement_stops_waiting_mail_once_and_is_remembered(
    warehouse: Warehouse, raised: dict[str, Alert]
) -> None:
    alert = raised["a_rude"]  # medium: waits for the digest
    assert pending(warehouse, alert) == 2
    assert warehouse.review.acknowledge(alert.alert_id, ALICE, LATE) is True
    assert warehouse.review.acknowledge(alert.alert_id, BOB, LATE) is False
    assert pending(warehouse, alert) == 0
    detail = warehouse.review.detail(alert.alert_id)
    assert detail is not None
    assert (detail.alert.status, detail.alert.acknowledged_by) == ("acknowledged", ALICE)
    assert [(e.event, e.actor, e.detail) for e in detail.events] == [
        ("acknowledged", ALICE, {"cancelled": 2})
    ]
    assert {d.status for d in detail.deliveries} == {"cancelled"}


def test_a_verdict_an_escalation_and_a_note_each_leave_history_and_an_audit_row(
    warehouse: Warehouse, raised: dict[str, Alert]
) -> None:
    alert = raised["a_threat"]
    review = warehouse.review
    at = [LATE + timedelta(minutes=minutes) for minutes in range(5)]
    review.viewed(alert.alert_id, ALICE, at[0], "link")
    escalate_to = ["Sec@Uni.example", "sec@uni.example"]
    assert review.escalate(alert.alert_id, escalate_to, ALICE, at[1], "now") == 1
    assert review.escalate(alert.alert_id, ["sec@uni.example"], ALICE, at[2], None) == 0
    review.note_action(alert.alert_id, "referred_to_police", None, ALICE, at[3])
    review.resolve(
        alert.alert_id, "duplicate", ALICE, at[4], duplicate_of=raised["b_hate"].alert_id
    )
    with pytest.raises(WarehouseError, match="action taken must be one of"):
        review.note_action(alert.alert_id, "shrugged", None, ALICE, at[4])
    detail = review.detail(alert.alert_id)
    assert detail is not None
    assert [event.event for event in detail.events] == [
        "viewed",
        "escalated",
        "escalated",
        "action_taken",
        "duplicate",
    ]
    assert detail.alert.duplicate_of == raised["b_hate"].alert_id
    assert detail.alert.action_taken == "referred_to_police"
    assert detail.posted_at == EARLY - timedelta(minutes=7)
    audit = warehouse.connection.query_dicts(
        "SELECT command, operator FROM audit_log WHERE command LIKE 'review:%' ORDER BY created_at"
    )
    assert [row["command"] for row in audit] == [
        "review:viewed",
        "review:escalated",
        "review:escalated",
        "review:action_taken",
        "review:duplicate",
    ]
    assert {row["operator"] for row in audit} == {ALICE}
    escalated = [d for d in detail.deliveries if d.recipient == "sec@uni.example"]
    assert [(d.mode, d.status) for d in escalated] == [("immediate", "cancelled")]


def test_a_queue_view_is_audited_with_its_accounts(
    warehouse: Warehouse, raised: dict[str, Alert]
) -> None:
    warehouse.review.audit_view(ALICE, "queue", ["acct_a"], {"page": 1}, LATE)
    [row] = warehouse.connection.query_dicts(
        "SELECT command, operator, accounts FROM audit_log WHERE command = 'review:queue'"
    )
    assert (row["operator"], row["accounts"]) == (ALICE, '["acct_a"]')

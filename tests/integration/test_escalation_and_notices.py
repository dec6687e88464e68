"""Escalation and operations notices end to end: the warehouse (both back ends), the notifier,
a real SMTP server (aiosmtpd) and, for tokens, the Graph API simulator. Clocks are given to
the notifier, never slept."""

from __future__ import annotations

import email
import email.policy
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from connectors.base import StreamCoverage
from pipelines.config import Settings
from pipelines.quality.results import DataQualityError, DqResult
from pipelines.settings.privacy import DEFAULT_RECOGNIZERS
from pipelines.usecases.notify import NotifyResult, notify
from pipelines.usecases.tick import run_tick
from pipelines.warehouse import Warehouse, open_warehouse
from pipelines.warehouse.alerts import alerts_table, deliveries_table
from testing.simulators import SimulatedAccount, Simulators
from tests.integration.test_alerts_and_email import Inbox, smtp  # noqa: F401 (the fixture)
from tests.integration.test_quality import LEAKY
from tests.pipelines.warehouse.test_stores import alert, deliveries
from tests.support import SettingsFactory

pytestmark = pytest.mark.integration

OWNER = "comms@university.example"
MANAGER = "head-of-comms@university.example"
DIRECTOR = "director@university.example"
DUTY = "duty@university.example"
PLATFORM = "platform@university.example"
#: A Monday afternoon in October (British Summer Time): inside working hours.
T0 = datetime(2026, 10, 5, 13, 0, tzinfo=UTC)


@pytest.fixture
def settings(
    make_settings: SettingsFactory,
    warehouse_kind: str,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> Settings:
    _, port = smtp
    return make_settings(
        warehouse_kind,
        smtp={"host": "127.0.0.1", "port": port, "starttls": False, "retry_base_s": 0},
        alerts={"escalation": {"head_of_comms_email": DIRECTOR, "duty_email": DUTY}},
        operations={"email": PLATFORM},
    )


@pytest.fixture
def warehouse(settings: Settings) -> Iterator[Warehouse]:
    with open_warehouse(settings.warehouse) as opened:
        yield opened


def raise_alert(warehouse: Warehouse, record_id: str, severity: str) -> str:
    raised = alert(record_id, severity, (OWNER, MANAGER))
    warehouse.alerts.insert(alerts_table([raised]), deliveries_table(deliveries(raised, T0)), "r")
    return raised.alert_id


def run_notify(settings: Settings, warehouse: Warehouse, at: datetime) -> NotifyResult:
    return notify(settings, warehouse, now=at, token_probe=lambda _: {})


def received(inbox: Inbox, since: int = 0) -> list[tuple[str, str, str]]:
    """(recipient, subject, text) of each email the server accepted, from number ``since``."""
    return [
        (envelope[0], str(message["Subject"]), _text(message))
        for envelope, message in zip(inbox.envelopes[since:], inbox.messages[since:], strict=True)
    ]


def _text(message: Any) -> str:
    part = message.get_body(preferencelist=("plain",))
    return str(part.get_content()) if part is not None else ""


# -- escalation ------------------------------------------------------------------------------
def test_an_unacknowledged_critical_alert_is_escalated_once_per_step(
    settings: Settings,
    warehouse: Warehouse,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, _ = smtp
    alert_id = raise_alert(warehouse, "x:2", "critical")

    first = run_notify(settings, warehouse, T0)
    assert sorted(to for to, _, _ in received(inbox)) == [OWNER, MANAGER]
    assert first.escalated == 0

    assert run_notify(settings, warehouse, T0 + timedelta(minutes=29)).escalated == 0
    assert len(inbox.messages) == 2  # the window of 30 minutes has not passed

    escalated = run_notify(settings, warehouse, T0 + timedelta(minutes=31))
    again = run_notify(settings, warehouse, T0 + timedelta(minutes=32))
    assert (escalated.escalated, again.escalated) == (1, 0)
    [(to, subject, text)] = received(inbox, 2)
    assert to == DIRECTOR
    assert subject.startswith("[socmon] ESCALATED CRITICAL")
    # 13:00 UTC is 14:00 in London in October (summer time).
    assert f"Escalated: not acknowledged by {OWNER}, {MANAGER} since 14:00 BST" in text

    # The director was told at 13:31: the next step 30 minutes later, and then the chain ends.
    run_notify(settings, warehouse, T0 + timedelta(minutes=60))
    assert len(inbox.messages) == 3
    run_notify(settings, warehouse, T0 + timedelta(minutes=62))
    [(to, _, text)] = received(inbox, 3)
    assert to == DUTY
    assert f"not acknowledged by {OWNER}, {MANAGER}, {DIRECTOR} since 14:31 BST" in text
    run_notify(settings, warehouse, T0 + timedelta(hours=5))
    assert len(inbox.messages) == 4

    history = [
        (row["event"], row["actor"], json.loads(row["detail"])["step"])
        for row in warehouse.rows("alert_events")
        if row["alert_id"] == alert_id
    ]
    assert sorted(history) == [("escalated", "socmon", 1), ("escalated", "socmon", 2)]
    audited = [row for row in warehouse.rows("audit_log") if row["command"] == "notify:escalated"]
    assert len(audited) == 2 and {row["operator"] for row in audited} == {"socmon"}
    assert all(json.loads(row["accounts"]) == ["uni_main"] for row in audited)


def test_an_alert_acknowledged_in_time_is_not_escalated(
    settings: Settings,
    warehouse: Warehouse,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, _ = smtp
    alert_id = raise_alert(warehouse, "x:2", "critical")
    run_notify(settings, warehouse, T0)

    assert warehouse.review.acknowledge(alert_id, OWNER, T0 + timedelta(minutes=20))
    result = run_notify(settings, warehouse, T0 + timedelta(hours=3))

    assert result.escalated == 0
    assert len(inbox.messages) == 2
    acknowledged = warehouse.review.get(alert_id)
    assert acknowledged is not None and acknowledged.created_at is not None
    assert acknowledged.acknowledged_at is not None  # time to acknowledge, for the analysts


def test_an_acknowledgement_cancels_an_escalation_still_waiting(
    settings: Settings,
    warehouse: Warehouse,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, _ = smtp
    alert_id = raise_alert(warehouse, "x:2", "critical")
    run_notify(settings, warehouse, T0)
    inbox.refuse = True  # the escalation is added, and its email refused: it waits
    assert run_notify(settings, warehouse, T0 + timedelta(minutes=40)).escalated == 1

    warehouse.review.acknowledge(alert_id, DIRECTOR, T0 + timedelta(minutes=45))
    inbox.refuse = False
    run_notify(settings, warehouse, T0 + timedelta(minutes=50))

    assert len(inbox.messages) == 2
    states = {
        row["escalation_step"]: row["status"]
        for row in warehouse.rows("alert_deliveries")
        if row["alert_id"] == alert_id
    }
    assert states == {None: "sent", 1: "cancelled"}


def test_a_high_alert_counts_only_working_hours(
    settings: Settings,
    warehouse: Warehouse,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, _ = smtp
    friday_4pm = datetime(2026, 10, 9, 15, 0, tzinfo=UTC)  # 16:00 in London
    raised = alert("x:3", "high", (OWNER, MANAGER))
    warehouse.alerts.insert(
        alerts_table([raised]), deliveries_table(deliveries(raised, friday_4pm)), "r"
    )
    run_notify(settings, warehouse, friday_4pm)

    # One working hour on Friday, none at the weekend: 4 hours are reached Monday at 12:00.
    assert run_notify(settings, warehouse, friday_4pm + timedelta(days=2)).escalated == 0
    monday = datetime(2026, 10, 12, 10, 59, tzinfo=UTC)  # 11:59 in London
    assert run_notify(settings, warehouse, monday).escalated == 0
    assert run_notify(settings, warehouse, monday + timedelta(minutes=2)).escalated == 1
    assert [to for to, _, _ in received(inbox, 2)] == [DIRECTOR]


# -- operations notices ----------------------------------------------------------------------
def notices(inbox: Inbox, since: int = 0) -> list[tuple[str, str, str]]:
    return [item for item in received(inbox, since) if item[0] == PLATFORM]


def test_a_failed_run_sends_one_notice_and_one_resolved_notice(
    settings: Settings,
    warehouse: Warehouse,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, _ = smtp
    for run in ("run-1", "run-2"):  # two failures in a row are one problem
        warehouse.runs.start(run, "process", {})
        warehouse.runs.fail(run, "KafkaError: the broker at kafka:9092 is unreachable")
        run_notify(settings, warehouse, T0)
    run_notify(settings, warehouse, T0 + timedelta(minutes=5))

    [(_, subject, text)] = notices(inbox)
    assert subject == "[socmon][FAILED RUN] `socmon process` is failing"
    # Told at the first failure; the second is the same problem, not another notice.
    assert "Run run-1 failed: KafkaError: the broker at kafka:9092 is unreachable" in text
    assert "Runs failed in a row: 1." in text and "What to do:" in text

    warehouse.runs.start("run-3", "process", {})
    warehouse.runs.succeed("run-3", {}, [])
    run_notify(settings, warehouse, T0 + timedelta(minutes=10))
    run_notify(settings, warehouse, T0 + timedelta(minutes=15))

    [_, (_, subject, text)] = notices(inbox)
    assert subject == "[socmon][RESOLVED] `socmon process` is failing"
    assert "Run run-1 failed" in text
    [problem] = warehouse.rows("operations_problems")
    assert problem["resolved_at"] is not None


def test_a_data_quality_stop_sends_one_notice_and_one_resolved_notice(
    settings: Settings,
    warehouse: Warehouse,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, _ = smtp
    failure = DqResult(
        "records",
        "few_records_set_aside_for_personal_data_left",
        "text",
        "critical",
        False,
        "0.2",
        12,
        "personal data would be left in stored text",
    )
    warehouse.runs.start("run-1", "process", {})
    warehouse.quality.record("run-1", [failure])
    warehouse.runs.fail("run-1", "DataQualityError: data quality: batch of run run-1 ...")
    run_notify(settings, warehouse, T0)
    run_notify(settings, warehouse, T0 + timedelta(minutes=5))

    [(_, subject, text)] = notices(inbox)
    assert subject.startswith("[socmon][DATA QUALITY]")
    assert "personal data would be left in stored text (12 rows)" in text
    assert "socmon dq report run-1" in text

    warehouse.runs.start("run-2", "process", {})
    warehouse.runs.succeed("run-2", {}, [])
    run_notify(settings, warehouse, T0 + timedelta(minutes=10))
    run_notify(settings, warehouse, T0 + timedelta(minutes=15))
    assert [subject for _, subject, _ in notices(inbox)][1].startswith("[socmon][RESOLVED]")
    assert len(notices(inbox)) == 2


def test_a_crash_then_a_stopped_batch_clear_only_when_a_run_succeeds(
    settings: Settings,
    warehouse: Warehouse,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, _ = smtp
    warehouse.runs.start("run-1", "process", {})
    warehouse.runs.fail("run-1", "KafkaError: the broker is unreachable")
    run_notify(settings, warehouse, T0)
    warehouse.runs.start("run-2", "process", {})
    warehouse.runs.fail("run-2", "DataQualityError: data quality: batch of run run-2 ...")
    run_notify(settings, warehouse, T0 + timedelta(minutes=5))
    assert [subject.split("]")[1] for _, subject, _ in notices(inbox)] == [
        "[FAILED RUN",
        "[DATA QUALITY",
    ]

    warehouse.runs.start("run-3", "process", {})
    warehouse.runs.succeed("run-3", {}, [])
    run_notify(settings, warehouse, T0 + timedelta(minutes=10))
    resolved = [subject for _, subject, _ in notices(inbox, 0)][2:]
    assert sorted(resolved) == [
        "[socmon][RESOLVED] `socmon process` is failing",
        "[socmon][RESOLVED] data quality stopped run run-2: its batch was not committed",
    ]


def test_a_coverage_gap_names_the_account_stream_and_since_when(
    settings: Settings,
    warehouse: Warehouse,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, _ = smtp
    gap = StreamCoverage("uni_students", "comments", "not_covered", 0, None, "Graph API code 190")
    warehouse.connectors.record_coverage("ingest-1", {"uni_students": "facebook"}, [gap])
    warehouse.connectors.record_coverage("ingest-2", {"uni_students": "facebook"}, [gap])
    run_notify(settings, warehouse, T0)
    run_notify(settings, warehouse, T0 + timedelta(minutes=5))

    [(_, subject, text)] = notices(inbox)
    assert subject == (
        "[socmon][COVERAGE GAP] uni_students/comments is not being fetched completely (not_covered)"
    )
    assert "Reason at the latest check: Graph API code 190" in text
    assert "token expired or was revoked" in text
    [first_check] = [
        row["checked_at"] for row in warehouse.rows("coverage") if row["ingest_id"] == "ingest-1"
    ]
    [problem] = warehouse.rows("operations_problems")
    assert problem["opened_at"] == first_check  # since the first failed check, not the latest

    fine = StreamCoverage("uni_students", "comments", "complete", 3, None)
    warehouse.connectors.record_coverage("ingest-3", {"uni_students": "facebook"}, [fine])
    run_notify(settings, warehouse, T0 + timedelta(minutes=10))
    assert [subject for _, subject, _ in notices(inbox)][1].startswith("[socmon][RESOLVED]")


PAGE = SimulatedAccount("uni_page", "facebook", "880000000001", "Uni Page")


@pytest.fixture
def graph() -> Iterator[Simulators]:
    with Simulators([PAGE], seeded=False) as simulators:
        yield simulators


def test_an_expired_token_and_one_about_to_expire_each_send_one_notice_then_resolved(
    make_settings: SettingsFactory,
    warehouse_kind: str,
    smtp: tuple[Inbox, int],  # noqa: F811
    graph: Simulators,
) -> None:
    inbox, port = smtp
    settings = make_settings(
        warehouse_kind,
        accounts=graph.account_settings(),
        connectors=graph.connector_settings(),
        smtp={"host": "127.0.0.1", "port": port, "starttls": False, "retry_base_s": 0},
        operations={"email": PLATFORM},
    )
    now = datetime.now(UTC)
    with open_warehouse(settings.warehouse) as warehouse:
        graph.graph_api.expire(PAGE.token)
        notify(settings, warehouse, now=now)
        notify(settings, warehouse, now=now + timedelta(minutes=5))
        [(_, subject, text)] = notices(inbox)
        assert subject == "[socmon][TOKEN] the page token of uni_page no longer works"
        assert "SOCMON_CONNECTORS__FACEBOOK__PAGE_TOKENS" in text

        graph.graph_api.expired.discard(PAGE.token)  # a new token was set
        notify(settings, warehouse, now=now + timedelta(minutes=10))
        notify(settings, warehouse, now=now + timedelta(minutes=15))
        assert [subject for _, subject, _ in notices(inbox)] == [
            "[socmon][TOKEN] the page token of uni_page no longer works",
            "[socmon][RESOLVED] the page token of uni_page no longer works",
        ]

        graph.graph_api.expire_at(PAGE.token, now + timedelta(days=5))
        notify(settings, warehouse, now=now + timedelta(minutes=20))
        notify(settings, warehouse, now=now + timedelta(minutes=25))
        graph.graph_api.expire_at(PAGE.token, now + timedelta(days=60))  # renewed
        notify(settings, warehouse, now=now + timedelta(minutes=30))
    subjects = [subject for _, subject, _ in notices(inbox)][2:]
    assert len(subjects) == 2
    assert subjects[0].startswith("[socmon][TOKEN] the page token of uni_page expires on ")
    assert subjects[1].startswith("[socmon][RESOLVED] the page token of uni_page expires on ")


def test_without_an_operations_address_problems_are_tracked_and_nobody_is_emailed(
    make_settings: SettingsFactory,
    warehouse_kind: str,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, port = smtp
    settings = make_settings(
        warehouse_kind,
        smtp={"host": "127.0.0.1", "port": port, "starttls": False, "retry_base_s": 0},
    )
    with open_warehouse(settings.warehouse) as warehouse:
        warehouse.runs.start("run-1", "process", {})
        warehouse.runs.fail("run-1", "RuntimeError: boom")
        result = run_notify(settings, warehouse, T0)
        assert result.notices is not None and len(result.notices.opened) == 1
        assert warehouse.count("operations_problems") == 1
        assert warehouse.count("operations_notices") == 0
    assert inbox.messages == []


def test_a_tick_whose_process_step_is_stopped_still_tells_the_platform_team(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    without_email = tuple(name for name in DEFAULT_RECOGNIZERS if name != "email")
    outbox = tmp_path / "outbox"
    settings = make_settings(
        privacy={"recognizers": without_email},  # the gate stops what this filter leaks
        operations={"email": PLATFORM, "outbox_dir": str(outbox)},
        ingest={"replay_files": [str(tmp_path / "leaky.jsonl")]},
    )
    (tmp_path / "leaky.jsonl").write_bytes(b"\n".join(LEAKY) + b"\n")

    with pytest.raises(DataQualityError):
        run_tick(settings)

    [notice] = [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in outbox.glob("*.eml")
    ]
    assert str(notice["Subject"]).startswith("[socmon][DATA QUALITY] data quality stopped run ")
    assert "leaky.person" not in str(notice)


def test_an_uncertain_notice_is_listed_settled_and_resent_under_its_message_id(
    settings: Settings,
    warehouse: Warehouse,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    from pipelines.usecases.uncertain import settle, uncertain_emails
    from pipelines.warehouse import WarehouseError
    from pipelines.warehouse.notices import Notice, notice_id_of

    inbox, _ = smtp
    notice_id = notice_id_of("failed_run", "process", T0, "opened")
    notice = Notice(notice_id, PLATFORM, "`socmon process` is failing", "Run run-1 failed.")
    warehouse.notices.open_problem("failed_run", "process", "failing", {}, T0, notice, T0)
    # A notifier killed between the final dot and the server's answer leaves this behind.
    assert warehouse.notices.begin(notice_id, "<notice-1@socmon.example>", T0)
    warehouse.notices.hand_over(notice_id)
    warehouse.notices.hold(notice_id, "SMTPServerDisconnected: no answer to the final dot")

    [held] = uncertain_emails(warehouse)
    assert (held.kind, held.message_id, held.recipient) == (
        "notice",
        "<notice-1@socmon.example>",
        PLATFORM,
    )
    assert held.about == ("`socmon process` is failing",)
    assert "final dot" in (held.last_error or "")
    # Never resent on its own: the server may have it. (The problem itself clears here: no
    # failed run is in the warehouse; its "resolved" notice is another email.)
    run_notify(settings, warehouse, T0 + timedelta(minutes=5))
    assert held.message_id not in message_ids(inbox)

    with pytest.raises(WarehouseError, match="no uncertain email"):
        settle(warehouse, "<someone-else@socmon.example>", delivered=False)
    assert settle(warehouse, "notice-1@socmon.example", delivered=False) == 1
    assert uncertain_emails(warehouse) == []

    run_notify(settings, warehouse, T0 + timedelta(minutes=10))
    assert message_ids(inbox).count(held.message_id) == 1
    [resent] = [m for m in inbox.messages if m["Message-ID"] == held.message_id]
    assert str(resent["Subject"]) == notice.title
    run_notify(settings, warehouse, T0 + timedelta(minutes=15))
    assert message_ids(inbox).count(held.message_id) == 1


def message_ids(inbox: Inbox) -> list[str]:
    return [str(message["Message-ID"]) for message in inbox.messages]

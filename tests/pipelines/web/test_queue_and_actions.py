"""The queue's filters, counts and bulk actions, and each action on an alert's page."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from pipelines.warehouse.duckdb_connection import duckdb_path
from pipelines.web import create_app
from schemas.alerts import Alert
from schemas.review import AlertDetail
from testing.review_demo import Sample
from tests.pipelines.web.support import (
    ADMIN,
    ALICE,
    MARY,
    PLAN,
    Reviewing,
    review_settings,
    seed,
)
from tests.pipelines.web.test_identity import _csrf, events, status


def shown(reviewing: Reviewing, page: str) -> set[str]:
    """The names of the seeded alerts a page lists."""
    return {name for name, alert in reviewing.alerts.items() if alert.alert_id in page}


@pytest.fixture
def alice(reviewing: Reviewing) -> TestClient:
    return reviewing.signed_in(reviewing.alerts["a_threat"], ALICE)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"a_threat", "a_abuse", "a_misinfo", "a_rude"}),
        ("?severity=critical", {"a_threat"}),
        ("?severity=critical&severity=high", {"a_threat", "a_abuse"}),
        ("?category=misleading", {"a_misinfo"}),
        # every category that fired counts, not only the leading one
        ("?category=offensive", {"a_threat", "a_abuse", "a_rude"}),
        ("?clause=7.16", {"a_misinfo"}),
        ("?clause=9.99&severity=bogus", {"a_threat", "a_abuse", "a_misinfo", "a_rude"}),
        ("?age=24", {"a_threat", "a_abuse", "a_misinfo", "a_rude"}),
        ("?status=confirmed", set()),
        ("?mine=1", set()),
    ],
)
def test_the_queue_filters(
    reviewing: Reviewing, alice: TestClient, query: str, expected: set[str]
) -> None:
    response = alice.get("/" + query)
    assert response.status_code == 200
    assert shown(reviewing, response.text) == expected


def test_the_queue_is_most_severe_first_then_oldest_with_counts(
    reviewing: Reviewing, alice: TestClient
) -> None:
    page = alice.get("/").text
    order = sorted(
        ("a_threat", "a_abuse", "a_misinfo", "a_rude"),
        key=lambda name: page.index(reviewing.alerts[name].alert_id),
    )
    assert order[:2] == ["a_threat", "a_abuse"]  # critical, high, then the two medium ones
    assert "Critical <b>1</b>" in page and "High <b>1</b>" in page and "Medium <b>2</b>" in page
    assert "4 alert(s)" in page


def test_viewing_a_queue_is_audited(reviewing: Reviewing, alice: TestClient) -> None:
    alice.get("/?severity=high")
    with reviewing.warehouse() as warehouse:
        rows = warehouse.connection.query_dicts(
            "SELECT operator, accounts, counts FROM audit_log WHERE command = 'review:queue'"
        )
    assert [row["operator"] for row in rows] == [ALICE]
    assert '"high"' in rows[0]["counts"] and "acct_a" in rows[0]["accounts"]


def bulk(client: TestClient, alerts: list[Alert], action: str, **fields: str) -> str:
    token = _csrf(client.get("/").text)
    response = client.post(
        "/bulk",
        data={
            "csrf": token,
            "alert": [alert.alert_id for alert in alerts],
            "bulk_action": action,
            "next": "/?severity=medium",
            **fields,
        },
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def test_bulk_false_alarm_resolves_the_selected_and_skips_what_is_not_mine(
    reviewing: Reviewing, alice: TestClient
) -> None:
    chosen = [reviewing.alerts[name] for name in ("a_misinfo", "a_rude", "b_hate")]
    back = bulk(alice, chosen, "false_positive", action_taken="none_needed")
    assert back == "/?severity=medium&done=false_positive&n=2&skipped=1"
    assert [status(reviewing, alert.alert_id) for alert in chosen] == [
        "false_positive",
        "false_positive",
        "open",
    ]
    with reviewing.warehouse() as warehouse:
        resolved = warehouse.review.get(chosen[0].alert_id)
        pending = warehouse.connection.query_dicts(
            "SELECT count(*) AS n FROM alert_deliveries WHERE alert_id = ? AND status = 'pending'",
            (chosen[0].alert_id,),
        )
    assert resolved is not None
    assert (resolved.resolved_by, resolved.action_taken) == (ALICE, "none_needed")
    assert pending == [{"n": 0}]
    message = alice.get(back).text
    assert "2 alert(s) marked false alarms. 1 left as they were" in message
    assert shown(reviewing, message) == set()  # resolved alerts leave the waiting queue


def test_bulk_acknowledge_and_duplicate(reviewing: Reviewing, alice: TestClient) -> None:
    threat, abuse, rude = (reviewing.alerts[name] for name in ("a_threat", "a_abuse", "a_rude"))
    bulk(alice, [threat, abuse], "acknowledge")
    assert status(reviewing, threat.alert_id) == "acknowledged"
    bulk(alice, [rude], "duplicate", duplicate_of=abuse.alert_id[:10])
    with reviewing.warehouse() as warehouse:
        duplicate = warehouse.review.get(rude.alert_id)
    assert duplicate is not None
    assert (duplicate.status, duplicate.duplicate_of) == ("duplicate", abuse.alert_id)
    token = _csrf(alice.get("/").text)
    refused = alice.post(
        "/bulk",
        data={
            "csrf": token,
            "alert": [threat.alert_id],
            "bulk_action": "duplicate",
            "duplicate_of": reviewing.alerts["b_hate"].alert_id[:10],  # not hers
        },
    )
    assert refused.status_code == 400 and "None of your alerts" in refused.text


def test_bulk_refuses_an_unknown_action_and_an_empty_selection(
    reviewing: Reviewing, alice: TestClient
) -> None:
    token = _csrf(alice.get("/").text)
    one = reviewing.alerts["a_rude"].alert_id
    assert alice.post("/bulk", data={"csrf": token, "alert": one}).status_code == 400
    assert (
        alice.post("/bulk", data={"csrf": token, "alert": one, "bulk_action": "delete"}).status_code
        == 400
    )
    assert alice.post("/bulk", data={"csrf": token, "bulk_action": "confirmed"}).status_code == 400
    assert status(reviewing, one) == "open"
    # never an address elsewhere after the action
    for elsewhere in ("//evil.example/", "/\\evil.example/", "https://evil.example/"):
        moved = alice.post(
            "/bulk",
            data={"csrf": token, "alert": one, "bulk_action": "confirmed", "next": elsewhere},
        )
        assert moved.headers["location"].startswith("/?done=confirmed"), elsewhere


def act(client: TestClient, alert: Alert, action: str, **fields: str) -> int:
    token = _csrf(client.get(f"/alerts/{alert.alert_id}").text)
    response = client.post(f"/alerts/{alert.alert_id}/{action}", data={"csrf": token, **fields})
    return response.status_code


def escalations(reviewing: Reviewing, alert: Alert) -> list[tuple[str, str]]:
    with reviewing.warehouse() as warehouse:
        detail = warehouse.review.detail(alert.alert_id)
    assert detail is not None
    return [(d.mode, d.status) for d in detail.deliveries if d.due_at > alert_created(detail)]


def alert_created(detail: AlertDetail) -> datetime:
    assert detail.alert.created_at is not None
    return detail.alert.created_at


def test_each_action_is_recorded_under_the_reviewer(
    reviewing: Reviewing, alice: TestClient
) -> None:
    alert = reviewing.alerts["a_abuse"]
    assert act(alice, alert, "acknowledge") == 303
    assert act(alice, alert, "note", action_taken="hidden", note="hid it") == 303
    assert act(alice, alert, "assign", assignee="Colleague@University.example") == 303
    assert act(alice, alert, "escalate", to=MARY, note="please look") == 303
    assert escalations(reviewing, alert) == [("immediate", "pending")]
    assert (
        act(alice, alert, "resolve", verdict="confirmed", action_taken="reported_to_platform")
        == 303
    )
    assert [event for event in events(reviewing, alert.alert_id) if event[0] != "viewed"] == [
        ("acknowledged", ALICE),
        ("action_taken", ALICE),
        ("assigned", ALICE),
        ("escalated", ALICE),
        ("confirmed", ALICE),
    ]
    with reviewing.warehouse() as warehouse:
        detail = warehouse.review.detail(alert.alert_id)
        audited = warehouse.connection.query_dicts(
            "SELECT DISTINCT operator FROM audit_log WHERE command LIKE 'review:%'"
        )
    assert detail is not None
    assert detail.alert.assigned_to == "colleague@university.example"
    assert detail.alert.action_taken == "reported_to_platform"
    assert escalations(reviewing, alert) == [("immediate", "cancelled")]  # the verdict stops it
    assert audited == [{"operator": ALICE}]
    page = alice.get(f"/alerts/{alert.alert_id}").text
    assert "confirmed it" in page and "please look" in page and "Reported to the platform" in page


@pytest.mark.parametrize(
    ("action", "fields", "says"),
    [
        ("resolve", {"verdict": "maybe"}, "Choose a verdict"),
        ("resolve", {"verdict": "confirmed", "action_taken": "shrugged"}, "Unknown action"),
        ("resolve", {"verdict": "duplicate", "duplicate_of": "zz"}, "Which alert"),
        ("note", {}, "Nothing to record"),
        ("assign", {"assignee": "not-an-address"}, "Assign to whom"),
        ("escalate", {"to": "boss@uni.example, nope"}, "Escalate to whom"),
        ("delete", {}, "Not found"),
    ],
)
def test_a_bad_form_changes_nothing_and_says_why(
    reviewing: Reviewing, alice: TestClient, action: str, fields: dict[str, str], says: str
) -> None:
    alert = reviewing.alerts["a_rude"]
    token = _csrf(alice.get(f"/alerts/{alert.alert_id}").text)
    response = alice.post(f"/alerts/{alert.alert_id}/{action}", data={"csrf": token, **fields})
    assert response.status_code in (400, 404) and says in response.text
    assert status(reviewing, alert.alert_id) == "open"
    assert [event for event, _ in events(reviewing, alert.alert_id)] == ["viewed"]


def test_the_page_says_what_why_and_who_in_plain_words(
    reviewing: Reviewing, alice: TestClient
) -> None:
    misinfo = reviewing.alerts["a_misinfo"]
    page = alice.get(f"/alerts/{misinfo.alert_id}?do=false_positive").text
    assert "Possible misinformation" in page and "Misconduct online" in page
    assert "https://fullfact.example/checks/campus-closure-rumour" in page  # the fact check
    assert "it flags from 0.60" in page  # score against threshold, in words
    assert "<details>" in page and "misleading-20261126-a9002c3132" in page  # model ids folded
    assert ALICE in page and MARY in page  # who was told
    assert 'value="false_positive" checked' in page  # the email's button, preselected
    assert " GMT" in page  # times in the university's zone (London in November)


def test_html_and_script_in_a_post_are_shown_as_text(tmp_path: Path) -> None:
    settings = review_settings(tmp_path)
    hostile = Sample(
        '<script>alert("x")</script><img src=x onerror=alert(1)> you <b>idiot</b>',
        (("offensive", 0.95, ()),),
        parent="<a href='javascript:alert(2)'>parent</a>",
    )
    alert = seed(settings, {"hostile": (77, hostile, "acct_a")})["hostile"]
    client = TestClient(create_app(settings), follow_redirects=False)
    link = create_app(settings, check_schema=False).state.review.signer.url(
        alert.alert_id, ALICE, datetime.now(UTC)
    )
    client.get(link.removeprefix(settings.review.base_url))
    for path in (f"/alerts/{alert.alert_id}", "/"):
        page = client.get(path).text
        assert "<script>alert" not in page and "<img src=x" not in page and "<b>idiot" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page or "&lt;script&gt;" in page
    assert (
        "&lt;a href=&#39;javascript:alert(2)&#39;&gt;"
        in client.get(f"/alerts/{alert.alert_id}").text
    )


def test_a_busy_warehouse_gives_a_page_that_says_reload(
    reviewing: Reviewing, alice: TestClient
) -> None:
    path = duckdb_path(reviewing.settings.warehouse.url)
    hold = f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('held', flush=True); "
    with subprocess.Popen(
        [sys.executable, "-c", hold + "time.sleep(60)"], stdout=subprocess.PIPE, text=True
    ) as holder:  # another process holds the file, as the pipeline does while it writes
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
            response = alice.get("/")
            assert response.status_code == 503 and response.headers["retry-after"] == "5"
            assert "Reload in a few seconds" in response.text
        finally:
            holder.kill()
    assert alice.get("/").status_code == 200


def test_the_queue_of_an_unknown_account_is_not_found(reviewing: Reviewing) -> None:
    admin = reviewing.signed_in(reviewing.alerts["a_threat"], ADMIN)
    assert admin.get("/accounts/nope").status_code == 200  # an admin's empty queue
    assert "Nothing here" in admin.get("/accounts/nope").text
    assert len(PLAN) == 6


def test_a_post_deleted_by_its_author_keeps_its_open_critical_alert_marked(
    reviewing: Reviewing, alice: TestClient
) -> None:
    threat = reviewing.alerts["a_threat"]
    with reviewing.warehouse() as warehouse, warehouse.transaction():
        warehouse.alerts.delete_unheld("?", [threat.record_id], datetime.now(UTC))
    page = alice.get(f"/alerts/{threat.alert_id}").text
    assert "Deleted by its author" in page and "I know which building" in page
    assert "deleted by author" in alice.get("/").text
    assert "deleted by author" not in alice.get("/?severity=high").text

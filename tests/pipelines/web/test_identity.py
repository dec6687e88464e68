"""Who the review app thinks you are: signed links, sessions, single sign-on, CSRF, access."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from pipelines.alerts.links import LinkSigner
from pipelines.web import create_app
from pipelines.web.identity import SESSION_COOKIE, Sessions
from tests.pipelines.web.support import (
    ADMIN,
    ALICE,
    BOB,
    LINK_KEY,
    MARK,
    PLAN,
    Reviewing,
    review_settings,
    seed,
)

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def events(reviewing: Reviewing, alert_id: str) -> list[tuple[str, str]]:
    with reviewing.warehouse() as warehouse:
        detail = warehouse.review.detail(alert_id)
    assert detail is not None
    return [(event.event, event.actor) for event in detail.events]


def status(reviewing: Reviewing, alert_id: str) -> str:
    with reviewing.warehouse() as warehouse:
        alert = warehouse.review.get(alert_id)
    assert alert is not None
    return alert.status


# -- sessions and CSRF tokens ---------------------------------------------------------
@pytest.fixture
def sessions() -> Sessions:
    return Sessions(LinkSigner(LINK_KEY.encode(), "http://x", timedelta(hours=1)), hours=12)


def test_a_session_cookie_reads_back_until_it_expires(sessions: Sessions) -> None:
    session = sessions.new("Alice@University.example", "link", NOW).granting("a" * 64)
    cookie = sessions.cookie(session)
    assert sessions.read(cookie, NOW + timedelta(hours=11)) == session
    assert session.reviewer == "alice@university.example"
    assert sessions.read(cookie, NOW + timedelta(hours=12)) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda cookie: cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB"),
        lambda cookie: "x" + cookie,
        lambda cookie: cookie.split(".")[0],
        lambda cookie: "",
    ],
)
def test_a_changed_session_cookie_is_no_session(sessions: Sessions, damage: object) -> None:
    cookie = sessions.cookie(sessions.new(ALICE, "link", NOW))
    assert sessions.read(damage(cookie), NOW) is None  # type: ignore[operator]


def test_a_csrf_token_is_good_for_its_own_session_only(sessions: Sessions) -> None:
    mine, theirs = sessions.new(ALICE, "link", NOW), sessions.new(ALICE, "link", NOW)
    token = sessions.csrf_token(mine)
    assert sessions.csrf_ok(mine, token)
    assert not sessions.csrf_ok(theirs, token)
    assert not sessions.csrf_ok(mine, None)
    assert not sessions.csrf_ok(mine, token + "x")


def test_a_session_remembers_only_the_newest_links(sessions: Sessions) -> None:
    session = sessions.new(ALICE, "link", NOW)
    for number in range(30):
        session = session.granting(f"{number:064x}")
    assert len(session.grants) == 20 and session.grants[-1] == f"{29:064x}"
    assert len(sessions.cookie(session)) < 4000  # fits in a browser's cookie


# -- signed links ------------------------------------------------------------------------
def test_a_signed_link_signs_in_redirects_without_the_token_and_changes_nothing(
    reviewing: Reviewing,
) -> None:
    alert = reviewing.alerts["a_threat"]
    client = reviewing.client()
    opened = client.get(reviewing.link(alert, ALICE, action="acknowledge"))
    assert opened.status_code == 303
    assert opened.headers["location"] == f"/alerts/{alert.alert_id}?do=acknowledge"
    cookie = opened.headers["set-cookie"]
    assert SESSION_COOKIE in cookie and "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    page = client.get(opened.headers["location"])
    assert page.status_code == 200
    assert 'class="suggested" id="acknowledge"' in page.text
    assert status(reviewing, alert.alert_id) == "open"  # the button only suggests
    assert events(reviewing, alert.alert_id) == [("viewed", ALICE)]


@pytest.mark.parametrize(
    ("make_link", "says"),
    [
        (lambda r, a: r.link(a, ALICE)[:-3] + "abc", "not genuine"),
        (lambda r, a: r.link(a, ALICE).replace("?t=", "?t=x"), "not genuine"),
        (lambda r, a: r.link(a, ALICE, NOW - timedelta(days=30)), "expired"),
        (
            lambda r, a: r.link(r.alerts["b_hate"], ALICE).replace(
                r.alerts["b_hate"].alert_id, a.alert_id
            ),
            "not genuine",
        ),
    ],
    ids=["signature", "payload", "expired", "other-alert"],
)
def test_forged_and_expired_links_are_refused_and_record_nothing(
    reviewing: Reviewing, make_link: object, says: str
) -> None:
    alert = reviewing.alerts["a_threat"]
    response = reviewing.client().get(make_link(reviewing, alert))  # type: ignore[operator]
    assert response.status_code == 403
    assert says in response.text
    assert "set-cookie" not in response.headers
    assert events(reviewing, alert.alert_id) == []


def test_without_a_link_or_a_session_every_page_asks_for_the_email(reviewing: Reviewing) -> None:
    client = reviewing.client()
    for path in ("/", "/accounts/acct_a", f"/alerts/{reviewing.alerts['a_threat'].alert_id}"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert "link in your alert email" in response.text


def test_the_single_sign_on_header_is_trusted_when_configured(tmp_path: Path) -> None:
    settings = review_settings(tmp_path, sso_header="X-Remote-User")
    alerts = seed(settings, PLAN)
    client = TestClient(create_app(settings), follow_redirects=False)
    page = client.get("/", headers={"X-Remote-User": ALICE})
    assert page.status_code == 200 and alerts["a_threat"].alert_id in page.text
    assert alerts["b_threat"].alert_id not in page.text
    assert client.get("/", headers={"X-Remote-User": "not an address"}).status_code == 401
    # The proxy signs a new person in: the old cookie does not keep the old one.
    as_bob = client.get("/", headers={"X-Remote-User": BOB})
    assert alerts["b_threat"].alert_id in as_bob.text
    assert alerts["a_threat"].alert_id not in as_bob.text


def test_without_the_header_configured_it_is_ignored(reviewing: Reviewing) -> None:
    response = reviewing.client().get("/", headers={"X-Remote-User": ADMIN})
    assert response.status_code == 401


# -- CSRF ----------------------------------------------------------------------------------
def _csrf(page_text: str) -> str:
    marker = 'name="csrf" value="'
    start = page_text.index(marker) + len(marker)
    return page_text[start : page_text.index('"', start)]


def test_an_action_needs_the_session_csrf_token(reviewing: Reviewing) -> None:
    alert = reviewing.alerts["a_abuse"]
    client = reviewing.signed_in(alert, ALICE)
    page = client.get(f"/alerts/{alert.alert_id}")
    action = f"/alerts/{alert.alert_id}/acknowledge"
    assert client.post(action, data={}).status_code == 403
    other = reviewing.signed_in(alert, ALICE)
    other_token = _csrf(other.get(f"/alerts/{alert.alert_id}").text)
    assert client.post(action, data={"csrf": other_token}).status_code == 403
    assert status(reviewing, alert.alert_id) == "open"
    done = client.post(action, data={"csrf": _csrf(page.text)})
    assert done.status_code == 303 and done.headers["location"] == f"/alerts/{alert.alert_id}"
    assert status(reviewing, alert.alert_id) == "acknowledged"


def test_a_post_without_a_session_is_refused(reviewing: Reviewing) -> None:
    alert = reviewing.alerts["a_abuse"]
    response = reviewing.client().post(f"/alerts/{alert.alert_id}/acknowledge", data={"csrf": "x"})
    assert response.status_code == 401
    assert status(reviewing, alert.alert_id) == "open"


# -- access ----------------------------------------------------------------------------------
def test_a_reviewer_sees_only_the_accounts_they_are_routed_for(reviewing: Reviewing) -> None:
    alice = reviewing.signed_in(reviewing.alerts["a_threat"], ALICE)
    queue = alice.get("/").text
    assert all(reviewing.alerts[name].alert_id in queue for name in PLAN if name.startswith("a_"))
    assert not any(reviewing.alerts[name].alert_id in queue for name in ("b_hate", "b_threat"))
    assert alice.get("/accounts/acct_b").status_code == 404
    hidden = alice.get(f"/alerts/{reviewing.alerts['b_hate'].alert_id}")
    assert hidden.status_code == 404 and "not one you were sent" in hidden.text
    token = _csrf(alice.get("/").text)
    refused = alice.post(
        f"/alerts/{reviewing.alerts['b_hate'].alert_id}/acknowledge", data={"csrf": token}
    )
    assert refused.status_code == 404
    assert status(reviewing, reviewing.alerts["b_hate"].alert_id) == "open"


def test_a_link_opens_that_alert_of_another_account_but_not_its_queue(
    reviewing: Reviewing,
) -> None:
    escalated = reviewing.alerts["b_hate"]
    alice = reviewing.signed_in(escalated, ALICE)  # e.g. sent to her by an escalation
    assert alice.get(f"/alerts/{escalated.alert_id}").status_code == 200
    assert alice.get(f"/alerts/{reviewing.alerts['b_threat'].alert_id}").status_code == 404
    assert alice.get("/accounts/acct_b").status_code == 404


def test_an_alert_assigned_to_someone_is_in_their_queue(reviewing: Reviewing) -> None:
    handed = reviewing.alerts["b_threat"]
    admin = reviewing.signed_in(handed, ADMIN)
    token = _csrf(admin.get(f"/alerts/{handed.alert_id}").text)
    assigned = admin.post(
        f"/alerts/{handed.alert_id}/assign", data={"csrf": token, "assignee": ALICE.upper()}
    )
    assert assigned.status_code == 303
    alice = reviewing.signed_in(reviewing.alerts["a_threat"], ALICE)
    assert handed.alert_id in alice.get("/").text
    assert handed.alert_id in alice.get("/?mine=1").text
    assert reviewing.alerts["a_threat"].alert_id not in alice.get("/?mine=1").text
    assert alice.get(f"/alerts/{handed.alert_id}").status_code == 200


def test_an_admin_sees_every_account(reviewing: Reviewing) -> None:
    admin = reviewing.signed_in(reviewing.alerts["a_threat"], ADMIN)
    queue = admin.get("/").text
    assert all(alert.alert_id in queue for alert in reviewing.alerts.values())
    assert admin.get("/accounts/acct_b").status_code == 200


def test_a_line_manager_sees_the_account_they_manage(reviewing: Reviewing) -> None:
    mark = reviewing.signed_in(reviewing.alerts["b_threat"], MARK)
    assert reviewing.alerts["b_hate"].alert_id in mark.get("/accounts/acct_b").text
    assert mark.get("/accounts/acct_a").status_code == 404

"""The review app in a real browser (Debian's Chromium driven by Playwright), served by
uvicorn on a loopback port over a real DuckDB warehouse seeded by the real alert builder.

What a line manager does from an alert email: open the signed link, acknowledge, mark a
false alarm, assign, resolve several at once; the resolved alert then stays out of the
digest. And what must never work: a forged or expired link, a form without its CSRF
token, script in a post, another account's alerts.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from connectors.broker import free_loopback_port
from pipelines.config import Settings
from pipelines.usecases.notify import notify
from pipelines.warehouse import open_warehouse
from pipelines.web import create_app
from schemas.alerts import Alert
from testing.review_demo import Sample, serving
from tests.pipelines.web.support import (
    ABUSE,
    ALICE,
    BOB,
    HATE,
    LINK_KEY,
    MISINFO,
    RUDE,
    THREAT,
    accounts,
    seed,
)

pytestmark = pytest.mark.integration

HOSTILE = Sample(
    '<script>alert("x")</script><img src=x onerror="alert(1)"> you <b>idiot</b>',
    (("offensive", 0.95, ()),),
    parent="<iframe src=javascript:alert(2)></iframe>",
)


@dataclass
class Served:
    settings: Settings
    base: str
    alerts: dict[str, Alert]

    def link(self, name: str, recipient: str, moment: datetime | None = None, **extra: str) -> str:
        signer = create_app(self.settings, check_schema=False).state.review.signer
        url = signer.url(
            self.alerts[name].alert_id, recipient, moment or datetime.now(UTC), **extra
        )
        return str(url).replace(self.settings.review.base_url, self.base)

    def alert(self, name: str) -> Alert:
        with open_warehouse(self.settings.warehouse) as warehouse:
            found = warehouse.review.get(self.alerts[name].alert_id)
        assert found is not None
        return found


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    port = free_loopback_port()
    settings = Settings(
        accounts=accounts(),
        warehouse={"url": f"duckdb:///{tmp_path / 'review.duckdb'}", "lock_wait_s": 5},
        review={"link_key": LINK_KEY, "base_url": f"http://127.0.0.1:{port}"},
        operations={"outbox_dir": str(tmp_path / "outbox")},
    )
    alerts = seed(
        settings,
        {
            "a_threat": (1, THREAT, "acct_a"),
            "a_abuse": (2, ABUSE, "acct_a"),
            "a_misinfo": (3, MISINFO, "acct_a"),
            "a_rude": (4, RUDE, "acct_a"),
            "a_hostile": (5, HOSTILE, "acct_a"),
            "b_hate": (6, HATE, "acct_b"),
        },
    )
    with serving(create_app(settings), port) as base:
        yield Served(settings, base, alerts)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def test_open_a_link_acknowledge_then_mark_a_false_alarm(served: Served, page: Page) -> None:
    page.goto(served.link("a_abuse", ALICE, action="acknowledge"))
    assert "t=" not in page.url and page.url.endswith("?do=acknowledge")
    expect(page.locator(".banner")).to_contain_text("High: act today")
    assert served.alert("a_abuse").status == "open"  # opening the link changed nothing
    page.locator("#acknowledge button").click()
    expect(page.locator(".banner .status")).to_contain_text(f"Acknowledged by {ALICE}")
    page.locator("#resolve input[value=false_positive]").check()
    page.locator("#resolve select[name=action_taken]").select_option("none_needed")
    page.locator("#resolve textarea[name=note]").fill("banter between students")
    page.locator("#resolve button").click()
    expect(page.locator(".banner .status")).to_contain_text(f"False alarm by {ALICE}")
    expect(page.locator(".history")).to_contain_text("banter between students")
    resolved = served.alert("a_abuse")
    assert (resolved.status, resolved.resolved_by, resolved.action_taken) == (
        "false_positive",
        ALICE,
        "none_needed",
    )


def test_assign_then_resolve_several_from_the_queue(served: Served, page: Page) -> None:
    page.goto(served.link("a_threat", ALICE))
    page.locator("#assign input[name=assignee]").fill("security@university.example")
    page.locator("#assign button").click()
    expect(page.locator(".actions")).to_contain_text("Assigned to security@university.example")
    assert served.alert("a_threat").assigned_to == "security@university.example"

    page.goto(served.base + "/?severity=medium")
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(2)  # the misinformation and the rude comment
    page.locator("#select-all").check()  # the page's one script ticks every row
    expect(page.locator('input[name="alert"]:checked')).to_have_count(2)
    page.locator("select[name=bulk_action]").select_option("confirmed")
    page.locator(".bulk select[name=action_taken]").select_option("hidden")
    page.locator(".bulk button").click()
    expect(page.locator(".done")).to_contain_text("2 alert(s) confirmed")
    expect(page.locator("table.queue")).to_contain_text("Nothing here")
    for name in ("a_misinfo", "a_rude"):
        assert (served.alert(name).status, served.alert(name).action_taken) == (
            "confirmed",
            "hidden",
        )
    assert served.alert("a_threat").status == "open"


def text_of(message: EmailMessage) -> str:
    return "\n".join(
        str(part.get_content()) for part in message.walk() if part.get_content_maintype() == "text"
    )


def test_a_resolved_alert_is_not_in_the_next_digest(served: Served, page: Page) -> None:
    page.goto(served.link("a_misinfo", ALICE, action="false_positive"))
    expect(page.locator("#resolve input[value=false_positive]")).to_be_checked()
    page.locator("#resolve button").click()
    expect(page.locator(".banner .status")).to_contain_text("False alarm")

    result = notify(served.settings, now=datetime.now(UTC) + timedelta(days=2))
    outbox = served.settings.operations.outbox_dir
    emails = [
        message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(Path(outbox).glob("*.eml"))
    ]
    assert result.errors == [] and emails
    texts = [text_of(email) for email in emails if isinstance(email, EmailMessage)]
    everything = "\n".join(texts)
    assert "campus is closing" not in everything.lower()  # the false alarm: never sent
    assert "decision, typical of this place" in everything  # the other medium alert: sent
    with open_warehouse(served.settings.warehouse) as warehouse:
        detail = warehouse.review.detail(served.alerts["a_misinfo"].alert_id)
    assert detail is not None and {d.status for d in detail.deliveries} == {"cancelled"}

    # The digest's link opens the other alert in the app, for the email's recipient.
    rude = served.alerts["a_rude"].alert_id
    links = re.findall(rf'href="({re.escape(served.base)}/alerts/{rude}\?t=[^"]+)"', everything)
    assert links, "the digest carries no link to the app"
    page.context.clear_cookies()
    page.goto(html.unescape(links[0]))
    expect(page.locator("blockquote.excerpt")).to_contain_text("typical of this place")


def test_forged_and_expired_links_and_a_form_without_its_token_are_refused(
    served: Served, page: Page
) -> None:
    genuine = served.link("a_rude", ALICE)
    forged = genuine[:-4] + ("AAAA" if not genuine.endswith("AAAA") else "BBBB")
    response = page.goto(forged)
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("This link is not genuine")
    response = page.goto(served.link("a_rude", ALICE, datetime.now(UTC) - timedelta(days=30)))
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("This link has expired")
    assert page.context.cookies() == []  # neither signed anyone in

    page.goto(genuine)
    page.locator('#acknowledge input[name="csrf"]').evaluate("field => field.remove()")
    with page.expect_response(lambda response: "/acknowledge" in response.url) as answer:
        page.locator("#acknowledge button").click()
    assert answer.value.status == 403
    expect(page.locator("h1")).to_have_text("This form has expired")
    assert served.alert("a_rude").status == "open"


def test_html_and_script_in_a_post_are_shown_as_text(served: Served, page: Page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(served.link("a_hostile", ALICE))
    expect(page.locator("blockquote.excerpt")).to_contain_text('<script>alert("x")</script>')
    expect(page.locator("blockquote.context")).to_contain_text("<iframe src=javascript:alert(2)>")
    assert page.locator("blockquote.excerpt b, blockquote.excerpt img, iframe").count() == 0
    page.goto(served.base + "/")
    expect(page.locator("table.queue")).to_contain_text("<script>")
    assert dialogs == []


def test_someone_routed_for_one_account_cannot_see_another_accounts_alerts(
    served: Served, page: Page
) -> None:
    page.goto(served.link("a_threat", ALICE))
    page.goto(served.base + "/")
    expect(page.locator("table.queue")).not_to_contain_text("send them all back")
    expect(page.locator("header nav")).not_to_contain_text("UniB")
    response = page.goto(f"{served.base}/alerts/{served.alerts['b_hate'].alert_id}")
    assert response is not None and response.status == 404
    response = page.goto(f"{served.base}/accounts/acct_b")
    assert response is not None and response.status == 404
    # Bob, routed for B, does see it.
    page.context.clear_cookies()
    page.goto(served.link("b_hate", BOB))
    expect(page.locator("blockquote.excerpt")).to_contain_text("send them all back")

"""What a person reads in an alert email: the banner, one sentence, local times, the clauses
with dated actions, signed buttons for that recipient, who else was told, the fact check,
the digest's table; the plain-text part carrying the same facts and links as the HTML."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from pipelines.alerts.emails import EmailContext, compose
from pipelines.alerts.links import LinkSigner
from pipelines.alerts.rules import load_rules
from pipelines.alerts.wording import TIMES
from schemas.alerts import Alert, Delivery, DueDelivery, alert_id_of, delivery_id_of

OWNER = "owner@university.example"
MANAGER = "head@university.example"
RESEARCH_OWNER = "research@university.example"
FALLBACK = "comms@university.example"
FOUND = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)  # a Friday, GMT
SIGNER = LinkSigner(b"k" * 40, "https://review.university.example", timedelta(days=7))
POLICY = load_rules().policy
CONTEXT = EmailContext(
    sender="socmon@university.example",
    policy=POLICY,
    handles={"uni_main": "UniOfficial", "uni_research": "UniResearch"},
    zone=ZoneInfo("Europe/London"),
    owners={"uni_main": OWNER, "uni_research": RESEARCH_OWNER},
    managers={"uni_main": MANAGER, "uni_research": MANAGER},
    signer=SIGNER,
)
UNSIGNED = EmailContext(CONTEXT.sender, POLICY, CONTEXT.handles, owners=CONTEXT.owners)
THREAT_ACTION = "Do not reply. Report the post to the platform and to the police."
CLAIM_ACTION = "Check the claim against the fact-check link in this alert; post a correction."
DPO_ACTION = "Tell the Data Protection Officer (a breach must be assessed within 72 hours)."


def finding(
    category: str, clause: str, severity: str, action: str, **detection: Any
) -> dict[str, Any]:
    return {
        "rule_id": f"{category}-rule",
        "category": category,
        "clause": clause,
        "severity": severity,
        "score": 0.9,
        "action": action,
        "detection": {"score": 0.9, "threshold": 0.5, "detector_version": "v-test", **detection},
    }


THREAT = finding("threat", "7.17", "critical", THREAT_ACTION)


def alert(
    number: int = 1,
    findings: Sequence[dict[str, Any]] = (THREAT,),
    *,
    excerpt: str = "I know where you live",
    kind: str = "reply",
    official: bool = False,
    account: str = "uni_main",
    recipients: tuple[str, ...] = (OWNER, MANAGER),
    found: datetime = FOUND,
    posted: datetime | None = None,
    context: str | None = None,
) -> Alert:
    """An alert as the rules build it: the most severe finding leads, every one is listed."""
    lead = findings[0]
    evidence: dict[str, Any] = {
        "excerpt": excerpt,
        "kind": kind,
        "by_official_account": official,
        "posted_at": (posted or found - timedelta(minutes=5)).isoformat(),
        "rule": {"id": lead["rule_id"]},
        "detection": lead["detection"],
        "findings": list(findings),
    }
    if context:
        evidence["context"] = context
    return Alert(
        alert_id=alert_id_of(f"x:{number}"),
        record_id=f"x:{number}",
        account=account,
        rule_id=lead["rule_id"],
        rule_version="rules-v1",
        category=lead["category"],
        policy_clause=lead["clause"],
        severity=lead["severity"],
        score=0.9,
        evidence=evidence,
        recommended_action=lead["action"],
        recipients=recipients,
        conversation_id=f"x:thread-{number}",
        url=f"https://x.com/i/web/status/{number}",
        created_at=found,
        categories=tuple(dict.fromkeys(f["category"] for f in findings)),
        policy_clauses=tuple(dict.fromkeys(f["clause"] for f in findings)),
    )


def due(made: Alert, recipient: str = OWNER, mode: str = "immediate") -> DueDelivery:
    delivery = Delivery(
        delivery_id_of(made.alert_id, recipient),
        made.alert_id,
        recipient,
        "digest" if mode == "digest" else "immediate",
        FOUND,
    )
    return DueDelivery(delivery, made)


def email_of(
    made: Alert | Sequence[Alert],
    recipient: str = OWNER,
    context: EmailContext = CONTEXT,
    digest: bool = False,
) -> EmailMessage:
    alerts = [made] if isinstance(made, Alert) else list(made)
    mode = "digest" if digest else "immediate"
    return compose([due(a, recipient, mode) for a in alerts], digest, context, FOUND)


class Page(HTMLParser):
    """An HTML part as a reader sees it: visible text, link targets, tags used."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []  # (href, link text)
        self.tags: set[str] = set()
        self._href: str | None = None
        self._in_title = False
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self._in_title = tag == "title"
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self.links.append((self._href, ""))

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False
        self._href = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            return
        self.text.append(data)
        if self._href is not None:
            href, label = self.links[-1]
            self.links[-1] = (href, label + data)

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


def parts(message: EmailMessage) -> tuple[str, Page]:
    plain = message.get_body(("plain",))
    markup = message.get_body(("html",))
    assert plain is not None and markup is not None
    return plain.get_content(), Page(markup.get_content())


def urls_in(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


def flat(text: str) -> str:
    return " ".join(text.split())


# -- what is seen first ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "category", "word", "colour"),
    [
        ("critical", "threat", "CRITICAL", "#b3261e"),
        ("high", "offensive", "HIGH", "#c2410c"),
        ("medium", "misleading", "MEDIUM", "#fcd34d"),
        ("low", "policy", "LOW", "#cbd5e1"),
    ],
)
def test_the_banner_shows_the_severity_in_colour_and_word_before_anything_else(
    severity: str, category: str, word: str, colour: str
) -> None:
    message = email_of(alert(findings=[finding(category, "7.17", severity, "Review it.")]))
    plain, page = parts(message)
    markup = message.get_body(("html",))
    assert markup is not None

    assert plain.splitlines()[0].startswith(word)
    assert page.visible.startswith(word)
    body = markup.get_content().split("<body", 1)[1]
    assert body.index(f"background:{colour}") < body.index(word) < body.index("flagged")


@pytest.mark.parametrize(
    ("made", "sentence"),
    [
        (alert(), "A reply to @UniOfficial was flagged as a threat (critical)."),
        (
            alert(kind="comment", findings=[finding("offensive", "7.17", "high", "Hide it.")]),
            "A comment on @UniOfficial was flagged as offensive (high).",
        ),
        (
            alert(kind="mention", account="uni_research"),
            "A post mentioning @UniResearch was flagged as a threat (critical).",
        ),
        (
            alert(
                kind="post",
                official=True,
                findings=[finding("personal_data", "7.13", "high", DPO_ACTION)],
            ),
            "A post by @UniOfficial was flagged for personal data (high).",
        ),
        (
            alert(findings=[THREAT, finding("hate", "7.17", "high", "Report it as hate.")]),
            "A reply to @UniOfficial was flagged as a threat (critical); also hateful content.",
        ),
    ],
)
def test_what_happened_is_one_sentence_in_both_parts(made: Alert, sentence: str) -> None:
    plain, page = parts(email_of(made))
    assert sentence in plain
    assert sentence in page.visible


@pytest.mark.parametrize(
    ("found", "zone", "posted_line", "found_line"),
    [
        (FOUND, "Europe/London", "Posted: Fri 27 Nov 13:55 GMT", "Found: Fri 27 Nov 14:00 GMT"),
        (
            datetime(2026, 7, 3, 14, 0, tzinfo=UTC),
            "Europe/London",
            "Posted: Fri 3 Jul 14:55 BST",
            "Found: Fri 3 Jul 15:00 BST",
        ),
        (FOUND, "America/New_York", "Posted: Fri 27 Nov 08:55 EST", "Found: Fri 27 Nov 09:00 EST"),
        (
            datetime(2025, 12, 31, 23, 58, tzinfo=UTC),  # already the next day (and year) there
            "Asia/Tokyo",
            "Posted: Thu 1 Jan 08:53 JST",
            "Found: Thu 1 Jan 08:58 JST",
        ),
        (
            datetime(2025, 11, 27, 14, 0, tzinfo=UTC),  # not this year: the year is shown
            "Europe/London",
            "Posted: Thu 27 Nov 2025 13:55 GMT",
            "Found: Thu 27 Nov 2025 14:00 GMT",
        ),
    ],
)
def test_posted_and_found_are_shown_in_the_configured_zone_with_its_abbreviation(
    found: datetime, zone: str, posted_line: str, found_line: str
) -> None:
    context = EmailContext(CONTEXT.sender, POLICY, CONTEXT.handles, zone=ZoneInfo(zone))
    plain, page = parts(email_of(alert(found=found), context=context))

    for line in (posted_line, found_line):
        assert line in flat(plain)
        assert line in page.visible


@pytest.mark.parametrize(
    ("found", "deadline"),
    [
        (FOUND, "within 72 hours, by Mon 30 Nov 14:00 GMT"),
        # Found in summer time, due after the clocks go back: the same instant, now in GMT.
        (datetime(2026, 10, 23, 12, 0, tzinfo=UTC), "within 72 hours, by Mon 26 Oct 12:00 GMT"),
    ],
)
def test_an_action_within_n_hours_gets_its_date(found: datetime, deadline: str) -> None:
    made = alert(
        kind="post",
        official=True,
        findings=[finding("personal_data", "7.13", "high", DPO_ACTION)],
        found=found,
    )
    plain, page = parts(email_of(made))
    assert deadline in plain
    assert deadline in page.visible


def test_every_clause_that_fired_is_shown_with_its_title_and_what_to_do() -> None:
    made = alert(findings=[THREAT, finding("misleading", "7.16", "medium", CLAIM_ACTION)])
    plain, page = parts(email_of(made))

    for text in (plain, page.visible):
        flowing = flat(text)
        assert "Policy 7.17 (Offensive or threatening content received)" in flowing
        assert "Policy 7.16 (Misconduct online)" in flowing
        assert f"What to do: {THREAT_ACTION}" in flowing
        assert flowing.index("Policy 7.17") < flowing.index("Policy 7.16")  # most severe first


# -- links: signed for the recipient, or none ----------------------------------------------


@pytest.mark.parametrize("recipient", [OWNER, MANAGER])
def test_the_buttons_are_signed_links_that_open_the_alert_as_this_recipient(
    recipient: str,
) -> None:
    made = alert()
    plain, page = parts(email_of(made, recipient))

    buttons = {label: href for href, label in page.links if href.startswith(SIGNER.base_url)}
    assert set(buttons) == {"Open alert", "Acknowledge", "False alarm"}
    for label, action in [
        ("Open alert", None),
        ("Acknowledge", "acknowledge"),
        ("False alarm", "false_positive"),
    ]:
        address = urlsplit(buttons[label])
        query = parse_qs(address.query)
        assert address.path == f"/alerts/{made.alert_id}"
        claim = SIGNER.verify(query["t"][0], made.alert_id, FOUND + timedelta(days=1))
        assert claim.recipient == recipient
        assert query.get("do") == ([action] if action else None)
        assert f"{label}: {buttons[label]}" in plain


def test_a_link_from_one_copy_does_not_open_another_alert() -> None:
    _, page = parts(email_of(alert(1)))
    href = next(href for href, label in page.links if label == "Open alert")
    token = parse_qs(urlsplit(href).query)["t"][0]
    with pytest.raises(Exception, match="another alert"):
        SIGNER.verify(token, alert(2).alert_id, FOUND)


@pytest.mark.parametrize("digest", [False, True])
def test_without_a_link_key_there_are_no_buttons_and_the_email_says_how_to_review(
    digest: bool,
) -> None:
    plain, page = parts(email_of(alert(), context=UNSIGNED, digest=digest))

    assert not [href for href, _ in page.links if "/alerts/" in href]
    assert not [url for url in urls_in(plain) if "/alerts/" in url]
    assert "Acknowledge" not in plain and "Acknowledge" not in page.visible
    assert "socmon serve" in plain and "socmon serve" in page.visible


# -- who was told, and one subject for the incident -----------------------------------------


@pytest.mark.parametrize(
    ("made", "to", "cc"),
    [
        (alert(), OWNER, MANAGER),
        (alert(recipients=(FALLBACK,)), FALLBACK, None),  # an account no longer configured
        (
            alert(recipients=(RESEARCH_OWNER, MANAGER, OWNER)),  # a post on two accounts
            f"{RESEARCH_OWNER}, {OWNER}",
            MANAGER,
        ),
    ],
)
def test_every_copy_shows_the_whole_incident_with_one_subject(
    made: Alert, to: str, cc: str | None
) -> None:
    copies = [email_of(made, recipient) for recipient in made.recipients]

    assert {(str(c["To"]), c["Cc"] and str(c["Cc"])) for c in copies} == {(to, cc)}
    assert len({str(copy["Subject"]) for copy in copies}) == 1
    assert len({str(copy["Message-ID"]) for copy in copies}) == len(copies)  # one per delivery
    for copy in copies:
        plain, page = parts(copy)
        for address in made.recipients:
            assert address in plain and address in page.visible


@pytest.mark.parametrize(
    ("alerts", "subject"),
    [
        ([alert()], "[socmon] CRITICAL threat on @UniOfficial (policy 7.17)"),
        (
            [alert(findings=[THREAT, finding("personal_data", "7.13", "high", DPO_ACTION)])],
            "[socmon] CRITICAL threat, personal data on @UniOfficial (policies 7.17, 7.13)",
        ),
        (
            [
                alert(1, [finding("offensive", "7.17", "high", "Hide it.")]),
                alert(2, [THREAT], found=FOUND + timedelta(minutes=3)),
            ],
            "[socmon] CRITICAL threat on @UniOfficial: 2 alerts in one thread (policy 7.17)",
        ),
    ],
)
def test_the_subject_names_severity_category_account_and_clauses(
    alerts: list[Alert], subject: str
) -> None:
    assert str(email_of(alerts, OWNER)["Subject"]) == subject
    assert str(email_of(alerts[::-1], MANAGER)["Subject"]) == subject
    received = email.message_from_bytes(bytes(email_of(alerts)), policy=email.policy.default)
    assert str(received["Subject"]) == subject  # as a mail client reads it: not folded apart


# -- the fact check -------------------------------------------------------------------------

CLAIM = {"id": "exams-cancelled", "fact_check": "https://www.university.example/news/exams"}


@pytest.mark.parametrize("digest", [False, True])
@pytest.mark.parametrize("matched", [True, False])
def test_the_fact_check_link_is_shown_when_a_claim_matched_and_never_promised_otherwise(
    matched: bool, digest: bool
) -> None:
    claim = {"matched_claim": CLAIM} if matched else {}
    made = alert(findings=[finding("misleading", "7.16", "medium", CLAIM_ACTION, **claim)])
    plain, page = parts(email_of(made, digest=digest))

    shown = CLAIM["fact_check"] in urls_in(plain)
    linked = CLAIM["fact_check"] in [href for href, _ in page.links]
    assert shown is linked is matched
    if not digest:  # a digest line carries no actions
        for text in (plain, page.visible):
            assert ("fact-check link in this alert" in text) is matched


# -- safety: escaping, ids, jargon at the bottom --------------------------------------------

HOSTILE = "<script>alert('x')</script> <b>bold</b> <a href='https://evil.example'>click</a>"


def test_html_in_a_post_is_shown_as_text_never_as_markup() -> None:
    made = alert(excerpt=HOSTILE, context="<img src=x onerror=alert(1)>")
    message = email_of(made)
    plain, page = parts(message)
    markup = message.get_body(("html",))
    assert markup is not None

    assert {"script", "b", "img"}.isdisjoint(page.tags)
    assert "https://evil.example" not in [href for href, _ in page.links]
    assert flat(HOSTILE) in page.visible  # shown, as the characters it is
    assert "&lt;script&gt;" in markup.get_content()
    assert HOSTILE in plain


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,hi"])
def test_only_web_addresses_become_links(url: str) -> None:
    made = alert()
    object.__setattr__(made, "url", url)
    _, page = parts(email_of(made))
    assert all(href.startswith("https://") for href, _ in page.links)


@pytest.mark.parametrize("digest", [False, True])
def test_a_full_alert_id_appears_only_in_the_footer_line(digest: bool) -> None:
    plain, page = parts(email_of([alert(1), alert(2)], digest=digest))
    for text in (plain, page.visible):
        without_links = re.sub(r"https?://\S+", "", text)
        found = re.findall(r"[^\n]*\b[0-9a-f]{64}\b[^\n]*", without_links)
        assert found and all("Alert id(s):" in line for line in found)
        assert without_links.count("Alert id(s):") == 1


def test_scores_and_versions_come_after_everything_a_person_acts_on() -> None:
    plain, page = parts(email_of(alert()))
    for text in (flat(plain), page.visible):
        details = text.index("Details for the record")
        assert "score 0.9 (flags from 0.5)" in text[details:]
        assert "score" not in text[:details] and "v-test" not in text[:details]
        assert text.index("Told:") < details


# -- digests ---------------------------------------------------------------------------------


def digest_lines(plain: str) -> list[str]:
    return [line for line in plain.splitlines() if line.startswith("- ")]


def test_a_digest_is_one_line_per_alert_with_identical_excerpts_collapsed() -> None:
    spam = [
        alert(n, [finding("offensive", "7.17", "medium", "Hide it.")], excerpt="same words")
        for n in range(1, 5)
    ]
    other = alert(9, [finding("misleading", "7.16", "medium", CLAIM_ACTION)], excerpt="x" * 150)
    message = email_of([*spam, other], digest=True)
    plain, page = parts(message)

    lines = digest_lines(plain)
    assert len(lines) == 2
    assert f'"same words" {TIMES}4' in lines[0]
    assert f"{TIMES}4" in page.visible and page.visible.count("same words") == 1
    assert f'"{"x" * 99}…"' in lines[1]  # at most 100 characters of the excerpt
    assert "x" * 100 not in page.visible
    opens = [href for href, label in page.links if label == "Open"]
    assert len(opens) == 2 and [url for url in urls_in(plain) if "/alerts/" in url] == opens
    assert str(message["X-Socmon-Alerts"]).count(",") == 4  # every alert is still carried
    assert (str(message["To"]), message["Cc"]) == (OWNER, None)


@pytest.mark.parametrize(
    ("excerpts", "rows"),
    [
        (["a", "a", "a"], [f"{TIMES}3"]),
        (["a", "b", "a"], [f"{TIMES}2", ""]),
        (["a", "  a "], [f"{TIMES}2"]),  # spacing differences do not make another line
        (["a", "b", "c"], ["", "", ""]),
    ],
)
def test_digest_collapsing(excerpts: list[str], rows: list[str]) -> None:
    alerts = [
        alert(
            n,
            [finding("offensive", "7.17", "medium", "Hide it.")],
            excerpt=text,
            found=FOUND + timedelta(minutes=n),  # a digest lists alerts of a severity by time
        )
        for n, text in enumerate(excerpts, start=1)
    ]
    plain, _ = parts(email_of(alerts, digest=True))
    counts = [re.search(rf"{TIMES}\d+", line) for line in digest_lines(plain)]
    assert [match.group(0) if match else "" for match in counts] == rows


# -- both parts say the same ----------------------------------------------------------------


@pytest.mark.parametrize("digest", [False, True])
def test_the_text_part_carries_the_same_links_and_facts_as_the_html(digest: bool) -> None:
    made = [
        alert(
            1,
            [THREAT, finding("misleading", "7.16", "medium", CLAIM_ACTION, matched_claim=CLAIM)],
            context="Open day on Saturday",
        ),
        alert(2, [finding("offensive", "7.17", "high", "Hide it.")], excerpt="second one"),
    ]
    plain, page = parts(email_of(made, MANAGER, digest=digest))

    assert sorted(urls_in(plain)) == sorted(href for href, _ in page.links)
    # Compared without white space: the HTML parts are separate elements, not lines.
    visible = re.sub(r"\s+", "", page.visible.replace("“", '"').replace("”", '"'))
    for line in plain.splitlines():
        facts = [fact.strip() for fact in re.split(r"https?://\S+|\|", line)]
        for fact in facts:
            fact = fact.removeprefix("- ").strip(" :")
            if fact.strip("-="):  # not a rule under a heading
                assert re.sub(r"\s+", "", fact) in visible, fact

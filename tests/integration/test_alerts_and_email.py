"""Alerts end to end: rules on real detections, emails to a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import dataclasses
import email
import json
import re
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from connectors.broker import free_loopback_port
from pipelines.config import ConfigError, Settings
from pipelines.usecases.notify import notify
from pipelines.usecases.process import process
from schemas.records import Author, Record
from testing.failpoints import FAILPOINT_EXIT_CODE
from testing.synthetic import generate_records, record_line
from tests.integration.helpers import count, query, read_topic, replay, run_cli
from tests.support import SettingsFactory, write_dataset

pytestmark = pytest.mark.integration

BASE = next(generate_records(1, seed=41))
# A name the name-list recognizer knows: held-out names are caught 88 % of the time (README).
PERSONAL = ("Margaret Thompson", "maggie.t@example.com", "07700 900461")
REVIEWER = "head-of-comms@university.example"


def comment(number: int, text: str, minutes: int = 0, conversation: str = "x:1") -> Record:
    return dataclasses.replace(
        BASE,
        id=f"x:{7_200_000 + number}",
        native_id=str(7_200_000 + number),
        kind="reply",
        account="uni_main",
        accounts=("uni_main",),
        conversation_id=conversation,
        parent_id=None,
        author=Author(id=f"66{number}", handle=f"member{number}", is_official=False),
        text=text,
        url=None,
        created_at=BASE.created_at + timedelta(minutes=minutes),
        observed_at=BASE.observed_at + timedelta(minutes=minutes),
    )


HOSTILE = [
    comment(
        1,
        f"{PERSONAL[0]} is a f*cking idiot, mail {PERSONAL[1]} or call {PERSONAL[2]}",
        conversation="x:11",
    ),
    comment(2, "I know where you live, watch your back", conversation="x:12"),
    comment(
        3,
        "apparently all the exams are cancelled this year and everyone passes",
        conversation="x:13",
    ),
    comment(4, "Loved the open day, the student guides were brilliant", conversation="x:14"),
]


class Inbox:
    """What the SMTP server accepted, and a switch to refuse everything."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[list[str]] = []  # the recipients each message was sent to
        self.refuse = False
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.refuse:
            return "451 4.3.0 try again later"
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
            self.envelopes.append(list(envelope.rcpt_tos))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_loopback_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def settings_with_smtp(make_settings: SettingsFactory, port: int, **alerts: Any) -> Settings:
    return make_settings(
        smtp={"host": "127.0.0.1", "port": port, "starttls": False, "retry_base_s": 0},
        alerts=alerts,
    )


def processed(settings: Settings, tmp_path: Path, records: list[Record]) -> None:
    replay(settings, [record_line(record) for record in records], tmp_path / "in.jsonl")
    process(settings)


def hostile_alerts_by_smtp(
    make_settings: SettingsFactory, smtp: tuple[Inbox, int], tmp_path: Path, **alerts: Any
) -> tuple[Inbox, Settings]:
    """The SMTP server's inbox, and settings sending there once HOSTILE has been processed."""
    inbox, port = smtp
    settings = settings_with_smtp(make_settings, port, **alerts)
    processed(settings, tmp_path, HOSTILE)
    return inbox, settings


@pytest.fixture
def hostile(make_settings: SettingsFactory, tmp_path: Path) -> Settings:
    """Settings of a warehouse holding the alerts HOSTILE raised (emails as files)."""
    settings = make_settings()
    processed(settings, tmp_path, HOSTILE)
    return settings


def assert_each_email_once(inbox: Inbox, expected: int) -> None:
    """``expected`` emails arrived, no two with the same Message-ID."""
    ids = [str(message["Message-ID"]) for message in inbox.messages]
    assert len(ids) == len(set(ids)) == expected, ids


def alert_ids_by_rule(settings: Settings) -> dict[str, str]:
    rows = query(settings, "SELECT rule_id, alert_id FROM alerts")
    return {row["rule_id"]: row["alert_id"] for row in rows}


def resolve(
    settings: Settings, alert_id: str, verdict: str, *options: str
) -> subprocess.CompletedProcess[str]:
    """`socmon alerts resolve` with the short form of the alert id a reviewer would type."""
    return run_cli(
        settings,
        "alerts",
        "resolve",
        alert_id[:12],
        "--as",
        verdict,
        "--reviewer",
        REVIEWER,
        *options,
    )


def text_of(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    markup = message.get_body(("html",))
    assert plain is not None and markup is not None  # both parts are there
    return plain.get_content(), markup.get_content()


def test_immediate_and_digest_emails_reach_the_right_people(
    make_settings: SettingsFactory, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, settings = hostile_alerts_by_smtp(make_settings, smtp, tmp_path)

    first = notify(settings)

    subjects = sorted({str(m["Subject"]) for m in inbox.messages})
    assert subjects == [
        "[socmon] CRITICAL threat, offensive content on @UniOfficial (policy 7.17)",
        "[socmon] HIGH offensive content on @UniOfficial (policy 7.17)",
    ]  # one subject per incident: the owner's and the line manager's copies share it
    account = settings.account("uni_main")
    # Each copy shows the whole incident (To the owner, Cc the line manager) and went to
    # its own recipient alone.
    assert {(str(m["To"]), str(m["Cc"])) for m in inbox.messages} == {
        (account.owner_email, account.line_manager_email)
    }
    assert sorted(inbox.envelopes) == sorted(
        [[account.owner_email], [account.line_manager_email]] * 2
    )
    assert first.emails_sent == 4 and first.deliveries_sent == 4
    threat = next(m for m in inbox.messages if "CRITICAL threat" in str(m["Subject"]))
    plain, markup = text_of(threat)
    assert "Policy 7.17 (Offensive or threatening content received)" in plain
    assert "report the post to the platform and to the police" in plain.lower()
    assert "7.17" in markup and "<table" in markup

    later = notify(settings, now=datetime.now(UTC) + timedelta(days=1, hours=1))

    digests = [m for m in inbox.messages if str(m["Subject"]).startswith("[socmon] Digest")]
    assert len(digests) == 2 and later.emails_sent == 2
    plain, _ = text_of(digests[0])
    assert "Possible misinformation" in plain and "exams are cancelled" in plain.lower()
    assert "policy 7.16" in plain.lower()
    assert notify(settings, now=datetime.now(UTC) + timedelta(days=2)).emails_sent == 0


def test_no_personal_data_and_no_unmasked_profanity_in_any_email(
    make_settings: SettingsFactory, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, settings = hostile_alerts_by_smtp(make_settings, smtp, tmp_path)
    notify(settings, now=datetime.now(UTC) + timedelta(days=2))

    everything = " ".join(part for m in inbox.messages for part in text_of(m)).lower()
    for personal in (*PERSONAL, "margaret", "thompson", "member1"):
        assert personal.lower() not in everything
    for word in ("fucking", "f*cking", "idiot"):
        assert f" {word}" not in everything
    assert "f******" in everything and "<person>" in everything


def test_smtp_down_then_up_delivers_every_alert_exactly_once(
    make_settings: SettingsFactory, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, settings = hostile_alerts_by_smtp(make_settings, smtp, tmp_path)
    inbox.refuse = True

    down = notify(settings)

    assert down.emails_sent == 0 and down.failed == 4 and not inbox.messages
    [error] = query(settings, "SELECT DISTINCT last_error FROM alert_deliveries WHERE attempts = 1")
    assert "451" in error["last_error"]
    inbox.refuse = False
    up = notify(settings, now=datetime.now(UTC) + timedelta(seconds=1))
    again = notify(settings, now=datetime.now(UTC) + timedelta(seconds=2))

    assert up.emails_sent == 4 and again.emails_sent == 0
    assert_each_email_once(inbox, 4)


def test_a_notifier_killed_mid_batch_sends_nothing_twice(
    make_settings: SettingsFactory, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, settings = hostile_alerts_by_smtp(make_settings, smtp, tmp_path)

    killed = run_cli(settings, "notify", failpoint="after_email_sent")

    assert killed.returncode == FAILPOINT_EXIT_CODE, killed.stderr
    assert len(inbox.messages) == 1
    finished = run_cli(settings, "notify")
    assert finished.returncode == 0, finished.stderr
    assert_each_email_once(inbox, 4)


def test_a_burst_on_one_thread_is_one_email_with_a_count(
    make_settings: SettingsFactory, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = smtp
    settings = settings_with_smtp(make_settings, port)
    burst = [
        comment(10 + n, f"you are a f*cking idiot number {n}", minutes=n, conversation="x:99")
        for n in range(5)
    ]
    processed(settings, tmp_path, burst)

    notify(settings)

    assert len(inbox.messages) == 2  # one per recipient, not six
    # Five replies, and the pile-on they make (five people hostile in one thread within minutes).
    assert "6 alerts in one thread" in str(inbox.messages[0]["Subject"])


def test_quiet_hours_hold_back_all_but_critical(
    make_settings: SettingsFactory, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    quiet_hours = [now.hour, (now.hour + 2) % 24]
    # The daily digest of the medium alerts is due half a day away, never in the 3 hours below.
    digest_hour = (now.hour + 12) % 24
    inbox, settings = hostile_alerts_by_smtp(
        make_settings, smtp, tmp_path, quiet_hours=quiet_hours, digest_hour_utc=digest_hour
    )

    held = notify(settings, now=now + timedelta(minutes=1))

    assert {str(m["Subject"]).split()[1] for m in inbox.messages} == {"CRITICAL"}
    assert held.held_back == 2
    later = notify(settings, now=now + timedelta(hours=3))
    assert later.emails_sent == 2


def test_a_bad_rules_file_stops_the_run_naming_the_rule(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "version: 1\nrules:\n  - id: broken-rule\n    description: x\n    category: threat\n"
        "    clause: '7.17'\n    severity: urgent\n    action: tell someone soon please\n",
        encoding="utf-8",
    )
    settings = make_settings(alerts={"rules_file": str(rules)})
    with pytest.raises(ConfigError, match=r"rule broken-rule\.severity"):
        process(settings)


def test_reviewers_verdicts_give_precision_and_labels(hostile: Settings, tmp_path: Path) -> None:
    settings = hostile
    alerts = alert_ids_by_rule(settings)

    confirmed = resolve(
        settings, alerts["threat-received"], "confirmed", "--note", "reported to police"
    )
    dismissed = resolve(settings, alerts["abuse-received"], "false_positive")
    precision = run_cli(settings, "alerts", "precision")
    labels = tmp_path / "labels.jsonl"
    exported = run_cli(settings, "alerts", "export-labels", "--output", str(labels))

    assert confirmed.returncode == dismissed.returncode == precision.returncode == 0
    assert "threat-received" in precision.stdout and "1.00" in precision.stdout
    assert exported.returncode == 0, exported.stderr
    rows = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines()]
    assert sorted((row["category"], row["label"]) for row in rows) == [
        ("offensive", 0),
        ("threat", 1),
    ]
    assert all(PERSONAL[1] not in row["text"] for row in rows)
    write_dataset(tmp_path / "data")
    report = tmp_path / "report.html"
    evaluated = run_cli(
        settings, "evaluate", "--data", str(tmp_path / "data"), "--output", str(report)
    )
    assert evaluated.returncode == 0, evaluated.stderr
    page = report.read_text(encoding="utf-8")
    assert "Precision from reviewers' verdicts" in page
    assert "<td>threat-received</td><td>1</td><td>1</td><td>1.00</td>" in page


def test_alerts_are_published_to_the_alerts_topic_once(hostile: Settings, tmp_path: Path) -> None:
    settings = hostile
    process(settings)  # a second run: nothing new to publish

    messages = read_topic(settings, settings.kafka.alerts_topic.name)
    alert_ids = {row["alert_id"] for row in query(settings, "SELECT alert_id FROM alerts")}
    assert sorted(m.key.decode() for m in messages) == sorted(alert_ids)
    payload = json.loads(messages[0].value)
    assert {"policy_clause", "severity", "recommended_action", "evidence"} <= set(payload)
    assert count(settings, "alerts", "NOT published") == 0


def test_a_reviewed_alert_is_published_again_with_its_state_and_only_once(
    hostile: Settings,
) -> None:
    settings = hostile
    alerts = alert_ids_by_rule(settings)
    abuse = alerts["abuse-received"]
    assert resolve(settings, abuse, "false_positive").returncode == 0

    process(settings)  # publishes what changed since the last run
    process(settings)  # nothing has changed since

    messages = read_topic(settings, settings.kafka.alerts_topic.name)
    about_abuse = [json.loads(m.value) for m in messages if m.key.decode() == abuse]
    assert [payload["status"] for payload in about_abuse] == ["open", "false_positive"]
    latest = about_abuse[-1]
    assert latest["resolved_at"] and latest["acknowledged_at"]
    assert not {"resolved_by", "acknowledged_by"} & set(latest)  # who acted stays here
    others = [m for m in messages if m.key.decode() != abuse]
    assert len(others) == len(alerts) - 1  # untouched alerts are not sent again
    assert count(settings, "alerts", "NOT published") == 0


def test_a_deleted_item_keeps_an_unresolved_severe_alert_and_takes_a_dismissed_one(
    hostile: Settings, tmp_path: Path
) -> None:
    settings = hostile
    alerts = alert_ids_by_rule(settings)
    # Nobody has looked at the threat yet; the abuse was judged a false alarm.
    assert resolve(settings, alerts["abuse-received"], "false_positive").returncode == 0
    tombstones = [
        dataclasses.replace(
            record, deleted=True, text="", observed_at=record.observed_at + timedelta(hours=1)
        )
        for record in HOSTILE[:2]
    ]
    replay(settings, [record_line(record) for record in tombstones], tmp_path / "gone.jsonl")

    process(settings)

    kept = alert_ids_by_rule(settings)
    assert "threat-received" in kept  # open and critical: kept as evidence, marked deleted
    assert count(settings, "alerts", "record_deleted_at IS NOT NULL") == 1
    assert "abuse-received" not in kept
    assert count(settings, "alert_deliveries", "alert_id = ?", (alerts["abuse-received"],)) == 0


def test_the_hourly_limit_per_recipient_holds_back_non_critical_mail(
    make_settings: SettingsFactory, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, settings = hostile_alerts_by_smtp(make_settings, smtp, tmp_path, max_emails_per_hour=1)

    first = notify(settings)

    # Each recipient gets the critical threat; the high-severity abuse waits for the hour.
    assert {str(m["Subject"]).split()[1] for m in inbox.messages} == {"CRITICAL"}
    assert first.held_back == 2
    later = notify(settings, now=datetime.now(UTC) + timedelta(hours=1, minutes=1))
    assert later.emails_sent == 2


def official_post(number: int, text: str) -> Record:
    return dataclasses.replace(
        comment(number, text),
        kind="post",
        author=Author(id="1500000001", handle="UniOfficial", is_official=True),
    )


def test_posts_by_official_accounts_are_checked_against_the_policy(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    settings = make_settings()
    posts = [
        official_post(50, "Good news from the merger talks this week, more soon"),
        official_post(51, "We're hiring! Vacancy for a lab technician, DM us for details"),
        official_post(52, "We're hiring! See the vacancy at https://jobs.university.example/123"),
        official_post(53, "Open day this Saturday, all welcome"),
    ]
    processed(settings, tmp_path, posts)

    rows = query(
        settings,
        "SELECT record_id, rule_id, policy_clause, severity FROM alerts ORDER BY record_id",
    )
    assert rows == [
        {
            "record_id": "x:7200050",
            "rule_id": "official-post-confidential",
            "policy_clause": "7.16",
            "severity": "high",
        },
        {
            "record_id": "x:7200051",
            "rule_id": "vacancy-without-link",
            "policy_clause": "7.9.2",
            "severity": "low",
        },
    ]  # the vacancy with its link and the open day raise nothing


def test_listings_print_iso_times_and_json_for_scripts(hostile: Settings) -> None:
    listed = run_cli(hostile, "alerts", "list", "--json")
    runs_text = run_cli(hostile, "runs")
    runs_json = run_cli(hostile, "runs", "--json")

    assert listed.returncode == runs_text.returncode == runs_json.returncode == 0
    alerts = json.loads(listed.stdout)
    stored = alert_ids_by_rule(hostile)
    assert sorted(alert["alert_id"] for alert in alerts) == sorted(stored.values())
    for alert in alerts:
        assert datetime.fromisoformat(alert["created_at"]).tzinfo is not None
        assert alert["category"] in alert["categories"]
    [run] = [row for row in json.loads(runs_json.stdout) if row["command"] == "process"][:1]
    assert run["alerts_raised"] == len(alerts)
    assert datetime.fromisoformat(run["started_at"]) <= datetime.fromisoformat(run["finished_at"])
    header, first = runs_text.stdout.splitlines()[:2]
    assert "started" in header and "alerts" in header
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\dZ", first)

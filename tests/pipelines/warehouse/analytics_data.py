"""A small known data set for the analysts' views and the weekly report.

Week of Monday 2026-11-23 (and one older record, week of 2026-11-16), the demo accounts:

- records: an official post x:1 and two replies to it (x:2, x:3 by the same author, x:3 in
  a language not scored), a mention x:4 of two accounts, a deleted Facebook comment, and an
  older reply x:6;
- detections: x:2 offensive, x:4 threat, x:4 hate (superseded), x:6 misleading;
- alerts: A1 on x:2 confirmed (acknowledged after 10 min, resolved after 30), A2 on x:4 with
  two findings called a false alarm (30 and 60 min), A3 on x:3 acknowledged (20 min), A4 on
  x:6 superseded, A5 on the comment written before alerts carried findings, resolved as a
  duplicate;
- coverage over two days with a partial and a not-covered fetch; two runs with failed
  expectations (one critical).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from pipelines.config import Settings
from pipelines.usecases.reference import keep_reference_tables
from pipelines.warehouse import Warehouse

MONDAY = datetime(2026, 11, 23, tzinfo=UTC)
PREVIOUS_MONDAY = MONDAY - timedelta(days=7)
AUTHOR_A, AUTHOR_B, AUTHOR_C, AUTHOR_D = ("a" * 64, "b" * 64, "c" * 64, "d" * 64)
#: A reviewer's address and a post's text: neither may appear in the report.
REVIEWER = "reviewer.person@university.example"
SECRET_TEXT = "a redacted reply that only the warehouse holds"


def at(day: datetime, hour: int, minute: int = 0) -> datetime:
    return day.replace(hour=hour, minute=minute)


TUESDAY = MONDAY + timedelta(days=1)


def _record(
    record_id: str,
    kind: str,
    account: str,
    accounts: list[str],
    author: str,
    created_at: datetime,
    *,
    platform: str = "x",
    conversation_id: str | None = None,
    scored: bool = True,
    deleted: bool = False,
) -> dict[str, Any]:
    return {
        "id": record_id,
        "platform": platform,
        "kind": kind,
        "account": account,
        "accounts": json.dumps(accounts),
        "native_id": record_id.split(":", 1)[1],
        "parent_id": conversation_id,
        "conversation_id": conversation_id or record_id,
        "author_id": author,
        "author_is_official": author.startswith("official"),
        "text": SECRET_TEXT,
        "lang": "en",
        "created_at": created_at,
        "observed_at": created_at + timedelta(minutes=1),
        "url": f"https://x.com/i/web/status/{record_id}",
        "deleted": deleted,
        "schema_version": 1,
        "source_partition": 0,
        "source_offset": 0,
        "first_run_id": "run-1",
        "last_run_id": "run-1",
        "pii_entities": "[]",
        "text_lang": "en" if scored else "cy",
        "scored": scored,
    }


RECORDS = [
    _record("x:1", "post", "uni_main", ["uni_main"], "official-main", at(MONDAY, 9)),
    _record(
        "x:2", "reply", "uni_main", ["uni_main"], AUTHOR_A, at(MONDAY, 10), conversation_id="x:1"
    ),
    _record(
        "x:3",
        "reply",
        "uni_main",
        ["uni_main"],
        AUTHOR_A,
        at(MONDAY, 11),
        conversation_id="x:1",
        scored=False,
    ),
    _record("x:4", "mention", "uni_main", ["uni_main", "uni_research"], AUTHOR_B, at(TUESDAY, 8)),
    _record(
        "facebook:5",
        "comment",
        "uni_students",
        ["uni_students"],
        AUTHOR_C,
        at(TUESDAY, 9),
        platform="facebook",
        deleted=True,
    ),
    _record("x:6", "reply", "uni_main", ["uni_main"], AUTHOR_D, at(PREVIOUS_MONDAY, 10)),
]


def _detection(
    detection_id: str,
    record_id: str,
    category: str,
    clause: str,
    score: float,
    threshold: float,
    *,
    superseded: bool = False,
) -> dict[str, Any]:
    return {
        "detection_id": detection_id,
        "record_id": record_id,
        "account": "uni_main",
        "category": category,
        "policy_clause": clause,
        "score": score,
        "evidence": json.dumps({"threshold": threshold, "lang": "en", "top_terms": []}),
        "detector": "classifiers",
        "detector_version": f"{category}-1",
        "run_id": "run-1",
        "created_at": at(TUESDAY, 12),
        "superseded_at": at(TUESDAY, 13) if superseded else None,
        "superseded_by_run": "run-2" if superseded else None,
    }


DETECTIONS = [
    _detection("d1", "x:2", "offensive", "7.17", 0.9, 0.7),
    _detection("d2", "x:4", "threat", "7.17", 0.8, 0.5),
    _detection("d3", "x:4", "hate", "7.16", 0.6, 0.55, superseded=True),
    _detection("d4", "x:6", "misleading", "7.16", 0.7, 0.47),
]


def _finding(
    rule: str, category: str, clause: str, severity: str, score: float, threshold: float
) -> dict[str, Any]:
    return {
        "rule_id": rule,
        "category": category,
        "clause": clause,
        "severity": severity,
        "score": score,
        "detection": {"category": category, "score": score, "threshold": threshold},
    }


def _alert(
    alert_id: str,
    record_id: str,
    account: str,
    findings: list[dict[str, Any]] | None,
    raised_at: datetime,
    status: str = "open",
    *,
    fallback: tuple[str, str, str, str] = ("", "", "", ""),
    acknowledged_after: int | None = None,
    resolved_after: int | None = None,
    superseded: bool = False,
    conversation_id: str | None = None,
) -> dict[str, Any]:
    lead = findings[0] if findings else None
    rule, category, clause, severity = (
        (lead["rule_id"], lead["category"], lead["clause"], lead["severity"]) if lead else fallback
    )
    evidence: dict[str, Any] = {"excerpt": SECRET_TEXT}
    if findings:
        evidence["findings"] = findings
        evidence["detection"] = findings[0]["detection"]
    return {
        "alert_id": alert_id,
        "record_id": record_id,
        "account": account,
        "rule_id": rule,
        "rule_version": "rules-v1",
        "category": category,
        "policy_clause": clause,
        "severity": severity,
        "score": lead["score"] if lead else 1.0,
        "evidence": json.dumps(evidence),
        "recommended_action": "Report it.",
        "recipients": json.dumps([REVIEWER]),
        "conversation_id": conversation_id,
        "url": None,
        "status": status,
        "published": True,
        "run_id": "run-1",
        "created_at": raised_at,
        "superseded_at": raised_at + timedelta(hours=1) if superseded else None,
        "superseded_by_run": "run-2" if superseded else None,
        "categories": json.dumps(sorted({f["category"] for f in findings})) if findings else None,
        "policy_clauses": json.dumps(sorted({f["clause"] for f in findings})) if findings else None,
        "acknowledged_at": (
            raised_at + timedelta(minutes=acknowledged_after) if acknowledged_after else None
        ),
        "acknowledged_by": REVIEWER if acknowledged_after else None,
        "resolved_at": raised_at + timedelta(minutes=resolved_after) if resolved_after else None,
        "resolved_by": REVIEWER if resolved_after else None,
        "action_taken": None,
        "assigned_to": None,
        "duplicate_of": None,
        "record_deleted_at": None,
    }


ABUSE = _finding("abuse-received", "offensive", "7.17", "high", 0.9, 0.7)
ALERTS = [
    _alert(
        "A1",
        "x:2",
        "uni_main",
        [ABUSE],
        at(MONDAY, 10, 5),
        "confirmed",
        acknowledged_after=10,
        resolved_after=30,
        conversation_id="x:1",
    ),
    _alert(
        "A2",
        "x:4",
        "uni_main",
        [
            _finding("threat-received", "threat", "7.17", "critical", 0.8, 0.5),
            _finding("hate-received", "hate", "7.16", "high", 0.6, 0.55),
        ],
        at(TUESDAY, 8, 10),
        "false_positive",
        acknowledged_after=30,
        resolved_after=60,
        conversation_id="x:4",
    ),
    _alert(
        "A3",
        "x:3",
        "uni_main",
        [ABUSE],
        at(MONDAY, 11, 2),
        "acknowledged",
        acknowledged_after=20,
        conversation_id="x:1",
    ),
    _alert(
        "A4",
        "x:6",
        "uni_main",
        [_finding("misinformation-received", "misleading", "7.16", "medium", 0.7, 0.47)],
        at(PREVIOUS_MONDAY, 10, 5),
        superseded=True,
        conversation_id="x:6",
    ),
    _alert(
        "A5",
        "facebook:5",
        "uni_students",
        None,
        at(TUESDAY, 9, 30),
        "duplicate",
        fallback=("offensive-received", "offensive", "7.17", "low"),
        resolved_after=10,
    ),
]


def _coverage(
    ingest: str,
    day: datetime,
    account: str,
    connector: str,
    stream: str,
    status: str,
    fetched: int,
    reason: str | None = None,
) -> dict[str, Any]:
    return {
        "ingest_id": ingest,
        "connector": connector,
        "account": account,
        "stream": stream,
        "status": status,
        "fetched": fetched,
        "newest_item_at": at(day, 11),
        "reason": reason,
        "checked_at": at(day, 12),
    }


COVERAGE = [
    _coverage("i1", MONDAY, "uni_main", "twitter", "posts", "complete", 10),
    _coverage("i1", MONDAY, "uni_main", "twitter", "mentions", "partial", 3, "rate limited"),
    _coverage("i2", TUESDAY, "uni_main", "twitter", "posts", "not_covered", 0, "token expired"),
    _coverage("i2", TUESDAY, "uni_students", "facebook", "comments", "complete", 5),
]
RUNS = [
    {"run_id": "run-1", "command": "process", "status": "failed", "started_at": at(MONDAY, 12, 5)},
    {"run_id": "run-2", "command": "run", "status": "succeeded", "started_at": at(TUESDAY, 12, 5)},
]


def _dq(
    run: str,
    position: int,
    suite: str,
    expectation: str,
    severity: str,
    success: bool,
    unexpected: int,
    day: datetime,
) -> dict[str, Any]:
    return {
        "run_id": run,
        "position": position,
        "suite": suite,
        "expectation": expectation,
        "column_name": "text" if suite == "records" else None,
        "severity": severity,
        "success": success,
        "observed_value": None,
        "unexpected_count": unexpected,
        "explains": "what it means",
        "created_at": at(day, 12, 6),
    }


DQ_RESULTS = [
    _dq("run-1", 0, "records", "expect_text_redacted", "critical", False, 2, MONDAY),
    _dq("run-1", 1, "records", "expect_ids_unique", "warning", True, 0, MONDAY),
    _dq("run-2", 0, "volume", "expect_volume_near_usual", "warning", False, 1, TUESDAY),
]


def insert(warehouse: Warehouse, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert rows by column name."""
    columns = list(rows[0])
    warehouse.connection.execute_many(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
        [[row[column] for column in columns] for row in rows],
    )


def load(warehouse: Warehouse, settings: Settings) -> None:
    """The known data set, and the accounts and clauses from the configuration."""
    keep_reference_tables(warehouse, settings)
    with warehouse.transaction():
        for table, rows in (
            ("records", RECORDS),
            ("detections", DETECTIONS),
            ("alerts", ALERTS),
            ("coverage", COVERAGE),
            ("runs", RUNS),
            ("dq_results", DQ_RESULTS),
        ):
            insert(warehouse, table, rows)

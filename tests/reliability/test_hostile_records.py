"""One hostile record never stalls the pipeline: it is stored or set aside with its reason,
and the rest of its batch commits — on DuckDB and on PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from pipelines.usecases.process import process
from schemas.records import Author, Record
from testing.synthetic import demo_lines, generate_records, record_line
from tests.integration.helpers import count, query, replay
from tests.support import SettingsFactory, demo_accounts

pytestmark = pytest.mark.integration

BASE = next(generate_records(1, seed=31))
ALLOW_LISTED = "Questions? Email comms@university.example or call +44 20 7946 0000."


def official_post(number: int, text: str) -> Record:
    account = demo_accounts()[0]
    return dataclasses.replace(
        BASE,
        id=f"x:{7_100_000 + number}",
        native_id=str(7_100_000 + number),
        kind="post",
        account=account["key"],
        accounts=(account["key"],),
        author=Author(id=account["platform_id"], handle=account["handle"], is_official=True),
        parent_id=None,
        conversation_id=f"x:{7_100_000 + number}",
        text=text,
    )


def public_reply(number: int, text: str) -> Record:
    return dataclasses.replace(
        BASE,
        id=f"x:{7_200_000 + number}",
        native_id=str(7_200_000 + number),
        kind="reply",
        author=Author(id=f"88{number}", handle=f"member{number}", is_official=False),
        text=text,
    )


def with_field(record: Record, **values: object) -> bytes:
    line = json.loads(record_line(record))
    line.update(values)
    return json.dumps(line).encode()


HOSTILE = {
    # kept: stored as it is, the allow-listed contacts included
    "x:7100001": (record_line(official_post(1, ALLOW_LISTED)), "stored"),
    "x:7200001": (record_line(public_reply(1, "5G towers spread covid. " * 80)), "stored"),
    "x:7200002": (record_line(public_reply(2, "vaccine covid cure " * 100)), "stored"),
    "x:7200003": (record_line(public_reply(3, "a NUL \x00 inside")), "stored"),
    # a card number that fails the Luhn check: the filter keeps it, the backstop does not
    "x:7200008": (
        record_line(public_reply(8, "card 4111 1111 1111 1112 ok?")),
        "personal_data_left",
    ),
    # set aside, each with its reason
    "x:7200004": (
        with_field(public_reply(4, "old"), created_at="2001-01-01T00:00:00Z"),
        "implausible_time",
    ),
    "x:7200005": (
        with_field(public_reply(5, "year one"), created_at="0001-01-01T00:00:00+01:00"),
        "implausible_time",
    ),
    "x:7200006": (
        with_field(public_reply(6, "far future"), created_at="9999-12-31T23:59:59-05:00"),
        "implausible_time",
    ),
    "x:7200007": (
        with_field(
            public_reply(7, "nul id"), author={"id": "88\x007", "handle": "m", "is_official": False}
        ),
        "unstorable_value",
    ),
}


@pytest.fixture(params=["duckdb", "postgresql"])
def warehouse_kind(request: pytest.FixtureRequest, postgres_available: bool) -> str:
    if request.param == "postgresql" and not postgres_available:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    return str(request.param)


def test_hostile_records_are_stored_or_set_aside_and_the_batch_commits(
    make_settings: SettingsFactory, warehouse_kind: str, tmp_path: Path
) -> None:
    settings = make_settings(
        warehouse_kind,
        privacy={"allow_list": ["comms@university.example", "+44 20 7946 0000"]},
    )
    ordinary = demo_lines(200, seed=5)
    replay(settings, [line for line, _ in HOSTILE.values()] + ordinary, tmp_path / "h.jsonl")

    result = process(settings)  # no exception: nothing stops the batch

    assert result.reconciles()
    stored = {row["id"]: row["text"] for row in query(settings, "SELECT id, text FROM records")}
    reasons = {row["reason"] for row in query(settings, "SELECT reason FROM dead_letters")}
    for record_id, (_, fate) in HOSTILE.items():
        if fate == "stored":
            assert record_id in stored, record_id
        else:
            assert record_id not in stored and fate in reasons, record_id
    assert stored["x:7100001"] == ALLOW_LISTED
    assert "\x00" not in stored["x:7200003"] and "\ufffd" in stored["x:7200003"]
    scores = query(settings, "SELECT score FROM detections")
    assert all(0.0 <= row["score"] <= 1.0 for row in scores)
    assert count(settings, "records") == len(stored) >= 200
    again = process(settings)  # and the next run is not stuck either
    assert again.records_read == 0


def test_a_key_that_is_personal_data_is_kept_only_as_a_digest(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    settings = make_settings()
    line = b'{"id": "someone@example.com", "text": "not a record"}'
    replay(settings, [line], tmp_path / "k.jsonl")
    process(settings)
    [letter] = query(settings, "SELECT kafka_key, preview FROM dead_letters")
    assert "someone@example.com" not in json.dumps(letter)
    assert letter["kafka_key"].startswith("sha256:")

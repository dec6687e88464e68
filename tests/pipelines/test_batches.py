"""Parsing, sharding and keeping the latest version, on Arrow batches, without any service."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pyarrow as pa
import pytest

from pipelines.beam.batches import id_bucket, keep_latest, parse_messages, split_by_bucket
from pipelines.beam.kafka_source import RawMessage
from pipelines.classifier_files import load_classifiers
from pipelines.config import ClassifierSettings
from pipelines.privacy.detector import PiiDetector
from pipelines.privacy.protect import RecordProtector
from pipelines.privacy.pseudonyms import Pseudonymizer
from pipelines.settings.privacy import PrivacySettings
from pipelines.staging import RECORD_ARROW_SCHEMA, record_to_row, rows_to_table
from schemas.kafka_codec import encode_record
from testing.synthetic import generate_records

RECORDS = list(generate_records(30))
PROTECTOR = RecordProtector(
    PiiDetector(PrivacySettings(), ("UniOfficial",)),
    Pseudonymizer(b"unit-test-key-0123456789"),
    ("uni_main", "uni_research", "uni_students"),
)


SHIPPED = load_classifiers(ClassifierSettings())


def table_of(rows: list[tuple[object, ...]]) -> pa.Table:
    return rows_to_table(rows, RECORD_ARROW_SCHEMA)


def test_parse_separates_records_from_dead_letters() -> None:
    messages = [
        RawMessage(0, offset, record.id.encode(), encode_record(record, "t").value)
        for offset, record in enumerate(RECORDS[:5])
    ]
    messages.append(RawMessage(1, 9, None, b"{not json"))
    parsed = parse_messages(messages, "topic-a", PROTECTOR)
    records, dead = parsed.records, parsed.dead_letters
    assert records.column("id").to_pylist() == [record.id for record in RECORDS[:5]]
    assert records.column("source_offset").to_pylist() == [0, 1, 2, 3, 4]
    assert dead.num_rows == 1
    assert dead.column("reason").to_pylist() == ["invalid_json"]
    assert dead.column("kafka_partition").to_pylist() == [1]
    assert dead.column("topic").to_pylist() == ["topic-a"]


def test_stored_rows_drop_the_author_handle() -> None:
    assert "author_handle" not in RECORD_ARROW_SCHEMA.names
    row = record_to_row(RECORDS[1], 0, 0)
    assert RECORDS[1].author.handle not in [value for value in row if isinstance(value, str)]


def test_keep_latest_prefers_the_latest_observation_then_the_later_offset() -> None:
    original = RECORDS[0]
    edited = dataclasses.replace(
        original, text="edited", observed_at=original.observed_at + timedelta(hours=1)
    )
    rows = [
        record_to_row(edited, 0, 5),
        record_to_row(original, 0, 9),  # an older version read later still loses
        record_to_row(RECORDS[1], 1, 1),
        record_to_row(RECORDS[1], 2, 7),  # same observation: the later partition/offset wins
    ]
    kept, duplicates = keep_latest([table_of(rows[:2]), table_of(rows[2:])])
    assert duplicates == 2
    by_id = {row["id"]: row for row in kept.to_pylist()}
    assert by_id[original.id]["text"] == "edited"
    assert by_id[RECORDS[1].id]["source_partition"] == 2


def test_keep_latest_of_nothing_is_empty() -> None:
    kept, duplicates = keep_latest([])
    assert kept.num_rows == 0
    assert duplicates == 0


def test_shards_are_stable_and_cover_every_row() -> None:
    table = table_of([record_to_row(record, 0, i) for i, record in enumerate(RECORDS)])
    shards = split_by_bucket(table, 4)
    assert sum(shard.num_rows for shard in shards.values()) == len(RECORDS)
    for bucket, shard in shards.items():
        assert all(
            id_bucket(record_id, 4) == bucket for record_id in shard.column("id").to_pylist()
        )


def test_shards_do_not_depend_on_the_process_hash_seed() -> None:
    program = "from pipelines.beam.batches import id_bucket; print(id_bucket('x:123', 1024))"
    answers = {
        subprocess.run(
            [sys.executable, "-c", program],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert answers == {str(id_bucket("x:123", 1024))}


def test_a_record_the_classifiers_choke_on_is_set_aside_and_the_rest_is_scored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from classifiers.model_set import ClassifierSet
    from pipelines.beam import batches

    poison = dataclasses.replace(RECORDS[1], text="BOOM " + RECORDS[1].text)
    batch = [RECORDS[0], poison, RECORDS[2]]
    real = batches.score_records

    def choking(classifiers: ClassifierSet, records: list[Any], findings: list[Any]) -> Any:
        if any(record.text.startswith("BOOM") for record in records):
            raise ValueError("the model choked")
        return real(classifiers, records, findings)

    monkeypatch.setattr(batches, "score_records", choking)
    messages = [
        RawMessage(0, offset, record.id.encode(), encode_record(record, "t").value)
        for offset, record in enumerate(batch)
    ]
    parsed = parse_messages(messages, "topic-a", PROTECTOR, SHIPPED)
    assert parsed.records.column("id").to_pylist() == [RECORDS[0].id, RECORDS[2].id]
    assert parsed.records.column("scored").to_pylist() == [True, True]
    assert parsed.dead_letters.column("reason").to_pylist() == ["scoring_failed"]
    assert parsed.dead_letters.column("kafka_offset").to_pylist() == [1]


@pytest.mark.parametrize(
    ("platform", "kind", "native", "conversation", "handle_url", "stored"),
    [
        (
            "facebook",
            "comment",
            "17_501",
            "facebook:880000000001_17",
            "https://www.facebook.com/880000000001_17?comment_id=17_501",
            "https://www.facebook.com/880000000001_17?comment_id=17_501",
        ),
        (
            "facebook",
            "post",
            "880000000001_18",
            "facebook:880000000001_18",
            "https://www.facebook.com/jane.doe.42/posts/18",
            "https://www.facebook.com/880000000001_18",
        ),
        (
            "x",
            "reply",
            "1901",
            "x:1900",
            "https://x.com/jane_doe_42/status/1901",
            "https://x.com/i/web/status/1901",
        ),
    ],
)
def test_stored_links_open_the_item_and_name_no_member_of_the_public(
    platform: str, kind: str, native: str, conversation: str, handle_url: str, stored: str
) -> None:
    public = dataclasses.replace(
        RECORDS[0],
        id=f"{platform}:{native}",
        platform=platform,
        kind=kind,
        native_id=native,
        conversation_id=conversation,
        url=handle_url,
        author=dataclasses.replace(RECORDS[0].author, handle="jane_doe_42", is_official=False),
    )

    protected = PROTECTOR.protect(public).record

    assert protected.url == stored
    assert "jane" not in (protected.url or "")

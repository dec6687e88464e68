"""`socmon process` against a real broker and real warehouses: exactly once, counts that add up."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from pathlib import Path

import pytest

from pipelines.config import Settings
from pipelines.kafka_admin import high_water_marks
from pipelines.usecases.process import process
from testing.failpoints import FAILPOINT_EXIT_CODE
from testing.synthetic import demo_lines, generate_records, record_line
from tests.integration.helpers import count, query, read_topic, replay, run_cli, snapshot
from tests.support import SettingsFactory

pytestmark = pytest.mark.integration

# 600 distinct records, 25 later edits of some of them, 6 records of an unregistered
# account and 6 malformed lines.
DEMO = demo_lines(600, seed=3)


def crashed_process(settings: Settings, tmp_path: Path, failpoint: str) -> None:
    """Replay the demo lines and run `socmon process` until it dies at ``failpoint``."""
    replay(settings, DEMO, tmp_path / "demo.jsonl")
    crashed = run_cli(settings, "process", failpoint=failpoint)
    assert crashed.returncode == FAILPOINT_EXIT_CODE, crashed.stderr


def stored_and_distinct(settings: Settings) -> tuple[int, int]:
    """Rows in ``records`` and distinct ids among them."""
    [row] = query(settings, "SELECT count(*) AS stored, count(DISTINCT id) AS ids FROM records")
    return row["stored"], row["ids"]


def test_replayed_records_are_stored_once_and_counts_reconcile(
    make_settings: SettingsFactory, warehouse_kind: str, tmp_path: Path
) -> None:
    settings = make_settings(warehouse_kind)
    replay(settings, DEMO, tmp_path / "demo.jsonl")

    result = process(settings)

    assert result.records_read == len(DEMO)
    assert result.reconciles()
    assert result.records_stored == 600
    assert result.dead_letters == 6
    assert result.out_of_scope == 6
    assert result.duplicates == len(DEMO) - 600 - 6 - 6
    assert stored_and_distinct(settings) == (600, 600)
    [run] = query(
        settings,
        "SELECT status, records_read, records_stored, duplicates, dead_letters FROM runs",
    )
    assert run == {
        "status": "succeeded",
        "records_read": len(DEMO),
        "records_stored": 600,
        "duplicates": result.duplicates,
        "dead_letters": 6,
    }


def test_rerun_after_success_reads_nothing_and_changes_nothing(
    make_settings: SettingsFactory, warehouse_kind: str, tmp_path: Path
) -> None:
    settings = make_settings(warehouse_kind)
    replay(settings, DEMO, tmp_path / "demo.jsonl")
    process(settings)
    before = snapshot(settings)

    again = process(settings)

    assert again.records_read == 0
    assert snapshot(settings) == before


def test_only_new_offsets_are_read_and_edits_update_the_record(
    make_settings: SettingsFactory, warehouse_kind: str, tmp_path: Path
) -> None:
    settings = make_settings(warehouse_kind)
    records = list(generate_records(50, seed=5))
    replay(settings, [record_line(record) for record in records[:40]], tmp_path / "a.jsonl")
    process(settings)
    edited = dataclasses.replace(
        records[0], text="corrected text", observed_at=records[0].observed_at + timedelta(hours=1)
    )
    stale = dataclasses.replace(
        records[1], text="older copy", observed_at=records[1].observed_at - timedelta(hours=1)
    )
    later = [record_line(record) for record in records[40:]] + [
        record_line(edited),
        record_line(stale),
    ]
    replay(settings, later, tmp_path / "b.jsonl")

    result = process(settings)

    assert result.records_read == 12
    assert (result.counts.inserted, result.counts.updated, result.counts.unchanged) == (10, 1, 1)
    rows = query(
        settings, "SELECT id, text FROM records WHERE id IN (?, ?)", (records[0].id, records[1].id)
    )
    texts = {row["id"]: row["text"] for row in rows}
    assert texts == {records[0].id: "corrected text", records[1].id: records[1].text}


def test_bad_messages_become_dead_letters_with_reasons_and_their_bytes_reach_the_topic(
    make_settings: SettingsFactory, warehouse_kind: str, tmp_path: Path
) -> None:
    settings = make_settings(warehouse_kind)
    good = next(generate_records(1, seed=9))
    base = json.loads(record_line(good))
    one_megabyte = {**base, "id": "x:1", "native_id": "1", "text": "b" * 1_000_000}
    wrong_type = {
        **base,
        "id": "x:2",
        "native_id": "2",
        "author": {"id": 5, "handle": None, "is_official": False},
    }
    missing = {k: v for k, v in base.items() if k != "created_at"} | {"id": "x:3", "native_id": "3"}
    bad = {
        b'{"id": "x:4", "text": "no end': "invalid_json",
        json.dumps(missing).encode(): "schema_violation",
        json.dumps(wrong_type).encode(): "schema_violation",
        json.dumps({**base, "id": "x:5", "native_id": "5", "text": "X"})
        .encode()
        .replace(b'"X"', b'"\xc3\x28"'): "invalid_utf8",
        json.dumps(one_megabyte).encode(): "schema_violation",
    }
    replay(settings, [record_line(good), *bad], tmp_path / "bad.jsonl")

    result = process(settings)

    assert (result.records_read, result.records_stored, result.dead_letters) == (6, 1, 5)
    rows = query(
        settings, "SELECT reason, detail, value_size, value_sha256, dlq_status FROM dead_letters"
    )
    assert sorted(row["reason"] for row in rows) == sorted(bad.values())
    details = " | ".join(row["detail"] for row in rows)
    for expected in (
        "not valid JSON",
        "missing field created_at",
        "author.id: wrong type",
        "UTF-8",
        "text: must have at most 65536",
    ):
        assert expected in details
    assert {row["dlq_status"] for row in rows} == {"published"}
    copied = read_topic(settings, settings.kafka.deadletter_topic.name)
    assert sorted(message.value for message in copied) == sorted(bad)
    assert {dict(message.headers)["reason"].decode() for message in copied} == set(bad.values())


def test_a_crash_after_staging_leaves_nothing_and_the_rerun_stores_everything_once(
    make_settings: SettingsFactory, warehouse_kind: str, tmp_path: Path
) -> None:
    settings = make_settings(warehouse_kind)
    crashed_process(settings, tmp_path, "after_staging")

    assert count(settings, "records") == count(settings, "offsets") == 0
    result = process(settings)
    assert result.records_read == len(DEMO) and result.reconciles()
    assert stored_and_distinct(settings) == (600, 600)
    assert count(settings, "dead_letters") == 6
    statuses = sorted(row["status"] for row in query(settings, "SELECT status FROM runs"))
    assert statuses == ["abandoned", "succeeded"]


def test_a_crash_after_commit_is_finished_by_the_next_run_without_duplicates(
    make_settings: SettingsFactory, warehouse_kind: str, tmp_path: Path
) -> None:
    from kafka import KafkaConsumer, TopicPartition

    settings = make_settings(warehouse_kind)
    crashed_process(settings, tmp_path, "after_commit")

    assert count(settings, "records") == 600
    assert count(settings, "dead_letters", "dlq_status IS NULL") == 6
    assert read_topic(settings, settings.kafka.deadletter_topic.name) == []
    committed_rows = snapshot(settings)

    rerun = process(settings)
    process(settings)

    assert rerun.records_read == 0
    assert snapshot(settings)["records"] == committed_rows["records"]
    assert len(read_topic(settings, settings.kafka.deadletter_topic.name)) == 6
    topic = settings.kafka.records_topic.name
    assert settings.kafka.bootstrap_servers
    _, ends = high_water_marks(settings.kafka.bootstrap_servers, topic)
    group = KafkaConsumer(
        bootstrap_servers=settings.kafka.bootstrap_servers,
        group_id=settings.kafka.consumer_group,
        enable_auto_commit=False,
    )
    try:
        committed = {number: group.committed(TopicPartition(topic, number)) for number in ends}
    finally:
        group.close()
    assert committed == ends


@pytest.mark.slow
def test_runner_options_pass_through_to_a_multi_process_run(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    settings = make_settings()
    replay(settings, DEMO, tmp_path / "demo.jsonl")

    completed = run_cli(
        settings,
        "process",
        "--",
        "--direct_running_mode=multi_processing",
        "--direct_num_workers=2",
    )

    assert completed.returncode == 0, completed.stderr
    assert f"read {len(DEMO)}, stored 600" in completed.stdout
    assert count(settings, "records") == 600

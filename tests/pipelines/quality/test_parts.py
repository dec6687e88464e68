"""The records suites run per staged file and merged: the batch is judged as if checked whole."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from pipelines.beam.batches import split_by_bucket
from pipelines.quality.gate import validate_parts, validate_tables
from pipelines.quality.parts import RecordChecks, merge_parts, staged_record_results
from pipelines.quality.results import DqResult
from pipelines.staging import CHECKS_METADATA_KEY, staged_run_from_files, write_staged_table
from tests.pipelines.quality.test_gate import ACCOUNTS, RECORDS, clean_records, with_column

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)
CLAUSES = ("7.13", "7.16", "7.17")


def comparable(results: list[DqResult]) -> list[tuple[object, ...]]:
    return [
        (
            r.suite,
            r.expectation,
            r.column,
            r.explains,
            r.success,
            r.unexpected_count or 0,
            r.observed_value,
        )
        for r in results
    ]


def merged_by_shard(table: pa.Table, shards: int = 4) -> list[DqResult]:
    parts = [
        validate_parts({"records": shard}, ACCOUNTS, NOW, CLAUSES)
        for shard in split_by_bucket(table, shards).values()
    ]
    assert len(parts) > 1
    return merge_parts(parts)


def official_row() -> int:
    return next(i for i, record in enumerate(RECORDS) if record.author.is_official)


DEFECTS: dict[str, Callable[[pa.Table], pa.Table]] = {
    "clean": lambda table: table,
    "a time in the future": lambda table: with_column(
        table, 3, "created_at", datetime(2999, 1, 1, tzinfo=UTC)
    ),
    "a time before 2006": lambda table: with_column(
        table, 7, "observed_at", datetime(1999, 1, 1, tzinfo=UTC)
    ),
    "a leaked email": lambda table: with_column(table, 5, "text", "mail jane.doe@example.com"),
    "two unregistered accounts": lambda table: with_column(
        with_column(table, 1, "account", "someone_else"), 20, "account", "another"
    ),
    "a missing text": lambda table: with_column(table, 9, "text", None),
}


@pytest.mark.parametrize("defect", list(DEFECTS))
def test_merged_parts_judge_the_batch_as_the_whole_does(defect: str) -> None:
    table = DEFECTS[defect](clean_records())
    whole = validate_tables({"records": table}, ACCOUNTS, NOW, CLAUSES)
    merged = merged_by_shard(table)
    assert comparable(merged) == comparable(whole)
    assert any(not r.success for r in whole) == (defect != "clean")


def test_mostly_is_judged_on_the_sums_not_on_each_file() -> None:
    """One long text among 30 records fails "texts are rarely long" (mostly 0.99) in the
    file that holds it; in a batch of 150 it is below 1 % and the batch passes."""
    long_text = "word " * 1100
    small = with_column(clean_records(), official_row(), "text", long_text)
    rows = [small] + [
        clean_records().set_column(0, "id", pa.array([f"x:{n}-{i}" for i in range(30)]))
        for n in range(4)
    ]
    batch = pa.concat_tables(rows)
    explains = "texts are rarely longer than 5,000 characters"

    [whole] = [r for r in validate_tables({"records": batch}, ACCOUNTS) if r.explains == explains]
    [merged] = [r for r in merged_by_shard(batch) if r.explains == explains]
    [alone] = [r for r in validate_tables({"records": small}, ACCOUNTS) if r.explains == explains]

    assert not alone.success and alone.unexpected_count == 1
    assert whole.success and merged.success and merged.unexpected_count == 1


def test_staged_files_carry_their_parts_and_the_commit_step_merges_them(tmp_path: Path) -> None:
    checks = RecordChecks(ACCOUNTS, CLAUSES, allowed=(), now=NOW)
    table = DEFECTS["a leaked email"](clean_records())
    for shard, records in split_by_bucket(table, 3).items():
        path = tmp_path / f"records-{shard:04d}.parquet"
        write_staged_table(records, path, 0, {CHECKS_METADATA_KEY: checks.run(records)})

    staged = staged_run_from_files("run", tmp_path, (), records_read=table.num_rows)
    results = staged_record_results(staged.record_checks)

    assert len(staged.record_checks) == 3 and results is not None
    assert comparable(results) == comparable(
        validate_tables({"records": table}, ACCOUNTS, NOW, CLAUSES)
    )
    assert "jane.doe" not in repr(results)
    # A file staged without checks: the gate checks the records itself.
    write_staged_table(clean_records(), tmp_path / "records-0009.parquet", 0)
    staged = staged_run_from_files("run", tmp_path, (), records_read=table.num_rows)
    assert staged.record_checks == () and staged_record_results(staged.record_checks) is None

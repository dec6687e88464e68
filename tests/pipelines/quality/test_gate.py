"""The expectation suites on small batches: each defect fails the right expectation."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa
import pytest

from pipelines.privacy.detector import PiiDetector
from pipelines.privacy.protect import RecordProtector
from pipelines.privacy.pseudonyms import Pseudonymizer
from pipelines.quality.gate import validate_tables
from pipelines.quality.results import DqResult
from pipelines.quality.volume import _spike
from pipelines.settings.privacy import PrivacySettings
from pipelines.staging import RECORD_ARROW_SCHEMA, record_to_row, rows_to_table
from testing.synthetic import generate_records

ACCOUNTS = ("uni_main", "uni_research", "uni_students")
PROTECTOR = RecordProtector(
    PiiDetector(PrivacySettings()), Pseudonymizer(b"quality-test-key-0123456789"), ACCOUNTS
)


RECORDS = list(generate_records(30, seed=12))


def clean_records() -> pa.Table:
    """The staged records table of a clean batch: ``RECORDS``, protected."""
    rows = [
        record_to_row(PROTECTOR.protect(record).record, 0, offset)
        for offset, record in enumerate(RECORDS)
    ]
    return rows_to_table(rows, RECORD_ARROW_SCHEMA)


def failures(results: list[DqResult]) -> set[tuple[str, str, str | None]]:
    return {(r.suite, r.expectation, r.column) for r in results if not r.success}


def with_column(table: pa.Table, index: int, column: str, value: object) -> pa.Table:
    """``table`` with ``value`` in ``column`` of row ``index``."""
    values = table[column].to_pylist()
    values[index] = value
    position = table.schema.get_field_index(column)
    return table.set_column(position, column, pa.array(values, table.schema.field(column).type))


def test_a_clean_batch_passes_every_expectation() -> None:
    results = validate_tables({"records": clean_records()}, ACCOUNTS)
    assert len(results) > 15
    assert failures(results) == set()


def test_a_malformed_timestamp_fails_the_time_expectation() -> None:
    table = with_column(clean_records(), 3, "created_at", datetime(2999, 1, 1, tzinfo=UTC))
    results = validate_tables({"records": table}, ACCOUNTS)
    assert failures(results) == {
        ("incoming_records", "expect_column_max_to_be_between", "created_at")
    }
    [failed] = [r for r in results if not r.success]
    assert failed.explains == "created_at is not in the future"
    assert failed.observed_value is not None and "2999-01-01" in failed.observed_value
    assert all(r.blocks_commit for r in results if not r.success)


def test_a_leaked_email_fails_the_redaction_expectation_without_storing_the_value() -> None:
    table = with_column(clean_records(), 5, "text", "write to jane.doe@example.com")
    results = validate_tables({"records": table}, ACCOUNTS)
    [failed] = [r for r in results if not r.success]
    assert (failed.suite, failed.expectation, failed.explains) == (
        "redacted_output",
        "expect_column_values_to_not_match_regex",
        "no email left in stored text",
    )
    assert failed.unexpected_count == 1
    assert "jane.doe" not in repr(results)


def test_an_unregistered_account_and_a_raw_author_id_fail() -> None:
    table = with_column(clean_records(), 1, "account", "someone_else")
    public_row = next(i for i, record in enumerate(RECORDS) if not record.author.is_official)
    table2 = with_column(clean_records(), public_row, "author_id", "900000123")
    assert ("incoming_records", "expect_column_values_to_be_in_set", "account") in failures(
        validate_tables({"records": table}, ACCOUNTS)
    )
    assert ("redacted_output", "expect_column_values_to_match_regex", "author_id") in failures(
        validate_tables({"records": table2}, ACCOUNTS)
    )


def alert_table(recipients: list[str], severity: str = "high", score: float = 0.9) -> pa.Table:
    return pa.table(
        {
            "alert_id": [f"a{i}" for i in range(len(recipients))],
            "score": [score] * len(recipients),
            "severity": [severity] * len(recipients),
            "policy_clause": ["7.17"] * len(recipients),
            "recipients": recipients,
        }
    )


@pytest.mark.parametrize(
    ("table", "column"),
    [
        (alert_table(['["head@university.example"]', "[]"]), "recipients"),
        (alert_table(['["head@university.example"]'], severity="urgent"), "severity"),
        (alert_table(['["head@university.example"]'], score=1.5), "score"),
    ],
)
def test_alert_defects_fail_the_alerts_suite(table: pa.Table, column: str) -> None:
    results = validate_tables({"alerts": table}, ACCOUNTS)
    assert {(suite, c) for suite, _, c in failures(results)} == {("alerts", column)}


def test_a_spike_is_flagged_against_the_accounts_history() -> None:
    usual = [10, 12, 9, 11, 10, 13]
    assert _spike("uni_main", 11, usual).success  # type: ignore[union-attr]
    spike = _spike("uni_main", 400, usual)
    assert spike is not None and not spike.success and spike.severity == "warning"
    assert _spike("uni_main", 400, usual[:3]) is None  # too little history to judge

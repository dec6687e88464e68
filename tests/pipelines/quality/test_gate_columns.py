"""The gate hands great-expectations only the columns its suites look at."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from pipelines.quality.gate import columns_checked

COLUMNS = ["id", "platform", "pii_entities", "text", "author_id", "author_is_official", "url"]


@pytest.fixture(scope="module")
def context() -> Iterator[None]:
    import great_expectations as gx

    gx.get_context(mode="ephemeral")
    yield


def test_columns_named_by_arguments_and_row_conditions_are_kept_in_table_order(
    context: None,
) -> None:
    from schemas.expectations import suites

    records = [
        suites.incoming_records_suite(["uni_main"], datetime.now(UTC)),
        suites.redacted_output_suite(),
    ]
    # author_is_official is only in the row condition of the pseudonym check.
    assert columns_checked(records, COLUMNS) == [
        "id",
        "platform",
        "text",
        "author_id",
        "author_is_official",
    ]


def test_an_expectation_about_the_tables_columns_keeps_them_all(context: None) -> None:
    import great_expectations as gx

    suite = gx.ExpectationSuite(name="shape")
    suite.add_expectation(gx.expectations.ExpectTableColumnsToMatchSet(column_set=COLUMNS))
    assert columns_checked([suite], COLUMNS) == COLUMNS

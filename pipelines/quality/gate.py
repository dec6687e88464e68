"""Validates a staged batch against the suites before the commit step writes it.

Tables arrive as Arrow; they are validated as pandas DataFrames in an
ephemeral great-expectations context (nothing is written to disk by it).
Only aggregates leave here: the unexpected values themselves are dropped,
since they may be exactly the personal data a check found.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.quality.parts import ResultPart
from pipelines.quality.results import DqResult

log = logging.getLogger(__name__)

SuiteFactory = Callable[[], Any]


def suites_for(
    account_keys: Iterable[str], known_clauses: Sequence[str], now: datetime
) -> dict[str, list[SuiteFactory]]:
    """Which suites check which staged table; ``known_clauses`` come from the policy file."""
    from schemas.expectations import suites

    keys = list(account_keys)
    clauses = tuple(known_clauses)
    return {
        "records": [
            lambda: suites.incoming_records_suite(keys, now),
            suites.redacted_output_suite,
        ],
        "detections": [lambda: suites.detections_suite(clauses)],
        "alerts": [lambda: suites.alerts_suite(clauses)],
    }


def validate_tables(
    tables: Mapping[str, pa.Table | None],
    account_keys: Iterable[str],
    now: datetime | None = None,
    known_clauses: Sequence[str] | None = None,
    allowed: Sequence[str] = (),
) -> list[DqResult]:
    """Run every suite that applies to each non-empty table; return one result per expectation.

    ``allowed`` are the public contact details and official handles the privacy filter keeps
    on purpose (``privacy.allow_list``): the backstop does not count them as leaked.
    """
    outcomes = validation_outcomes(tables, account_keys, now, known_clauses, allowed)
    return [_result(suite_name, item) for suite_name, item in outcomes]


def validate_parts(
    tables: Mapping[str, pa.Table | None],
    account_keys: Iterable[str],
    now: datetime,
    known_clauses: Sequence[str],
    allowed: Sequence[str] = (),
) -> list[ResultPart]:
    """Like :func:`validate_tables`, for one part of a batch (a staged file): each result
    keeps the counts that :func:`pipelines.quality.parts.merge_parts` needs to judge the
    whole batch from its parts."""
    outcomes = validation_outcomes(tables, account_keys, now, known_clauses, allowed)
    return [_part(suite_name, item) for suite_name, item in outcomes]


def validation_outcomes(
    tables: Mapping[str, pa.Table | None],
    account_keys: Iterable[str],
    now: datetime | None,
    known_clauses: Sequence[str] | None,
    allowed: Sequence[str],
) -> list[tuple[str, Any]]:
    """Every applicable suite run on each non-empty table: (suite name, expectation outcome)."""
    present = {
        name: table for name, table in tables.items() if table is not None and table.num_rows
    }
    if allowed and "records" in present:
        present["records"] = without_allowed(present["records"], allowed)
    if not present:
        return []
    import great_expectations as gx
    from great_expectations.validator.v1_validator import Validator

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    _quiet(context)
    source = context.data_sources.add_pandas("socmon_batch")
    outcomes: list[tuple[str, Any]] = []
    if known_clauses is None:  # the clauses of the shipped policy file
        from pipelines.alerts.rules import load_policy
        from pipelines.settings.alerts import DEFAULT_POLICY

        known_clauses = tuple(load_policy(DEFAULT_POLICY).clauses)
    factories = suites_for(account_keys, known_clauses, now or datetime.now(UTC))
    for name, table in present.items():
        table_suites = [context.suites.add(factory()) for factory in factories.get(name, [])]
        if not table_suites:
            continue
        definition = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(
            f"{name}_batch"
        )
        # One validator per table: it loads the batch once for all the table's suites (a
        # batch is fingerprinted by hashing the whole frame each time it is loaded), and the
        # frame holds only the columns the suites look at.
        frame = _as_frame(table.select(columns_checked(table_suites, table.column_names)))
        validator = Validator(
            definition, result_format="BASIC", batch_parameters={"dataframe": frame}
        )
        for suite in table_suites:
            outcome = validator.validate_expectation_suite(suite)
            outcomes.extend((suite.name, item) for item in outcome.results)
    return outcomes


def columns_checked(suites: Iterable[Any], columns: Sequence[str]) -> list[str]:
    """The ``columns`` that the suites' expectations name (their column arguments and row
    conditions), in table order; all of them if an expectation is about the table's columns."""
    named: set[str] = set()
    for suite in suites:
        for expectation in suite.expectations:
            configuration = expectation.configuration
            if configuration.type.startswith(("expect_table_column", "expect_table_columns")):
                return list(columns)
            named |= _column_names(configuration.kwargs)
    return [column for column in columns if column in named]


def _column_names(value: Any) -> set[str]:
    """Column names in an expectation's arguments: ``column``, ``column_A``/``column_B``,
    ``column_list`` and, inside row conditions, ``{"column": {"name": ...}}``."""
    names: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("column", "column_A", "column_B") and isinstance(item, str):
                names.add(item)
            elif key == "column" and isinstance(item, dict) and isinstance(item.get("name"), str):
                names.add(item["name"])
            elif key == "column_list" and isinstance(item, list):
                names.update(column for column in item if isinstance(column, str))
            else:
                names |= _column_names(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            names |= _column_names(item)
    return names


def _quiet(context: Any) -> None:
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context.variables.progress_bars = ProgressBarsConfig(globally=False)
    except (ImportError, AttributeError):  # older layouts: the bars are only noise
        pass


def _as_frame(table: pa.Table) -> Any:
    # Compare times as naive UTC (the suites' bounds are naive UTC too); cast in Arrow, cheaply.
    fields = [
        pa.field(field.name, pa.timestamp(field.type.unit))
        if pa.types.is_timestamp(field.type)
        else field
        for field in table.schema
    ]
    return table.cast(pa.schema(fields)).to_pandas()


def _result(suite_name: str, item: Any) -> DqResult:
    config = item.expectation_config
    meta = config.meta or {}
    details = item.result or {}
    observed = details.get("observed_value")
    return DqResult(
        suite=suite_name,
        expectation=config.type,
        column=config.kwargs.get("column"),
        severity=str(meta.get("severity", "critical")),
        success=bool(item.success),
        observed_value=None if observed is None else json.dumps(observed, default=str)[:500],
        unexpected_count=details.get("unexpected_count"),
        explains=str(meta.get("explains", "")),
    )


def _part(suite_name: str, item: Any) -> ResultPart:
    details = item.result or {}
    mostly = item.expectation_config.kwargs.get("mostly")
    return ResultPart(
        result=_result(suite_name, item),
        element_count=details.get("element_count"),
        missing_count=details.get("missing_count"),
        mostly=None if mostly is None else float(mostly),
    )


def without_allowed(records: pa.Table, allowed: Sequence[str]) -> pa.Table:
    """The records with allow-listed values blanked out of the text (spacing and case aside)."""
    spelled = [
        r"[\s().\-]*".join(re.escape(char) for char in value if not _SEPARATOR.match(char))
        for value in allowed
        if value.strip()
    ]
    pattern = "(?i)(?:" + "|".join(sorted(spelled, key=len, reverse=True)) + ")"
    text = pc.replace_substring_regex(records["text"], pattern=pattern, replacement="<ALLOWED>")
    return records.set_column(records.schema.get_field_index("text"), "text", text)


_SEPARATOR = re.compile(r"[\s().\-]")

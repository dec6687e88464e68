"""The suites: incoming records, redacted output, detections, alerts.

Patterns that look for personal data left in stored text are deliberately
narrower than the detectors upstream: they are a backstop that must not stop
the pipeline on ordinary numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from schemas.kafka_codec import EARLIEST_PLAUSIBLE
from schemas.records import KINDS, PLATFORMS, PSEUDONYM_PATTERN
from schemas.vocabulary import CATEGORIES, SEVERITIES

CRITICAL = "critical"
WARNING = "warning"

RECORD_ID_PATTERN = r"^(?:x|facebook):[A-Za-z0-9_.-]{1,128}$"
#: The first post on X was published in March 2006: nothing we monitor is older.
LEFTOVER_PATTERNS = {
    "email": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
    "phone": r"(?:\+44\s?\(?0?\)?\s?\d{2,4}\s?\d{3,4}\s?\d{3,4}|\b07\d{3}\s?\d{3}\s?\d{3}\b)",
    "card": r"\b(?:4\d{3}|5[1-5]\d{2}|3[47]\d{2}|6011)[ -]?\d{4}[ -]?\d{4}[ -]?\d{1,4}\b",
    "ni_number": r"\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b",
}


def _expectation(name: str, severity: str, explains: str, **kwargs: Any) -> Any:
    import great_expectations as gx

    cls = getattr(gx.expectations, name)
    return cls(meta={"severity": severity, "explains": explains}, **kwargs)


def _suite(name: str, expectations: Iterable[Any]) -> Any:
    import great_expectations as gx

    suite = gx.ExpectationSuite(name=name)
    for expectation in expectations:
        suite.add_expectation(expectation)
    return suite


def incoming_records_suite(account_keys: Iterable[str], now: datetime) -> Any:
    """Structure of the records in a batch: ids, sets, times, scope, text length."""
    bounds = {
        "min_value": EARLIEST_PLAUSIBLE.replace(tzinfo=None),
        "max_value": now.replace(tzinfo=None) + timedelta(days=1),
    }
    e = _expectation
    return _suite(
        "incoming_records",
        [
            e("ExpectColumnValuesToBeUnique", CRITICAL, "one row per record id", column="id"),
            e(
                "ExpectColumnValuesToMatchRegex",
                CRITICAL,
                "ids are <platform>:<native id>",
                column="id",
                regex=RECORD_ID_PATTERN,
            ),
            e(
                "ExpectColumnValuesToBeInSet",
                CRITICAL,
                f"platform is {' or '.join(PLATFORMS)}",
                column="platform",
                value_set=list(PLATFORMS),
            ),
            e(
                "ExpectColumnValuesToBeInSet",
                CRITICAL,
                f"kind is {', '.join(KINDS)}",
                column="kind",
                value_set=list(KINDS),
            ),
            e(
                "ExpectColumnValuesToBeInSet",
                CRITICAL,
                "the account is a registered official account",
                column="account",
                value_set=sorted(account_keys),
            ),
            # Aggregates (earliest and latest time) are as strict as a per-row check here,
            # and much faster.
            *(
                e(name, CRITICAL, f"{column} {explains}", column=column, **bounds)
                for column in ("created_at", "observed_at")
                for name, explains in (
                    ("ExpectColumnMinToBeBetween", "is a real time, not before 2006"),
                    ("ExpectColumnMaxToBeBetween", "is not in the future"),
                )
            ),
            *(
                e(
                    "ExpectColumnValuesToNotBeNull",
                    CRITICAL,
                    f"{column} is present",
                    column=column,
                )
                for column in ("created_at", "observed_at", "text", "author_id")
            ),
            e(
                "ExpectColumnValueLengthsToBeBetween",
                CRITICAL,
                "text fits the schema's 64 Ki characters",
                column="text",
                min_value=0,
                max_value=65536,
            ),
            e(
                "ExpectColumnValueLengthsToBeBetween",
                WARNING,
                "texts are rarely longer than 5,000 characters",
                column="text",
                min_value=0,
                max_value=5000,
                mostly=0.99,
            ),
        ],
    )


def redacted_output_suite() -> Any:
    """What is stored: no personal data pattern left in text, pseudonymous authors."""
    from great_expectations.expectations.row_conditions import Column

    e = _expectation
    return _suite(
        "redacted_output",
        [
            *(
                e(
                    "ExpectColumnValuesToNotMatchRegex",
                    CRITICAL,
                    f"no {kind.replace('_', ' ')} left in stored text",
                    column="text",
                    regex=pattern,
                )
                for kind, pattern in LEFTOVER_PATTERNS.items()
            ),
            e(
                "ExpectColumnValuesToMatchRegex",
                CRITICAL,
                "authors who are not official accounts are stored as pseudonyms",
                column="author_id",
                regex=PSEUDONYM_PATTERN,
                row_condition=Column("author_is_official") == False,  # noqa: E712
            ),
        ],
    )


def _score_is_a_probability() -> Any:
    return _expectation(
        "ExpectColumnValuesToBeBetween",
        CRITICAL,
        "scores are probabilities",
        column="score",
        min_value=0,
        max_value=1,
    )


def _clause_is_known(clauses: Iterable[str]) -> Any:
    return _expectation(
        "ExpectColumnValuesToBeInSet",
        CRITICAL,
        "policy clauses are known",
        column="policy_clause",
        value_set=sorted(clauses),
    )


def detections_suite(clauses: Iterable[str]) -> Any:
    """Detections: scores in [0, 1], known categories and clauses."""
    e = _expectation
    return _suite(
        "detections",
        [
            _score_is_a_probability(),
            e(
                "ExpectColumnValuesToBeInSet",
                CRITICAL,
                "categories are known",
                column="category",
                value_set=list(CATEGORIES),
            ),
            _clause_is_known(clauses),
            e("ExpectColumnValuesToNotBeNull", CRITICAL, "tied to a record", column="record_id"),
        ],
    )


def alerts_suite(clauses: Iterable[str]) -> Any:
    """Alerts: scores in [0, 1], severities and clauses in their sets, recipients present."""
    e = _expectation
    return _suite(
        "alerts",
        [
            _score_is_a_probability(),
            e(
                "ExpectColumnValuesToBeInSet",
                CRITICAL,
                "severity is low, medium, high or critical",
                column="severity",
                value_set=list(SEVERITIES),
            ),
            _clause_is_known(clauses),
            e(
                "ExpectColumnValuesToMatchRegex",
                CRITICAL,
                "every alert has at least one recipient address",
                column="recipients",
                regex=r"[^@\s]+@[^@\s]+",
            ),
        ],
    )

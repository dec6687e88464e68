"""The analysts' views, the reference tables and the descriptions, on DuckDB and PostgreSQL.

Every view returns the expected rows for the small known data set of
:mod:`tests.pipelines.warehouse.analytics_data`; both back ends, migrated, have exactly the
declared views and a description on every table, view and column; the accounts and policy
clauses tables follow the configuration.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pipelines.config import Settings
from pipelines.usecases.dictionary import generate
from pipelines.usecases.reference import keep_reference_tables
from pipelines.warehouse import Warehouse, open_warehouse
from schemas.tables import TABLES
from schemas.views import VIEWS
from tests.pipelines.warehouse.analytics_data import MONDAY, PREVIOUS_MONDAY, TUESDAY, at, load
from tests.support import SettingsFactory

pytestmark = pytest.mark.integration

WEEK = MONDAY.date()
MON, TUE = MONDAY.date(), TUESDAY.date()
MAIN, RESEARCH, STUDENTS = "UniOfficial", "UniResearchNews", "University Student Life"


@pytest.fixture
def loaded(make_settings: SettingsFactory, warehouse_kind: str) -> Iterator[Warehouse]:
    settings = make_settings(warehouse_kind)
    with open_warehouse(settings.warehouse) as warehouse:
        load(warehouse, settings)
        yield warehouse


def rows(warehouse: Warehouse, sql: str) -> list[tuple[Any, ...]]:
    """Rows with floats rounded, so both back ends compare equal."""
    result = warehouse.analytics.read(sql)
    return [
        tuple(round(value, 6) if isinstance(value, float) else value for value in row)
        for row in result.rows
    ]


def test_activity_per_account_platform_and_day(loaded: Warehouse) -> None:
    assert rows(loaded, "SELECT * FROM account_activity_daily ORDER BY account, day") == [
        # account, handle, platform, day, records, posts, replies, comments, mentions,
        # authors (official ones not counted), unscored, deleted
        ("uni_main", MAIN, "x", PREVIOUS_MONDAY.date(), 1, 0, 1, 0, 0, 1, 0, 0),
        ("uni_main", MAIN, "x", MON, 3, 1, 2, 0, 0, 1, 1, 0),
        ("uni_main", MAIN, "x", TUE, 1, 0, 0, 0, 1, 1, 0, 0),
        # the mention of two accounts counts for each
        ("uni_research", RESEARCH, "x", TUE, 1, 0, 0, 0, 1, 1, 0, 0),
        ("uni_students", STUDENTS, "facebook", TUE, 1, 0, 0, 1, 0, 1, 0, 1),
    ]


def test_detection_scores_read_the_json_evidence_into_columns(loaded: Warehouse) -> None:
    assert rows(
        loaded,
        "SELECT detection_id, record_id, category, score, threshold, text_lang, posted_at, "
        "is_current FROM detection_scores ORDER BY detection_id",
    ) == [
        ("d1", "x:2", "offensive", 0.9, 0.7, "en", at(MONDAY, 10), True),
        ("d2", "x:4", "threat", 0.8, 0.5, "en", at(TUESDAY, 8), True),
        ("d3", "x:4", "hate", 0.6, 0.55, "en", at(TUESDAY, 8), False),
        ("d4", "x:6", "misleading", 0.7, 0.47, "en", at(PREVIOUS_MONDAY, 10), True),
    ]


def test_detections_per_week_category_and_clause_leave_out_superseded_ones(
    loaded: Warehouse,
) -> None:
    assert rows(loaded, "SELECT * FROM detections_weekly ORDER BY week, category") == [
        (PREVIOUS_MONDAY.date(), "uni_main", "misleading", "7.16", 1, 1, 0.7, 0.7),
        (WEEK, "uni_main", "offensive", "7.17", 1, 1, 0.9, 0.9),
        (WEEK, "uni_main", "threat", "7.17", 1, 1, 0.8, 0.8),
    ]


def test_alert_findings_one_row_per_rule_that_fired(loaded: Warehouse) -> None:
    assert rows(
        loaded,
        "SELECT alert_id, rule_id, category, policy_clause, severity, score, threshold, "
        "alert_severity, status, is_current FROM alert_findings ORDER BY alert_id, rule_id",
    ) == [
        ("A1", "abuse-received", "offensive", "7.17", "high", 0.9, 0.7, "high", "confirmed", True),
        (
            "A2",
            "hate-received",
            "hate",
            "7.16",
            "high",
            0.6,
            0.55,
            "critical",
            "false_positive",
            True,
        ),
        (
            "A2",
            "threat-received",
            "threat",
            "7.17",
            "critical",
            0.8,
            0.5,
            "critical",
            "false_positive",
            True,
        ),
        (
            "A3",
            "abuse-received",
            "offensive",
            "7.17",
            "high",
            0.9,
            0.7,
            "high",
            "acknowledged",
            True,
        ),
        (
            "A4",
            "misinformation-received",
            "misleading",
            "7.16",
            "medium",
            0.7,
            0.47,
            "medium",
            "open",
            False,
        ),
        # written before alerts carried their findings: the alert's own columns
        (
            "A5",
            "offensive-received",
            "offensive",
            "7.17",
            "low",
            1.0,
            None,
            "low",
            "duplicate",
            True,
        ),
    ]


def test_alerts_per_week_category_clause_and_severity(loaded: Warehouse) -> None:
    assert rows(
        loaded, "SELECT * FROM alerts_weekly ORDER BY week, account, category, severity"
    ) == [
        # week, account, category, clause, severity, alerts, open, confirmed, false alarms, dup
        (WEEK, "uni_main", "hate", "7.16", "high", 1, 0, 0, 1, 0),
        (WEEK, "uni_main", "offensive", "7.17", "high", 2, 1, 1, 0, 0),
        (WEEK, "uni_main", "threat", "7.17", "critical", 1, 0, 0, 1, 0),
        (WEEK, "uni_students", "offensive", "7.17", "low", 1, 0, 0, 0, 1),
    ]


def test_alert_lifecycle_times_each_step(loaded: Warehouse) -> None:
    assert rows(
        loaded,
        "SELECT alert_id, handle, kind, categories, policy_clauses, threshold, posted_at, "
        "minutes_to_raise, minutes_to_acknowledge, minutes_to_resolve, is_current "
        "FROM alert_lifecycle ORDER BY alert_id",
    ) == [
        (
            "A1",
            MAIN,
            "reply",
            '["offensive"]',
            '["7.17"]',
            0.7,
            at(MONDAY, 10),
            5.0,
            10.0,
            30.0,
            True,
        ),
        (
            "A2",
            MAIN,
            "mention",
            '["hate", "threat"]',
            '["7.16", "7.17"]',
            0.5,
            at(TUESDAY, 8),
            10.0,
            30.0,
            60.0,
            True,
        ),
        (
            "A3",
            MAIN,
            "reply",
            '["offensive"]',
            '["7.17"]',
            0.7,
            at(MONDAY, 11),
            2.0,
            20.0,
            None,
            True,
        ),
        (
            "A4",
            MAIN,
            "reply",
            '["misleading"]',
            '["7.16"]',
            0.47,
            at(PREVIOUS_MONDAY, 10),
            5.0,
            None,
            None,
            False,
        ),
        (
            "A5",
            STUDENTS,
            "comment",
            '["offensive"]',
            '["7.17"]',
            None,
            at(TUESDAY, 9),
            30.0,
            None,
            10.0,
            True,
        ),
    ]


def test_alert_response_by_account_and_severity(loaded: Warehouse) -> None:
    assert rows(loaded, "SELECT * FROM alert_response ORDER BY account, severity") == [
        # account, severity, alerts, acknowledged, resolved, open, confirmed, false alarms,
        # duplicates, median minutes to acknowledge and to resolve, verdict shares
        ("uni_main", "critical", 1, 1, 1, 0, 0, 1, 0, 30.0, 60.0, 0.0, 1.0, 0.0),
        # an acknowledged alert is not resolved: it counts as open
        ("uni_main", "high", 2, 2, 1, 1, 1, 0, 0, 15.0, 30.0, 1.0, 0.0, 0.0),
        ("uni_students", "low", 1, 0, 1, 0, 0, 0, 1, None, 10.0, 0.0, 0.0, 1.0),
    ]


def test_rule_precision_from_verdicts(loaded: Warehouse) -> None:
    assert rows(loaded, "SELECT * FROM rule_precision ORDER BY rule_id") == [
        # rule, alerts, reviewed, open, confirmed, false alarms, duplicates, precision
        ("abuse-received", 2, 1, 1, 1, 0, 0, 1.0),
        ("hate-received", 1, 1, 0, 0, 1, 0, 0.0),
        ("offensive-received", 1, 0, 0, 0, 0, 1, None),
        ("threat-received", 1, 1, 0, 0, 1, 0, 0.0),
    ]


def test_top_threads_by_alerts(loaded: Warehouse) -> None:
    assert rows(loaded, "SELECT * FROM top_threads ORDER BY alerts DESC, conversation_id") == [
        ("x:1", "uni_main", MAIN, 2, 1, "high", 0, 2, at(MONDAY, 10), at(MONDAY, 11)),
        # an alert without a thread is its own
        ("facebook:5", "uni_students", STUDENTS, 1, 0, "low", 0, 0, at(TUESDAY, 9), at(TUESDAY, 9)),
        ("x:4", "uni_main", MAIN, 1, 0, "critical", 1, 0, at(TUESDAY, 8), at(TUESDAY, 8)),
    ]


def test_coverage_gaps_per_account_stream_and_day(loaded: Warehouse) -> None:
    assert rows(loaded, "SELECT * FROM coverage_daily ORDER BY day, account, stream") == [
        ("uni_main", MAIN, "twitter", "mentions", MON, 1, 0, 1, 0, 1, 3, "rate limited"),
        ("uni_main", MAIN, "twitter", "posts", MON, 1, 1, 0, 0, 0, 10, None),
        ("uni_main", MAIN, "twitter", "posts", TUE, 1, 0, 0, 1, 1, 0, "token expired"),
        ("uni_students", STUDENTS, "facebook", "comments", TUE, 1, 1, 0, 0, 0, 5, None),
    ]


def test_data_quality_failures_per_run(loaded: Warehouse) -> None:
    assert rows(
        loaded,
        "SELECT run_id, command, run_status, run_started_at, suite, expectation, severity, "
        "unexpected_count FROM dq_failures ORDER BY run_id",
    ) == [
        (
            "run-1",
            "process",
            "failed",
            at(MONDAY, 12, 5),
            "records",
            "expect_text_redacted",
            "critical",
            2,
        ),
        (
            "run-2",
            "run",
            "succeeded",
            at(TUESDAY, 12, 5),
            "volume",
            "expect_volume_near_usual",
            "warning",
            1,
        ),
    ]


def test_every_table_view_and_column_is_described_and_views_are_as_declared(
    make_settings: SettingsFactory, warehouse_kind: str
) -> None:
    with open_warehouse(make_settings(warehouse_kind).warehouse) as warehouse:
        catalog = {entry.name: entry for entry in warehouse.analytics.catalog()}
    assert {name for name, entry in catalog.items() if entry.kind == "view"} == set(VIEWS)
    assert set(TABLES) <= {name for name, entry in catalog.items() if entry.kind == "table"}
    undescribed = [name for name in [*TABLES, *VIEWS] if not catalog[name].description]
    undescribed += [
        f"{name}.{column.name}"
        for name in [*TABLES, *VIEWS]
        for column in catalog[name].columns
        if not column.description
    ]
    assert undescribed == []
    for view in VIEWS.values():
        assert tuple(column.name for column in catalog[view.name].columns) == view.column_names


def test_accounts_and_clauses_follow_the_configuration(
    make_settings: SettingsFactory, warehouse_kind: str
) -> None:
    settings = make_settings(warehouse_kind)
    with open_warehouse(settings.warehouse) as warehouse:
        keep_reference_tables(warehouse, settings)
        first = rows(warehouse, "SELECT account, handle, configured FROM accounts ORDER BY 1")
        assert first == [
            ("uni_main", MAIN, True),
            ("uni_research", RESEARCH, True),
            ("uni_students", STUDENTS, True),
        ]
        clauses = rows(warehouse, "SELECT policy_clause, title FROM policy_clauses ORDER BY 1")
        assert ("7.17", "Offensive or threatening content received") in clauses
        renamed = [
            {**account.model_dump(), "handle": "UniMain"}
            if account.key == "uni_main"
            else account.model_dump()
            for account in settings.accounts
            if account.key != "uni_research"
        ]
        keep_reference_tables(warehouse, Settings(**{**_plain(settings), "accounts": renamed}))
        assert rows(warehouse, "SELECT account, handle, configured FROM accounts ORDER BY 1") == [
            ("uni_main", "UniMain", True),
            ("uni_research", RESEARCH, False),  # removed from the configuration: kept
            ("uni_students", STUDENTS, True),
        ]


def _plain(settings: Settings) -> dict[str, Any]:
    dumped = settings.model_dump(exclude={"accounts"})
    return {key: value for key, value in dumped.items() if key in settings.model_fields_set}


def test_the_data_dictionary_is_generated_from_the_warehouse_and_up_to_date() -> None:
    page = generate()
    for name in [*TABLES, *VIEWS]:
        assert f"### {name}\n" in page
    shipped = Path(__file__).resolve().parents[3] / "docs" / "data-dictionary.md"
    assert shipped.read_text(encoding="utf-8") == page, "run `make data-dictionary`"


def test_days_and_weeks_are_utc_dates_whatever_the_session_time_zone(loaded: Warehouse) -> None:
    """At UTC-12, Monday 09:00 UTC is still Sunday: an analyst's session in another zone must
    not move records to another day or week."""
    zone = (
        "SET TimeZone = 'Etc/GMT+12'" if loaded.kind == "duckdb" else "SET TIME ZONE 'Etc/GMT+12'"
    )
    loaded.connection.execute(zone)
    days = rows(loaded, "SELECT DISTINCT day FROM account_activity_daily ORDER BY day")
    weeks = rows(loaded, "SELECT DISTINCT week FROM alerts_weekly")
    assert days == [(PREVIOUS_MONDAY.date(),), (MON,), (TUE,)]
    assert weeks == [(WEEK,)]
    assert all(type(value) is date for (value,) in days)

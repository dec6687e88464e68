"""Data-quality results of every run, and the history the volume checks compare against."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from pipelines.warehouse.connection import Connection, now


class ExpectationResult(Protocol):
    """What a checked expectation reports (``pipelines.quality.results.DqResult``)."""

    @property
    def suite(self) -> str: ...

    @property
    def expectation(self) -> str: ...

    @property
    def column(self) -> str | None: ...

    @property
    def severity(self) -> str: ...

    @property
    def success(self) -> bool: ...

    @property
    def observed_value(self) -> str | None: ...

    @property
    def unexpected_count(self) -> int | None: ...

    @property
    def explains(self) -> str: ...


class QualityStore:
    """``dq_results``, and per-account history from ``records`` for the volume checks."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def record(self, run_id: str, results: Sequence[ExpectationResult], after: int = 0) -> None:
        """Store a run's expectation results (their own transaction: kept if the commit fails),
        numbered from ``after`` (a later check of the same run comes after the batch's)."""
        if not results:
            return
        stamp = now()
        with self.connection.transaction():
            self.connection.execute_many(
                "INSERT INTO dq_results (run_id, position, suite, expectation, column_name, "
                "severity, success, observed_value, unexpected_count, explains, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (run_id, position) DO NOTHING",
                [
                    (
                        run_id,
                        position,
                        r.suite,
                        r.expectation,
                        r.column,
                        r.severity,
                        r.success,
                        r.observed_value,
                        r.unexpected_count,
                        r.explains,
                        stamp,
                    )
                    for position, r in enumerate(results, start=after)
                ],
            )

    def next_position(self, run_id: str) -> int:
        """Where a run's next results are numbered from."""
        rows = self.connection.execute(
            "SELECT COALESCE(MAX(position) + 1, 0) FROM dq_results WHERE run_id = ?", (run_id,)
        )
        return int(rows[0][0])

    def results_of(self, run_id: str) -> list[dict[str, Any]]:
        """A run's results in the order they were checked, by column name."""
        return self.connection.query_dicts(
            "SELECT * FROM dq_results WHERE run_id = ? ORDER BY position", (run_id,)
        )

    def new_records_per_run(self, history_runs: int) -> dict[str, list[int]]:
        """Per account, how many records each of the latest non-empty runs first stored."""
        rows = self.connection.execute(
            "SELECT r.account, r.first_run_id, count(*) FROM records r "
            "JOIN (SELECT run_id FROM runs WHERE status = 'succeeded' AND records_read > 0 "
            "      ORDER BY started_at DESC LIMIT ?) recent ON recent.run_id = r.first_run_id "
            "GROUP BY r.account, r.first_run_id",
            (history_runs,),
        )
        per_account: dict[str, list[int]] = {}
        for account, _, count in rows:
            per_account.setdefault(str(account), []).append(int(count))
        return per_account

    def latest_item_times(self, account: str, limit: int) -> list[datetime]:
        """When the account's latest stored items were created, newest first."""
        rows = self.connection.execute(
            "SELECT created_at FROM records WHERE account = ? AND NOT deleted "
            "ORDER BY created_at DESC LIMIT ?",
            (account, limit),
        )
        return [row[0] for row in rows]

"""The run log: one row per ``socmon process`` run, from start to its fate, with its counts."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from pipelines.ranges import PartitionRange
from pipelines.warehouse.connection import Connection, WarehouseError, now

log = logging.getLogger(__name__)


def _ranges_json(ranges: Sequence[PartitionRange]) -> str:
    return json.dumps([piece.to_json() for piece in ranges])


class RunLog:
    """Runs: started, staged, succeeded, failed or abandoned."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def start(self, run_id: str, command: str, versions: dict[str, str]) -> None:
        """Record that a run began; earlier runs still marked running were killed."""
        with self.connection.transaction():
            abandoned = self.connection.execute(
                "UPDATE runs SET status = 'abandoned', finished_at = ? WHERE status = 'running' "
                "RETURNING run_id",
                (now(),),
            )
            self.connection.execute(
                "INSERT INTO runs (run_id, command, status, started_at, versions) "
                "VALUES (?, ?, 'running', ?, ?)",
                (run_id, command, now(), json.dumps(versions, sort_keys=True)),
            )
        for (stale,) in abandoned:
            log.warning("run %s never finished (killed?); marked abandoned", stale)

    def note_staged(
        self, run_id: str, counts: dict[str, int], ranges: Sequence[PartitionRange]
    ) -> None:
        """What a run read and staged, before the gate and the commit decide its fate.

        ``counts`` names runs columns: records_read, duplicates, dead_letters, out_of_scope.
        """
        self._update(run_id, {**counts, "ranges": _ranges_json(ranges)})

    def succeed(
        self, run_id: str, counts: dict[str, Any], ranges: Sequence[PartitionRange]
    ) -> None:
        """Mark a run succeeded with its counts (inside the commit transaction)."""
        values = {"status": "succeeded", "finished_at": now(), **counts}
        values["ranges"] = _ranges_json(ranges)
        self._update(run_id, values)

    def add_alerts_raised(self, run_id: str, count: int) -> None:
        """Count alerts raised after the commit (bullying patterns) among the run's alerts."""
        self.connection.execute(
            "UPDATE runs SET alerts_raised = COALESCE(alerts_raised, 0) + ? WHERE run_id = ?",
            (count, run_id),
        )

    def fail(self, run_id: str, error: str) -> None:
        """Mark a run failed with a one-line reason."""
        self._update(run_id, {"status": "failed", "finished_at": now(), "error": error[:2000]})

    def link_ingest(self, run_id: str, ingest_id: str, coverage_gaps: Sequence[str]) -> None:
        """Record which ingest fed the run and what that ingest could not fetch."""
        self._update(
            run_id, {"ingest_id": ingest_id, "coverage_gaps": json.dumps(list(coverage_gaps))}
        )

    def row(self, run_id: str) -> dict[str, Any]:
        """One run's row, by column name."""
        rows = self.connection.query_dicts("SELECT * FROM runs WHERE run_id = ?", (run_id,))
        if not rows:
            raise WarehouseError(f"no run {run_id}")
        return rows[0]

    def recent(self, limit: int) -> list[dict[str, Any]]:
        """The latest runs, newest first, by column name."""
        return self.connection.query_dicts(
            "SELECT * FROM runs ORDER BY started_at DESC LIMIT ?", (limit,)
        )

    def _update(self, run_id: str, values: dict[str, Any]) -> None:
        assignments = ", ".join(f"{column} = ?" for column in values)
        self.connection.execute(
            f"UPDATE runs SET {assignments} WHERE run_id = ?", (*values.values(), run_id)
        )

"""The warehouse side of the connectors: cursors, coverage, and the items a deletion check needs.

``ConnectorState`` implements the cursor store and the ``KnownItems``
protocol that ``connectors/`` declares, over a warehouse connection.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from connectors.base import KnownItem, StreamCoverage
from pipelines.warehouse.connection import Connection
from schemas.records import KINDS, Kind, Platform

_SAVE_CURSOR = """
INSERT INTO connector_cursors (connector, account, cursor_state, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (connector, account) DO UPDATE SET
    cursor_state = excluded.cursor_state, updated_at = excluded.updated_at
"""
_INSERT_COVERAGE = """
INSERT INTO coverage (ingest_id, connector, account, stream, status, fetched, newest_item_at,
                      reason, checked_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (ingest_id, connector, account, stream) DO NOTHING
"""


class ConnectorState:
    """Cursors and coverage rows in the warehouse, and recent items for deletion checks."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def load_cursor(self, connector: str, account: str) -> str | None:
        """The stored cursor, or None before the first fetch."""
        rows = self.connection.execute(
            "SELECT cursor_state FROM connector_cursors WHERE connector = ? AND account = ?",
            (connector, account),
        )
        return str(rows[0][0]) if rows else None

    def save_cursor(self, connector: str, account: str, cursor: str) -> None:
        """Store the cursor once what it covers has been delivered to Kafka."""
        self.connection.execute(_SAVE_CURSOR, (connector, account, cursor, datetime.now(UTC)))

    def record_coverage(
        self, ingest_id: str, connector_of: dict[str, str], coverage: Sequence[StreamCoverage]
    ) -> None:
        """One row per account and stream; ``connector_of`` maps account to connector name."""
        now = datetime.now(UTC)
        with self.connection.transaction():
            self.connection.execute_many(
                _INSERT_COVERAGE,
                [
                    (
                        ingest_id,
                        connector_of.get(row.account, "?"),
                        row.account,
                        row.stream,
                        row.status,
                        row.fetched,
                        row.newest_item_at,
                        row.reason,
                        now,
                    )
                    for row in coverage
                ],
            )

    def recent_items(
        self, platform: Platform, account: str, since: datetime
    ) -> Sequence[KnownItem]:
        """Stored, not deleted items of ``account`` created at or after ``since``."""
        rows = self.connection.execute(
            "SELECT id, native_id, kind, created_at, parent_id, conversation_id FROM records "
            "WHERE platform = ? AND account = ? AND created_at >= ? AND NOT deleted",
            (platform, account, since),
        )
        return [
            KnownItem(str(i), str(native), _kind(kind), _utc(created), parent, conversation)
            for i, native, kind, created, parent, conversation in rows
        ]

    def latest_ingest(self) -> str | None:
        """The id of the latest ingest that recorded coverage, if any."""
        rows = self.connection.execute(
            "SELECT ingest_id FROM coverage ORDER BY checked_at DESC LIMIT 1"
        )
        return str(rows[0][0]) if rows else None

    def coverage_of(self, ingest_id: str) -> list[dict[str, Any]]:
        """One ingest's coverage rows, by column name, per account and stream."""
        return self.connection.query_dicts(
            "SELECT * FROM coverage WHERE ingest_id = ? ORDER BY account, stream", (ingest_id,)
        )


def _kind(value: object) -> Kind:
    for kind in KINDS:
        if kind == value:
            return kind
    raise ValueError(f"unknown kind {value!r} in records")


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

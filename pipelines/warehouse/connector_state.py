"""The warehouse side of the connectors: cursors, coverage, and the items a deletion check needs.

``ConnectorState`` implements the cursor store and the ``KnownItems``
protocol that ``connectors/`` declares, over a warehouse connection.

**Cursors follow the warehouse.** Ingest does not move a connector's cursor when its
messages reach the broker: it saves a *checkpoint* (the cursor, the broker's cluster id
and, per partition, the offset after its messages). The commit transaction that stores
records up to those offsets promotes the newest covered checkpoint to the connector's
cursor (``connector_cursors``). Ingest resumes from the newest checkpoint only while the
broker still holds its messages (same cluster, high-water marks at or past its positions);
otherwise the checkpoints are void and fetching starts again from the committed cursor,
so a failed tick, a killed process or an emptied broker never loses what was fetched.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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


log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BrokerView:
    """What the broker holds now: its cluster id and each partition's high-water mark."""

    topic: str
    cluster_id: str | None
    high_water: Mapping[int, int]

    def holds(self, topic: str, cluster_id: str | None, positions: Mapping[int, int]) -> bool:
        """Whether messages up to ``positions`` of that cluster are still in this broker."""
        return (
            topic == self.topic
            and cluster_id == self.cluster_id
            and all(
                self.high_water.get(partition, 0) >= end for partition, end in positions.items()
            )
        )


class ConnectorState:
    """Cursors and coverage rows in the warehouse, and recent items for deletion checks."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def load_cursor(
        self, connector: str, account: str, broker: BrokerView | None = None
    ) -> str | None:
        """Where fetching resumes: the newest checkpoint the broker still holds, else the
        committed cursor (None before the first fetch). Void checkpoints are dropped."""
        checkpoints = self._checkpoints(connector, account)
        if broker is not None and checkpoints:
            newest = checkpoints[-1]
            if broker.holds(newest["topic"], newest["cluster_id"], _positions(newest)):
                return str(newest["cursor_state"])
            log.warning(
                "%s/%s: the broker no longer holds %d fetched batch(es) not yet stored "
                "(new, emptied or other broker); fetching again from the committed cursor",
                connector,
                account,
                len(checkpoints),
            )
            self.connection.execute(
                "DELETE FROM cursor_checkpoints WHERE connector = ? AND account = ?",
                (connector, account),
            )
        rows = self.connection.execute(
            "SELECT cursor_state FROM connector_cursors WHERE connector = ? AND account = ?",
            (connector, account),
        )
        return str(rows[0][0]) if rows else None

    def save_checkpoint(
        self,
        connector: str,
        account: str,
        cursor: str,
        broker: BrokerView,
        positions: Mapping[int, int],
    ) -> None:
        """Keep a cursor whose messages are in the broker up to ``positions``.

        Positions only grow: a checkpoint also covers every earlier one not yet committed.
        """
        earlier = self._checkpoints(connector, account)
        covered = dict(positions)
        sequence = 1
        if earlier:
            sequence = int(earlier[-1]["sequence"]) + 1
            for partition, end in _positions(earlier[-1]).items():
                covered[partition] = max(end, covered.get(partition, 0))
        self.connection.execute(
            "INSERT INTO cursor_checkpoints (connector, account, sequence, cursor_state, topic, "
            "cluster_id, positions, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                connector,
                account,
                sequence,
                cursor,
                broker.topic,
                broker.cluster_id,
                json.dumps({str(p): end for p, end in sorted(covered.items())}),
                datetime.now(UTC),
            ),
        )

    def promote(self, topic: str, cluster_id: str | None, committed: Mapping[int, int]) -> int:
        """Inside the commit: make each newest checkpoint whose messages are now stored the
        connector's cursor, and drop it with the older ones; return how many cursors moved."""
        rows = self.connection.query_dicts(
            "SELECT * FROM cursor_checkpoints WHERE topic = ? "
            "ORDER BY connector, account, sequence",
            (topic,),
        )
        newest: dict[tuple[str, str], dict[str, Any]] = {}
        for row in rows:
            stored = row["cluster_id"] == cluster_id and all(
                committed.get(partition, 0) >= end for partition, end in _positions(row).items()
            )
            if stored:
                newest[(row["connector"], row["account"])] = row
        for (connector, account), row in newest.items():
            self.connection.execute(
                _SAVE_CURSOR, (connector, account, row["cursor_state"], datetime.now(UTC))
            )
            self.connection.execute(
                "DELETE FROM cursor_checkpoints WHERE connector = ? AND account = ? "
                "AND sequence <= ?",
                (connector, account, row["sequence"]),
            )
        return len(newest)

    def _checkpoints(self, connector: str, account: str) -> list[dict[str, Any]]:
        return self.connection.query_dicts(
            "SELECT * FROM cursor_checkpoints WHERE connector = ? AND account = ? "
            "ORDER BY sequence",
            (connector, account),
        )

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


def _positions(row: Mapping[str, Any]) -> dict[int, int]:
    return {int(partition): int(end) for partition, end in json.loads(row["positions"]).items()}

"""The warehouse: one connection, and a store per role over it.

Callers ask a role for what they need (``warehouse.runs.start(...)``,
``warehouse.alerts.due(...)``); no SQL lives outside this package. Open it with
``with open_warehouse(settings) as warehouse:`` so it is always closed.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from pipelines.warehouse.alerts import AlertStore
from pipelines.warehouse.analytics import AnalyticsStore
from pipelines.warehouse.connection import Connection
from pipelines.warehouse.connector_state import ConnectorState
from pipelines.warehouse.dead_letters import DeadLetterStore
from pipelines.warehouse.escalations import EscalationStore
from pipelines.warehouse.notices import NoticeStore
from pipelines.warehouse.offsets import OffsetStore
from pipelines.warehouse.privacy import PrivacyStore
from pipelines.warehouse.quality import QualityStore
from pipelines.warehouse.records import RecordStore
from pipelines.warehouse.review import ReviewStore
from pipelines.warehouse.runs import RunLog
from pipelines.warehouse.status import StatusStore
from schemas.tables import TABLES


class Warehouse:
    """Every store of the warehouse over one connection, with one ``transaction()``."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.kind = connection.kind
        self.runs = RunLog(connection)
        self.offsets = OffsetStore(connection)
        self.records = RecordStore(connection)
        self.dead_letters = DeadLetterStore(connection)
        self.alerts = AlertStore(connection)
        self.review = ReviewStore(connection)
        self.privacy = PrivacyStore(connection, self.alerts)
        self.quality = QualityStore(connection)
        self.connectors = ConnectorState(connection)
        self.status = StatusStore(connection)
        self.analytics = AnalyticsStore(connection)
        self.escalations = EscalationStore(connection)
        self.notices = NoticeStore(connection)
        self.transaction = connection.transaction

    def count(self, table: str) -> int:
        """Rows in one of our tables."""
        return self.connection.count(table)

    def rows(self, table: str) -> list[dict[str, Any]]:
        """Every row of one of our tables, by column name, in key order (for inspection)."""
        declared = TABLES[table]
        return self.connection.query_dicts(
            f"SELECT * FROM {declared.name} ORDER BY {', '.join(declared.key)}"
        )

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

"""One connection to the warehouse, whatever the back end: statements, transactions, bulk loads.

Every store takes a :class:`Connection`; the DuckDB and PostgreSQL classes differ only in
how they connect, name parameters and make an Arrow table queryable. All our SQL uses
``?`` placeholders.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from schemas.errors import SocmonError
from schemas.tables import TABLES


class WarehouseError(SocmonError):
    """The warehouse refused an operation."""


class SchemaNotCurrent(WarehouseError):
    """The warehouse's schema is missing, older or newer than this socmon's: one line, exit 2
    (a retry cannot help; someone runs `socmon migrate` or upgrades socmon first)."""

    retry_helps = False


class WarehouseBusy(WarehouseError):
    """Another socmon command is writing to this warehouse (a retry later can succeed)."""


class Connection(ABC):
    """A warehouse connection with a re-entrant ``transaction()``."""

    #: Human name of the back end, for logs and summaries.
    kind: str

    def __init__(self) -> None:
        self._depth = 0

    @abstractmethod
    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement; return its rows (empty if none)."""

    @abstractmethod
    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each row of parameters."""

    @abstractmethod
    def query_dicts(self, sql: str, parameters: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run a query; rows as dicts keyed by column name."""

    @abstractmethod
    def _begin(self) -> None: ...

    @abstractmethod
    def _commit(self) -> None: ...

    @abstractmethod
    def _rollback(self) -> None: ...

    @abstractmethod
    def _load(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable under ``name`` for set-based SQL."""

    @abstractmethod
    def _unload(self, name: str) -> None:
        """Remove what ``_load`` created."""

    @abstractmethod
    def take_lease(self, command: str, wait_s: float) -> None:
        """Become the one writer of this warehouse for as long as the connection lives,
        waiting up to ``wait_s`` for another writer to finish; else raise ``WarehouseBusy``."""

    @abstractmethod
    def prepare_schema(self) -> None:
        """Make sure the place the tables live in exists."""

    def publish_for_readers(self) -> Path | None:
        """After a commit, make it visible to readers who cannot share the writer's file;
        where the copy went, if one was made (PostgreSQL readers need none)."""
        return None

    def use_schema(self) -> None:  # noqa: B027 - nothing to do where there is one schema
        """Look for the tables where they live, creating nothing."""

    @contextlib.contextmanager
    def migration_lock(self) -> Iterator[None]:
        """Held while migrations run, so two starting processes cannot both apply them."""
        yield

    @abstractmethod
    def close(self) -> None:
        """Close the connection."""

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside lands together or not at all; nested blocks join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._begin()
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._rollback()
            raise
        self._depth = 0
        self._commit()

    @contextlib.contextmanager
    def loaded(self, name: str, table: pa.Table) -> Iterator[str]:
        """``table`` queryable under ``name`` for the duration of the block."""
        self._load(name, table)
        try:
            yield name
        finally:
            self._unload(name)

    def count(self, table: str) -> int:
        """Rows in one of our tables."""
        if table not in TABLES:
            raise WarehouseError(f"unknown table {table!r}; known: {', '.join(sorted(TABLES))}")
        return int(self.execute(f"SELECT count(*) FROM {table}")[0][0])


def now() -> datetime:
    """The time the warehouse stamps on what it writes (UTC)."""
    return datetime.now(UTC)

"""The default warehouse: one DuckDB file, written by one process at a time."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pipelines.warehouse.connection import Connection, WarehouseBusy, WarehouseError

#: How every warehouse file is opened. DuckDB's JSON type comes from its json extension, built
#: into the Python package. A file whose write-ahead log holds a JSON column's definition (a
#: crash soon after a migration, before a checkpoint) needs it while the log is replayed, and
#: DuckDB 2.0.1 then first tries to download it, which fails offline ("Failure while replaying
#: WAL file ... automatically install the required extension 'json'"): extensions are loaded
#: from what is installed, never downloaded at run time.
DUCKDB_CONFIG: dict[str, Any] = {"autoinstall_known_extensions": False}


def duckdb_path(url: str) -> Path:
    """The file named by ``duckdb:///path`` (relative) or ``duckdb:////abs/path``."""
    return Path(url.removeprefix("duckdb:///"))


def analytics_copy_path(url: str) -> Path:
    """Where the analysts' copy of the warehouse file ``url`` is published."""
    path = duckdb_path(url)
    return path.with_name(f"{path.stem}.analytics{path.suffix or '.duckdb'}")


class DuckDBConnection(Connection):
    """DuckDB back end. Analysts read a copy, or use PostgreSQL for shared access."""

    kind = "duckdb"

    def __init__(
        self, url: str, wait_s: float = 0.0, read_only: bool = False, analytics_copy: bool = False
    ) -> None:
        super().__init__()
        self.path = duckdb_path(url)
        self.read_only = read_only
        self.analytics_copy = analytics_copy_path(url) if analytics_copy else None
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = self._open(wait_s)
        self._connection.execute("SET TimeZone = 'UTC'")

    def _open(self, wait_s: float) -> duckdb.DuckDBPyConnection:
        """The file, once no other process holds it (DuckDB lets one process open it)."""
        deadline = time.monotonic() + wait_s
        while True:
            try:
                return duckdb.connect(
                    str(self.path), read_only=self.read_only, config=DUCKDB_CONFIG
                )
            except duckdb.IOException as error:
                if "lock" not in str(error).lower():
                    raise WarehouseError(f"cannot open {self.path}: {error}") from None
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(
                        f"{self.path} is open in {_holder(str(error))}, and DuckDB lets one "
                        f"process open it at a time (waited {wait_s:g} s): another socmon "
                        "command, or an analyst's connection — analysts query a copy"
                    ) from None
                time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self._connection.execute(sql, list(parameters))
        return [] if cursor.description is None else cursor.fetchall()

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._connection.executemany(sql, [list(row) for row in rows])

    def query_dicts(self, sql: str, parameters: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self._connection.execute(sql, list(parameters))
        names = [column[0] for column in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _begin(self) -> None:
        self._connection.execute("BEGIN TRANSACTION")

    def _commit(self) -> None:
        self._connection.execute("COMMIT")

    def _rollback(self) -> None:
        self._connection.execute("ROLLBACK")

    def _load(self, name: str, table: pa.Table) -> None:
        # DuckDB reads the Arrow table in place: no copy into a temporary table.
        self._connection.register(name, table)

    def _unload(self, name: str) -> None:
        self._connection.unregister(name)

    def take_lease(self, command: str, wait_s: float) -> None:
        """Nothing more to take: the open file is already this process's alone."""

    def prepare_schema(self) -> None:
        """DuckDB keeps the tables in the file's main schema."""

    def publish_for_readers(self) -> Path | None:
        """After a commit: the analysts' copy, published anew (if configured)."""
        if self.analytics_copy is None or self.read_only:
            return None
        self.publish_copy(self.analytics_copy)
        return self.analytics_copy

    def publish_copy(self, target: Path) -> int:
        """Publish a consistent copy of the file at ``target`` for readers; its size in bytes.

        The writer holds the file alone, so after a checkpoint (the write-ahead log folded
        into the file) its bytes are a consistent database. They are copied beside
        ``target`` and renamed over it: a reader that has the old copy open keeps reading it
        undisturbed (the old file lives on until it closes), one that opens it next sees the
        new one, and nobody ever sees half a copy.
        """
        self._connection.execute("CHECKPOINT")
        aside = target.with_name(f".{target.name}.{os.getpid()}.partial")
        try:
            shutil.copyfile(self.path, aside)
            with open(aside, "rb+") as copied:
                os.fsync(copied.fileno())
            os.replace(aside, target)
        finally:
            aside.unlink(missing_ok=True)
        return target.stat().st_size

    def close(self) -> None:
        self._connection.close()


def _holder(message: str) -> str:
    """ "process 1234 (socmon process)" from DuckDB's lock error, as far as it can be told."""
    found = re.search(r"PID (\d+)", message)
    if not found:
        return "another process"
    pid = found.group(1)
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as command:
            words = command.read().split(b"\0")
    except OSError:
        return f"process {pid}"
    shown = " ".join(word.decode(errors="replace") for word in words if word)
    return f"process {pid} ({shown[:120]})"

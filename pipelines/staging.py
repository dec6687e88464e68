"""Staged run output: Parquet files per table under ``staging/<run_id>/`` and a manifest.

The Beam pipeline writes here and nothing else; the commit step reads it.
Converting records into warehouse rows happens here, at the warehouse edge.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.ranges import PartitionRange
from schemas.records import DeadLetter, Record

MANIFEST_NAME = "manifest.json"
DUPLICATES_METADATA_KEY = b"socmon.duplicates"

RECORD_ARROW_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("platform", pa.string()),
        ("kind", pa.string()),
        ("account", pa.string()),
        ("accounts", pa.string()),
        ("native_id", pa.string()),
        ("parent_id", pa.string()),
        ("conversation_id", pa.string()),
        ("author_id", pa.string()),
        ("author_is_official", pa.bool_()),
        ("text", pa.string()),
        ("lang", pa.string()),
        ("created_at", pa.timestamp("us", tz="UTC")),
        ("observed_at", pa.timestamp("us", tz="UTC")),
        ("url", pa.string()),
        ("deleted", pa.bool_()),
        ("schema_version", pa.int32()),
        ("source_partition", pa.int32()),
        ("source_offset", pa.int64()),
    ]
)
RECORD_COLUMNS: tuple[str, ...] = tuple(RECORD_ARROW_SCHEMA.names)

DEAD_LETTER_ARROW_SCHEMA = pa.schema(
    [
        ("topic", pa.string()),
        ("kafka_partition", pa.int32()),
        ("kafka_offset", pa.int64()),
        ("kafka_key", pa.string()),
        ("reason", pa.string()),
        ("detail", pa.string()),
        ("value_sha256", pa.string()),
        ("value_size", pa.int64()),
        ("preview", pa.string()),
    ]
)
DEAD_LETTER_COLUMNS: tuple[str, ...] = tuple(DEAD_LETTER_ARROW_SCHEMA.names)

StagedRow = tuple[Any, ...]


def record_to_row(record: Record, partition: int, offset: int) -> StagedRow:
    """A record's warehouse row, in ``RECORD_COLUMNS`` order; the author's handle is dropped."""
    return (
        record.id,
        record.platform,
        record.kind,
        record.account,
        orjson.dumps(record.accounts).decode(),
        record.native_id,
        record.parent_id,
        record.conversation_id,
        record.author.id,
        record.author.is_official,
        record.text,
        record.lang,
        record.created_at,
        record.observed_at,
        record.url,
        record.deleted,
        record.schema_version,
        partition,
        offset,
    )


def dead_letter_to_row(dead_letter: DeadLetter) -> StagedRow:
    """The staged row of a dead letter, in ``DEAD_LETTER_COLUMNS`` order."""
    return tuple(getattr(dead_letter, name) for name in DEAD_LETTER_COLUMNS)


def rows_to_table(rows: Sequence[StagedRow], schema: pa.Schema) -> pa.Table:
    """Build an Arrow table from row tuples (column order = schema order)."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema.names]
    return pa.Table.from_arrays(
        [pa.array(column, type=schema.field(i).type) for i, column in enumerate(columns)],
        schema=schema,
    )


def write_staged_table(table: pa.Table, path: Path, duplicates: int = 0) -> None:
    """Write one staged file atomically (a rerun of the same task overwrites it whole)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = dict(table.schema.metadata or {})
    metadata[DUPLICATES_METADATA_KEY] = str(duplicates).encode("ascii")
    temporary = path.with_name(f".{path.name}.tmp")
    pq.write_table(table.replace_schema_metadata(metadata), temporary, compression="zstd")
    temporary.replace(path)


@dataclass(frozen=True)
class StagedRun:
    """What one run staged: the manifest the commit step works from."""

    run_id: str
    directory: Path
    ranges: tuple[PartitionRange, ...]
    record_files: tuple[Path, ...] = ()
    dead_letter_files: tuple[Path, ...] = ()
    records_read: int = 0
    records_staged: int = 0
    duplicates: int = 0
    dead_letters: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def reconciles(self) -> bool:
        """Every record read is staged, a duplicate or a dead letter."""
        return self.records_read == self.records_staged + self.duplicates + self.dead_letters

    def save(self) -> Path:
        """Write the manifest beside the staged files."""
        path = self.directory / MANIFEST_NAME
        payload = {
            "run_id": self.run_id,
            "ranges": [piece.to_json() for piece in self.ranges],
            "record_files": [file.name for file in self.record_files],
            "dead_letter_files": [file.name for file in self.dead_letter_files],
            "records_read": self.records_read,
            "records_staged": self.records_staged,
            "duplicates": self.duplicates,
            "dead_letters": self.dead_letters,
            "extra": self.extra,
        }
        self.directory.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(payload, indent=2), encoding="utf-8")
        return path

    @classmethod
    def load(cls, directory: Path) -> StagedRun:
        """Read a manifest written by :meth:`save`."""
        payload = json.loads((directory / MANIFEST_NAME).read_text(encoding="utf-8"))
        return cls(
            run_id=payload["run_id"],
            directory=directory,
            ranges=tuple(PartitionRange.from_json(item) for item in payload["ranges"]),
            record_files=tuple(directory / name for name in payload["record_files"]),
            dead_letter_files=tuple(directory / name for name in payload["dead_letter_files"]),
            records_read=payload["records_read"],
            records_staged=payload["records_staged"],
            duplicates=payload["duplicates"],
            dead_letters=payload["dead_letters"],
            extra=payload.get("extra", {}),
        )


def summarise_staged_files(directory: Path) -> tuple[list[Path], list[Path], int, int, int]:
    """List staged files and count rows.

    Returns (record files, dead-letter files, records staged, duplicates, dead letters).
    """
    record_files = sorted(directory.glob("records-*.parquet"))
    dead_files = sorted(directory.glob("dead_letters-*.parquet"))
    staged = duplicates = dead = 0
    for path in record_files:
        metadata = pq.read_metadata(path)
        staged += metadata.num_rows
        extra = metadata.metadata or {}
        duplicates += int(extra.get(DUPLICATES_METADATA_KEY, b"0"))
    for path in dead_files:
        dead += pq.read_metadata(path).num_rows
    return record_files, dead_files, staged, duplicates, dead

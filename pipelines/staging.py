"""Staged run output: Parquet files per table under ``staging/<run_id>/`` and a manifest.

The Beam pipeline writes here and nothing else; the commit step reads it.
Converting records into warehouse rows happens here, at the warehouse edge.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.ranges import PartitionRange
from schemas.records import DeadLetter, Detection, Record

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
        ("pii_entities", pa.string()),
        ("text_lang", pa.string()),
        ("scored", pa.bool_()),
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

#: Records of accounts that are not registered: only where they were, never their content.
OUT_OF_SCOPE_ARROW_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("account", pa.string()),
        ("kafka_partition", pa.int32()),
        ("kafka_offset", pa.int64()),
    ]
)

DETECTION_ARROW_SCHEMA = pa.schema(
    [
        ("detection_id", pa.string()),
        ("record_id", pa.string()),
        ("account", pa.string()),
        ("category", pa.string()),
        ("policy_clause", pa.string()),
        ("score", pa.float64()),
        ("evidence", pa.string()),
        ("detector", pa.string()),
        ("detector_version", pa.string()),
    ]
)
DETECTION_COLUMNS: tuple[str, ...] = tuple(DETECTION_ARROW_SCHEMA.names)

#: The staged tables besides records: file prefix → schema.
SIDE_TABLES = {
    "dead_letters": DEAD_LETTER_ARROW_SCHEMA,
    "out_of_scope": OUT_OF_SCOPE_ARROW_SCHEMA,
    "detections": DETECTION_ARROW_SCHEMA,
}

StagedRow = tuple[Any, ...]


def record_to_row(
    record: Record,
    partition: int,
    offset: int,
    pii_entities: str = "[]",
    text_lang: str | None = None,
    scored: bool | None = None,
) -> StagedRow:
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
        pii_entities,
        text_lang,
        scored,
    )


def dead_letter_to_row(dead_letter: DeadLetter) -> StagedRow:
    """The staged row of a dead letter, in ``DEAD_LETTER_COLUMNS`` order."""
    return tuple(getattr(dead_letter, name) for name in DEAD_LETTER_COLUMNS)


def detection_to_row(detection: Detection) -> StagedRow:
    """The staged row of a detection, in ``DETECTION_COLUMNS`` order."""
    return tuple(getattr(detection, name) for name in DETECTION_COLUMNS)


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
    detection_files: tuple[Path, ...] = ()
    records_read: int = 0
    records_staged: int = 0
    duplicates: int = 0
    dead_letters: int = 0
    out_of_scope: int = 0

    def reconciles(self) -> bool:
        """Every record read is staged, a duplicate, out of scope or a dead letter."""
        accounted = self.records_staged + self.duplicates + self.out_of_scope + self.dead_letters
        return self.records_read == accounted

    def save(self) -> Path:
        """Write the manifest beside the staged files."""
        path = self.directory / MANIFEST_NAME
        payload = {
            "run_id": self.run_id,
            "ranges": [piece.to_json() for piece in self.ranges],
            "record_files": [file.name for file in self.record_files],
            "dead_letter_files": [file.name for file in self.dead_letter_files],
            "detection_files": [file.name for file in self.detection_files],
            "records_read": self.records_read,
            "records_staged": self.records_staged,
            "duplicates": self.duplicates,
            "dead_letters": self.dead_letters,
            "out_of_scope": self.out_of_scope,
        }
        self.directory.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(payload, indent=2), encoding="utf-8")
        return path


def staged_run_from_files(
    run_id: str, directory: Path, ranges: tuple[PartitionRange, ...], records_read: int | None
) -> StagedRun:
    """The manifest of what a pipeline staged in ``directory``, counted from the files.

    ``records_read`` comes from the pipeline's metrics; when a runner reports none,
    the files' own total is used.
    """
    record_files = sorted(directory.glob("records-*.parquet"))
    side_files = {name: sorted(directory.glob(f"{name}-*.parquet")) for name in SIDE_TABLES}
    staged = duplicates = 0
    for path in record_files:
        metadata = pq.read_metadata(path)
        staged += metadata.num_rows
        duplicates += int((metadata.metadata or {}).get(DUPLICATES_METADATA_KEY, b"0"))
    side_counts = {
        name: sum(pq.read_metadata(path).num_rows for path in paths)
        for name, paths in side_files.items()
    }
    total = staged + duplicates + side_counts["dead_letters"] + side_counts["out_of_scope"]
    return StagedRun(
        run_id=run_id,
        directory=directory,
        ranges=ranges,
        record_files=tuple(record_files),
        dead_letter_files=tuple(side_files["dead_letters"]),
        detection_files=tuple(side_files["detections"]),
        records_read=total if records_read is None else records_read,
        records_staged=staged,
        duplicates=duplicates,
        dead_letters=side_counts["dead_letters"],
        out_of_scope=side_counts["out_of_scope"],
    )

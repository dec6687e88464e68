"""Staged run output: Parquet files per table under ``staging/<run_id>/`` and a manifest.

The Beam pipeline writes here and nothing else; the commit step reads it.
Converting records into warehouse rows happens here, at the warehouse edge.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.ranges import PartitionRange
from schemas.records import DeadLetter, Detection, Record
from schemas.tables import DEAD_LETTERS, DETECTIONS, OUT_OF_SCOPE, RECORDS, rows_to_arrow

MANIFEST_NAME = "manifest.json"
DUPLICATES_METADATA_KEY = b"socmon.duplicates"

RECORD_ARROW_SCHEMA = RECORDS.staged_schema
RECORD_COLUMNS: tuple[str, ...] = RECORDS.staged_columns
DEAD_LETTER_ARROW_SCHEMA = DEAD_LETTERS.staged_schema
OUT_OF_SCOPE_ARROW_SCHEMA = OUT_OF_SCOPE.staged_schema
#: Staged detections also carry the version of the record that raised them (its
#: ``observed_at``): when a run reads two versions of a post, only the kept one's count.
DETECTION_VERSION_COLUMN = "record_observed_at"
DETECTION_ARROW_SCHEMA = DETECTIONS.staged_schema.append(
    pa.field(DETECTION_VERSION_COLUMN, RECORDS.staged_schema.field("observed_at").type)
)

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
    return RECORDS.row(
        id=record.id,
        platform=record.platform,
        kind=record.kind,
        account=record.account,
        accounts=orjson.dumps(record.accounts).decode(),
        native_id=record.native_id,
        parent_id=record.parent_id,
        conversation_id=record.conversation_id,
        author_id=record.author.id,
        author_is_official=record.author.is_official,
        text=record.text,
        lang=record.lang,
        created_at=record.created_at,
        observed_at=record.observed_at,
        url=record.url,
        deleted=record.deleted,
        schema_version=record.schema_version,
        source_partition=partition,
        source_offset=offset,
        pii_entities=pii_entities,
        text_lang=text_lang,
        scored=scored,
    )


def dead_letter_to_row(dead_letter: DeadLetter) -> StagedRow:
    """The staged row of a dead letter (the declaration's columns, by name)."""
    return DEAD_LETTERS.row(
        **{name: getattr(dead_letter, name) for name in DEAD_LETTERS.staged_columns}
    )


def detection_to_row(detection: Detection, record_observed_at: datetime) -> StagedRow:
    """The staged row of a detection (the declaration's columns, by name), then the version
    of the record it was raised on."""
    row = DETECTIONS.row(**{name: getattr(detection, name) for name in DETECTIONS.staged_columns})
    return (*row, record_observed_at)


def of_kept_versions(records: pa.Table | None, detections: pa.Table | None) -> pa.Table | None:
    """The detections raised on the version of each record that was kept, without the version
    column (a run that read an offensive post and its benign edit keeps only the edit's)."""
    if detections is None:
        return None
    if DETECTION_VERSION_COLUMN not in detections.column_names:
        return detections
    kept: set[tuple[Any, Any]] = set()
    if records is not None:
        kept = set(zip(records["id"].to_pylist(), records["observed_at"].to_pylist(), strict=True))
    versions = zip(
        detections["record_id"].to_pylist(),
        detections[DETECTION_VERSION_COLUMN].to_pylist(),
        strict=True,
    )
    mask = pa.array([version in kept for version in versions], type=pa.bool_())
    return detections.filter(mask).drop_columns([DETECTION_VERSION_COLUMN])


def rows_to_table(rows: Sequence[StagedRow], schema: pa.Schema) -> pa.Table:
    """Build an Arrow table from rows built by a table declaration's ``row``."""
    return rows_to_arrow(rows, schema)


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

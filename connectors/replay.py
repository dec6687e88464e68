"""Replays JSONL files into the records topic, bytes as they are.

Each non-empty line becomes one message with exactly the line's bytes as its
value, so a malformed line reaches the pipeline and becomes a dead letter
there, with a reason, instead of vanishing here. The key is the line's
record id when the line is JSON with a string ``id``; otherwise there is no
key. Replaying the same file twice sends the same messages again; the
pipeline's upsert by record id makes that harmless.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from connectors.base import Connector, FetchedBatch
from schemas import RECORD_SCHEMA_VERSION
from schemas.kafka_codec import CONNECTOR_HEADER, SCHEMA_VERSION_HEADER, KafkaMessage


class ReplayConnector(Connector):
    """Reads one or more JSONL files; the cursor is not used (files are replayed whole)."""

    name = "replay"

    def __init__(self, paths: list[Path], batch_size: int = 5000) -> None:
        self.paths = paths
        self.batch_size = batch_size

    def fetch(self, cursor: str | None = None) -> Iterator[FetchedBatch]:
        batch: list[KafkaMessage] = []
        for path in self.paths:
            with path.open("rb") as lines:
                for line in lines:
                    value = line.rstrip(b"\r\n")
                    if not value.strip():
                        continue
                    batch.append(self._message(value))
                    if len(batch) >= self.batch_size:
                        yield FetchedBatch(tuple(batch), None)
                        batch = []
        if batch:
            yield FetchedBatch(tuple(batch), None)

    def _message(self, value: bytes) -> KafkaMessage:
        return KafkaMessage(
            key=_record_id_of(value),
            value=value,
            headers=(
                (SCHEMA_VERSION_HEADER, str(RECORD_SCHEMA_VERSION).encode("ascii")),
                (CONNECTOR_HEADER, self.name.encode("ascii")),
            ),
        )


def _record_id_of(value: bytes) -> bytes | None:
    try:
        data = json.loads(value)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    record_id = data.get("id") if isinstance(data, dict) else None
    return record_id.encode("utf-8") if isinstance(record_id, str) else None

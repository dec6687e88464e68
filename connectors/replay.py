"""Replays JSONL files into the records topic, bytes as they are.

Each non-empty line becomes one message with exactly the line's bytes as its
value, so a malformed line (not UTF-8, not JSON, nested too deeply, a lone
surrogate) reaches the pipeline and becomes a dead letter there, with a
reason, instead of vanishing here. The key is the line's record id when the
line parses as the pipeline parses it (orjson) and has a string ``id``;
otherwise there is no key. Replaying the same file twice sends the same
messages again; the pipeline's upsert by record id makes that harmless.

A line longer than the pipeline's message limit cannot travel as it is (the
broker would refuse it, and the pipeline would reject it as too large). It
is never held in memory whole: it is measured and hashed while read, and
becomes a dead letter for the dead-letter topic (see :meth:`dead_letters`),
whose headers say which file and line, the reason, the size and the digest.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import orjson

from connectors.base import Connector, FetchedBatch
from schemas import RECORD_SCHEMA_VERSION
from schemas.json_lines import OversizedLine, read_lines
from schemas.kafka_codec import CONNECTOR_HEADER, SCHEMA_VERSION_HEADER, KafkaMessage


class ReplayConnector(Connector):
    """Reads one or more JSONL files; the cursor is not used (files are replayed whole)."""

    name = "replay"

    def __init__(self, paths: list[Path], batch_size: int = 5000) -> None:
        self.paths = paths
        self.batch_size = batch_size
        self._dead_letters: list[KafkaMessage] = []

    def fetch(self, cursor: str | None = None) -> Iterator[FetchedBatch]:
        self._dead_letters = []
        batch: list[KafkaMessage] = []
        for path in self.paths:
            with path.open("rb") as source:
                for number, line in enumerate(read_lines(source), start=1):
                    if isinstance(line, OversizedLine):
                        self._dead_letters.append(self._dead_letter(path, number, line))
                        continue
                    if not line.strip():
                        continue
                    batch.append(self._message(line))
                    if len(batch) >= self.batch_size:
                        yield FetchedBatch(tuple(batch), None)
                        batch = []
        if batch:
            yield FetchedBatch(tuple(batch), None)

    def dead_letters(self) -> Sequence[KafkaMessage]:
        """The lines of the last ``fetch`` too large to send, as dead-letter messages."""
        return tuple(self._dead_letters)

    def _message(self, value: bytes) -> KafkaMessage:
        return KafkaMessage(
            key=_record_id_of(value),
            value=value,
            headers=(
                (SCHEMA_VERSION_HEADER, str(RECORD_SCHEMA_VERSION).encode("ascii")),
                (CONNECTOR_HEADER, self.name.encode("ascii")),
            ),
        )

    def _dead_letter(self, path: Path, number: int, line: OversizedLine) -> KafkaMessage:
        """No value (the bytes do not fit in a message); the headers say what and why."""
        return KafkaMessage(
            key=None,
            value=b"",
            headers=(
                ("reason", b"too_large"),
                ("detail", line.describe().encode("ascii")),
                (CONNECTOR_HEADER, self.name.encode("ascii")),
                ("source_file", str(path).encode("utf-8", errors="replace")),
                ("source_line", str(number).encode("ascii")),
                ("value_size", str(line.size).encode("ascii")),
                ("value_sha256", line.sha256.encode("ascii")),
            ),
        )


def _record_id_of(value: bytes) -> bytes | None:
    # The pipeline's own parser: it refuses what the pipeline refuses (deep nesting, lone
    # surrogates, bad UTF-8) with its one error, so a hostile line simply gets no key.
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    record_id = data.get("id") if isinstance(data, dict) else None
    return record_id.encode("utf-8") if isinstance(record_id, str) else None

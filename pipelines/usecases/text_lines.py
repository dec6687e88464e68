"""The input of `socmon classify` and `socmon redact`: JSON lines with an ``id`` and a ``text``.

Each line becomes a :class:`TextItem` or a :class:`Refused` naming the line
and why, so the commands write one output line per input line and one bad
line never costs the others. What is refused: a line above the pipeline's
message limit, bytes that are not UTF-8 or JSON (see :mod:`schemas.json_lines`
for deep nesting and lone surrogates), a value that is not an object, a
missing ``id``, a ``text`` that is not a string or is longer than a record's
text may be (the pipeline never sees a longer one, and the detectors' time
grows faster than the text's length).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, BinaryIO

from schemas.json_lines import LineRejected, OversizedLine, parse_json_line, read_lines
from schemas.kafka_codec import load_json_schema


@dataclass(frozen=True, slots=True)
class TextItem:
    """A usable line: its ``id`` as given (any JSON value) and its text."""

    id: Any
    text: str


@dataclass(frozen=True, slots=True)
class Refused:
    """A line that is not usable, by number (from 1), and why."""

    line: int
    error: str

    def as_json(self) -> dict[str, Any]:
        """The output line that stands in its place."""
        return {"line": self.line, "error": self.error}


@cache
def max_text_length() -> int:
    """The longest text a record may hold, from the record schema."""
    return int(load_json_schema("record.schema.json")["properties"]["text"]["maxLength"])


def text_items(source: BinaryIO) -> Iterator[TextItem | Refused]:
    """One item or refusal per line of ``source``, in order."""
    for number, line in enumerate(read_lines(source), start=1):
        if isinstance(line, OversizedLine):
            yield Refused(number, line.describe())
            continue
        try:
            yield _item(parse_json_line(line))
        except LineRejected as rejected:
            yield Refused(number, rejected.detail)


def _item(value: Any) -> TextItem:
    if not isinstance(value, dict):
        raise LineRejected("not_an_object", f"expected a JSON object, got {type(value).__name__}")
    if "id" not in value:
        raise LineRejected("missing_id", "missing field 'id'")
    text = value.get("text")
    if not isinstance(text, str):
        kind = "missing" if text is None else f"of type {type(text).__name__}"
        raise LineRejected("no_text", f"field 'text' is {kind}, expected a string")
    if len(text) > max_text_length():
        raise LineRejected(
            "text_too_long",
            f"field 'text' has {len(text)} characters, more than the {max_text_length()} "
            "a record may hold",
        )
    return TextItem(value["id"], text)

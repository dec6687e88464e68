"""Issue 12, generated: hostile lines through every reader of files people hand us (hypothesis).

Lines are drawn from good items (id and text), arbitrary JSON, arbitrary
bytes, deep nesting, lone surrogate escapes, huge numbers and good lines with
a byte changed. For `socmon redact` and `socmon classify` (their functions and
the command itself), the replay connector, the line reader and the record
decoder the pipeline applies: nothing raises, each input line gives exactly
one output (or one message or dead letter), and a good line's meaning is kept.

Runs a few hundred cases per property in CI; ``SOCMON_SOAK=1`` (``make soak``)
runs 10,000 per property, except the commands run as processes (1,000 there, about 6 minutes).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classifiers.model_set import ClassifierSet
from connectors.replay import ReplayConnector
from pipelines.privacy.detector import PiiDetector
from pipelines.settings.privacy import PrivacySettings
from pipelines.usecases.classify import classify_lines
from pipelines.usecases.redact import redact_stream
from schemas.errors import RecordRejected
from schemas.json_lines import MAX_LINE_BYTES, OversizedLine, read_lines
from schemas.kafka_codec import decode_record, message_shape, record_to_json
from testing.synthetic import generate_records

SOAK = os.environ.get("SOCMON_SOAK") == "1"


def fuzz(ci_examples: int, soak_examples: int = 10_000) -> Callable[[Any], Any]:
    """Hypothesis settings: ``ci_examples`` in CI, ``soak_examples`` under ``SOCMON_SOAK=1``."""
    return settings(
        max_examples=soak_examples if SOAK else ci_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- lines: (the bytes, the item when the line is good by construction) ---

Line = tuple[bytes, dict[str, Any] | None]

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
GOOD_ITEMS = st.fixed_dictionaries(
    {"id": st.one_of(st.text(max_size=20), st.integers()), "text": st.text(max_size=120)},
    optional={"extra": JSON_VALUES},
)


@st.composite
def good_lines(draw: st.DrawFn) -> Line:
    item = draw(GOOD_ITEMS)
    return json.dumps(item, ensure_ascii=draw(st.booleans())).encode(), item


def _bad(strategy: st.SearchStrategy[bytes]) -> st.SearchStrategy[Line]:
    return strategy.map(lambda line: (line.replace(b"\n", b" "), None))


@st.composite
def changed_lines(draw: st.DrawFn) -> bytes:
    """A good line with one byte replaced, inserted or removed."""
    line = draw(good_lines())[0]
    at = draw(st.integers(0, len(line) - 1))
    byte = bytes([draw(st.integers(0, 255))])
    how = draw(st.sampled_from(["replace", "insert", "remove"]))
    if how == "replace":
        return line[:at] + byte + line[at + 1 :]
    return line[:at] + byte + line[at:] if how == "insert" else line[:at] + line[at + 1 :]


@st.composite
def surrogate_lines(draw: st.DrawFn) -> bytes:
    """A good line with a lone surrogate escape in its id, text or a key."""
    escape = f"\\u{draw(st.integers(0xD800, 0xDFFF)):04x}"
    where = draw(st.sampled_from(["id", "text", "key"]))
    item: dict[str, Any] = {"id": "i", "text": "t", where: "MARK"}
    return json.dumps(item).replace("MARK", escape).encode()


ANY_LINE: st.SearchStrategy[Line] = st.one_of(
    good_lines(),
    _bad(JSON_VALUES.map(lambda value: json.dumps(value).encode())),
    _bad(st.binary(max_size=200)),
    _bad(changed_lines()),
    _bad(surrogate_lines()),
    _bad(st.integers(1, 3000).map(lambda depth: b"[" * depth + b"]" * depth)),
    _bad(st.integers(1, 200_000).map(lambda depth: b'{"id": 1, "text": ' + b"[" * depth)),
    _bad(st.sampled_from([b"NaN", b'{"id": 1e400, "text": "x"}', b'{"id": ' + b"7" * 5000 + b"}"])),
)
LINE_LISTS = st.lists(ANY_LINE, min_size=1, max_size=12)


def strict_json(line: str) -> Any:
    """Parse an output line as strict JSON (no NaN or Infinity)."""

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in output")

    return json.loads(line, parse_constant=refuse)


def output_lines(text: str) -> list[str]:
    """JSON lines end at \\n only: a text may hold U+0085 or U+2028, which splitlines() splits."""
    assert text.endswith("\n") or not text
    return text.split("\n")[:-1]


def file_of(lines: list[Line]) -> bytes:
    return b"".join(line + b"\n" for line, _ in lines)


DETECTOR = PiiDetector(PrivacySettings())


@pytest.fixture(scope="module")
def shipped() -> ClassifierSet:
    return ClassifierSet.load()


@given(LINE_LISTS)
@fuzz(300)
def test_redact_gives_one_line_per_input_and_keeps_every_good_item(lines: list[Line]) -> None:
    target = io.StringIO()
    total, failures = redact_stream(io.BytesIO(file_of(lines)), target, DETECTOR)
    outputs = [strict_json(line) for line in output_lines(target.getvalue())]
    assert total == len(outputs) == len(lines)
    assert failures == sum(1 for output in outputs if "error" in output)
    for number, ((_, item), output) in enumerate(zip(lines, outputs, strict=True), start=1):
        if item is not None:
            assert output["id"] == item["id"] and isinstance(output["text"], str)
        elif "error" in output:
            assert output["line"] == number and output["error"]


@given(LINE_LISTS)
@fuzz(200)
def test_classify_gives_one_line_per_input_and_keeps_every_good_item(
    shipped: ClassifierSet, lines: list[Line]
) -> None:
    target = io.StringIO()
    counts = classify_lines(io.BytesIO(file_of(lines)), target, shipped)
    outputs = [strict_json(line) for line in output_lines(target.getvalue())]
    assert len(outputs) == len(lines) == counts.classified + counts.errors
    for (_, item), output in zip(lines, outputs, strict=True):
        if item is not None:
            assert output["id"] == item["id"] and set(output["scores"]) >= {"offensive"}


ARGUMENTS = ("--input", "in.jsonl", "--output", "out.jsonl")


@given(LINE_LISTS, st.sampled_from(["redact", "classify"]))
@fuzz(5, soak_examples=1000)  # a process each: the functions above take the 10,000
def test_the_commands_exit_0_or_1_with_one_output_line_per_input_line(
    lines: list[Line], command: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.jsonl", Path(folder) / "out.jsonl"
        source.write_bytes(file_of(lines))
        completed = subprocess.run(
            [sys.executable, "-m", "pipelines.cli", command, *ARGUMENTS],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=folder,  # no socmon.toml: defaults
        )
        outputs = output_lines(target.read_text(encoding="utf-8"))
    assert "Traceback" not in completed.stderr
    refused = sum(1 for line in outputs if "error" in strict_json(line))
    assert completed.returncode == (1 if refused else 0), completed.stderr
    assert len(outputs) == len(lines)


# --- the replay connector and the line reader under it ---

OVERSIZED = st.integers(1, 3).map(lambda extra: (b"x" * (MAX_LINE_BYTES + extra), None))


@given(st.lists(st.one_of(ANY_LINE, ANY_LINE, ANY_LINE, OVERSIZED), max_size=10))
@fuzz(300)
def test_replay_sends_each_line_as_it_is_or_dead_letters_it_with_a_reason(
    lines: list[Line],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "replay.jsonl"
        path.write_bytes(file_of(lines))
        connector = ReplayConnector([path], batch_size=4)
        messages = [message for batch in connector.fetch(None) for message in batch.messages]
    bodies = [line.rstrip(b"\r") for line, _ in lines]  # what a line holds, its CR LF cut
    sendable = [body for body in bodies if len(body) <= MAX_LINE_BYTES and body.strip()]
    assert [message.value for message in messages] == sendable
    for message in messages:
        assert message.key == _pipeline_id(message.value)
    letters = connector.dead_letters()
    assert len(letters) == sum(1 for body in bodies if len(body) > MAX_LINE_BYTES)
    assert all(dict(letter.headers)["reason"] == b"too_large" for letter in letters)


def _pipeline_id(value: bytes) -> bytes | None:
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    record_id = data.get("id") if isinstance(data, dict) else None
    return record_id.encode() if isinstance(record_id, str) else None


@given(st.binary(max_size=120), st.integers(1, 24))
@fuzz(1000)
def test_the_line_reader_gives_back_every_line_or_its_size_and_digest(
    data: bytes, limit: int
) -> None:
    pieces = data.split(b"\n")
    if pieces[-1] == b"":
        pieces.pop()
    expected: list[bytes | OversizedLine] = []
    for piece in pieces:
        body = piece.rstrip(b"\r")
        small = len(body) <= limit
        expected.append(body if small else OversizedLine(len(body), _sha256(body)))
    assert list(read_lines(io.BytesIO(data), limit)) == expected


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- records: what the pipeline's one gate does with the same lines ---


RECORD = record_to_json(next(generate_records(1)))


@st.composite
def changed_records(draw: st.DrawFn) -> bytes:
    """A valid record with one field replaced by any JSON value, or removed."""
    record = dict(RECORD)
    field = draw(st.sampled_from(sorted(record)))
    if draw(st.booleans()):
        record[field] = draw(JSON_VALUES)
    else:
        del record[field]
    return json.dumps(record).encode()


@given(st.one_of(ANY_LINE.map(lambda line: line[0]), changed_records()))
@fuzz(1000)
def test_the_record_decoder_accepts_or_rejects_with_a_reason_and_nothing_else(
    value: bytes,
) -> None:
    try:
        decode_record(value)
    except RecordRejected as rejected:
        assert rejected.reason and rejected.detail
    assert message_shape(value)

"""Reading JSON-lines files that people hand us, where any line may be hostile.

`socmon classify`, `socmon redact` and the replay connector read files that
nobody validated: a line may be megabytes long, nested a hundred thousand
levels deep, not UTF-8, or hold a lone surrogate escape (``"\\ud800"``) that
parses in Python but is no Unicode character and cannot be written out again.
Every such line must cost one error, never the file. So this module offers
two things that never raise anything else:

* :func:`read_lines` yields each line's bytes, or an :class:`OversizedLine`
  (its size and digest) for a line above the limit, whose bytes are never held
  in memory at once;
* :func:`parse_json_line` returns the parsed value or raises
  :class:`LineRejected`, with a stable reason code and a sentence that never
  quotes the line (it may hold personal data).

The limit is the one the pipeline applies to a Kafka message, so a line is
refused here exactly when the pipeline would refuse it as too large.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, NoReturn

from schemas.errors import SocmonError
from schemas.kafka_codec import MAX_MESSAGE_BYTES

#: Lines above this many bytes (line break excluded) are not read into memory.
MAX_LINE_BYTES = MAX_MESSAGE_BYTES
#: How much of an oversized line is read at a time while it is measured and hashed.
_CHUNK_BYTES = 1 << 16


class LineRejected(SocmonError):
    """A line is not usable JSON; ``reason`` is a short stable code, ``detail`` a sentence."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class OversizedLine:
    """A line longer than the limit: its size and the SHA-256 of its bytes (no line break)."""

    size: int
    sha256: str

    def describe(self, limit: int = MAX_LINE_BYTES) -> str:
        """The sentence a person reads: how long the line is and what the limit is."""
        return f"line of {self.size} bytes is longer than the {limit}-byte limit"


def read_lines(source: BinaryIO, limit: int = MAX_LINE_BYTES) -> Iterator[bytes | OversizedLine]:
    """Each line of ``source`` without its line break, or ``OversizedLine`` above ``limit``.

    A line is what ends at ``\n`` (or at the end of the file); its line break is every
    ``\r`` and ``\n`` it ends with.
    """
    while True:
        line = source.readline(limit + 2)  # room for the limit and a CR LF
        if not line:
            return
        complete = line.endswith(b"\n") or len(line) < limit + 2
        if complete and len(body := line.rstrip(b"\r\n")) <= limit:
            yield body
            continue
        measured = _measure(source, line, complete)
        # Only trailing CRs were cut beyond the limit: the line is this read's beginning.
        yield line[: measured.size] if measured.size <= limit else measured


def _measure(source: BinaryIO, start: bytes, complete: bool) -> OversizedLine:
    """Count and hash a line read so far as ``start``, reading the rest in chunks."""
    digest = hashlib.sha256()
    size = 0
    held_returns = 0  # trailing CRs of a chunk: the line's own, or its line break
    chunk = start
    while True:
        ends = complete or chunk.endswith(b"\n")
        body = chunk.rstrip(b"\r\n") if ends else chunk.rstrip(b"\r")
        if body:
            _update_with_returns(digest, held_returns)
            size += held_returns
            held_returns = 0
            digest.update(body)
            size += len(body)
        if ends:
            return OversizedLine(size, digest.hexdigest())
        held_returns += len(chunk) - len(body)
        chunk = source.readline(_CHUNK_BYTES)
        if not chunk:  # end of file: the line ends here, and its trailing CRs with it
            return OversizedLine(size, digest.hexdigest())
        complete = False


def _update_with_returns(digest: Any, count: int) -> None:
    while count > 0:
        step = min(count, _CHUNK_BYTES)
        digest.update(b"\r" * step)
        count -= step


def parse_json_line(line: bytes) -> Any:
    """The JSON value of one line; ``LineRejected`` for anything that is not valid JSON text.

    Refused: bytes that are not UTF-8, JSON syntax errors, ``NaN`` and ``Infinity``
    (not JSON), numbers beyond a double, integers too long for Python to convert,
    nesting too deep to parse,
    and strings holding a lone surrogate.
    """
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise LineRejected(
            "invalid_utf8", f"not valid UTF-8 (bad byte at position {error.start})"
        ) from None
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        raise LineRejected("too_deep", "not valid JSON: nested too deeply to parse") from None
    except json.JSONDecodeError as error:
        raise LineRejected(
            "invalid_json", f"not valid JSON: {error.msg} at column {error.colno}"
        ) from None
    except ValueError as error:  # NaN, Infinity, 1e400, or an integer too long to convert
        reason = str(error).split(";")[0]
        raise LineRejected("invalid_json", f"not valid JSON: {reason}") from None
    # Strict UTF-8 has no surrogates, so only a \u escape can have produced one.
    if "\\u" in text and _holds_lone_surrogate(value):
        raise LineRejected(
            "lone_surrogate",
            "holds a lone surrogate escape (such as \\ud800), which is not a Unicode character",
        )
    return value


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON value")


def _finite_float(text: str) -> float:
    # 1e400 is valid JSON but becomes infinity, which json.dumps writes as (invalid) Infinity.
    number = float(text)
    if math.isinf(number):
        raise ValueError("a number beyond the range of a double")
    return number


def _holds_lone_surrogate(value: Any) -> bool:
    """Whether any string in ``value`` (keys included) cannot be encoded as UTF-8."""
    pending = [value]  # a list, not recursion: the value may be nested hundreds deep
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False

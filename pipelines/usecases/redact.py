"""`socmon redact`: the personal-data filter on a JSONL file, one output line per input line.

Input lines are JSON objects with at least ``id`` and ``text``. Each output line,
in the same order, is ``{"id", "text": redacted, "entities": [{"type", "start",
"end"}]}`` with offsets into the ORIGINAL text, or ``{"line": N, "error": ...}``
for a line that is not usable (see :mod:`pipelines.usecases.text_lines`). Every
line is processed; the caller learns how many failed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from pipelines.privacy.detector import PiiDetector
from pipelines.privacy.findings import Finding
from pipelines.privacy.redaction import entities_json, redact
from pipelines.usecases.text_lines import Refused, TextItem, text_items

#: Lines redacted together (the NER model runs once per chunk).
CHUNK_LINES = 512


def redacted_output(item: TextItem, findings: list[Finding]) -> dict[str, Any]:
    """The output object for one usable line and its findings."""
    return {
        "id": item.id,
        "text": redact(item.text, findings),
        "entities": entities_json(findings),
    }


def redact_stream(source: BinaryIO, target: TextIO, detector: PiiDetector) -> tuple[int, int]:
    """Redact every line of ``source`` into ``target``, in order; return (lines, failures)."""
    lines = failures = 0
    for chunk in _chunks(text_items(source), CHUNK_LINES):
        usable = [item for item in chunk if not isinstance(item, Refused)]
        found = iter(detector.detect_many([item.text for item in usable]))
        for item in chunk:
            lines += 1
            if isinstance(item, Refused):
                failures += 1
                output = item.as_json()
            else:
                output = redacted_output(item, next(found))
            target.write(json.dumps(output, ensure_ascii=False) + "\n")
    return lines, failures


def _chunks(items: Iterable[TextItem | Refused], size: int) -> Iterator[list[TextItem | Refused]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def redact_file(input_path: Path, output_path: Path, detector: PiiDetector) -> tuple[int, int]:
    """Redact a JSONL file into another; return (lines, failures)."""
    with input_path.open("rb") as source, output_path.open("w", encoding="utf-8") as target:
        return redact_stream(source, target, detector)

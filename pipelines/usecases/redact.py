"""`socmon redact`: the personal-data filter on a JSONL file, one output line per input line.

Input lines are JSON objects with at least ``id`` and ``text``. Each output line,
in the same order, is ``{"id", "text": redacted, "entities": [{"type", "start",
"end"}]}`` with offsets into the ORIGINAL text, or ``{"line": N, "error": ...}``
for a line that is not usable (see :mod:`pipelines.usecases.text_lines`). Every
line is processed; the caller learns how many failed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from pipelines.privacy.detector import PiiDetector
from pipelines.privacy.redaction import entities_json, redact
from pipelines.usecases.text_lines import Refused, TextItem, text_items


def redact_item(item: TextItem, detector: PiiDetector) -> dict[str, Any]:
    """The output object for one usable line."""
    findings = detector.detect(item.text)
    return {
        "id": item.id,
        "text": redact(item.text, findings),
        "entities": entities_json(findings),
    }


def redact_stream(source: BinaryIO, target: TextIO, detector: PiiDetector) -> tuple[int, int]:
    """Redact every line of ``source`` into ``target``; return (lines, failures)."""
    lines = failures = 0
    for item in text_items(source):
        lines += 1
        if isinstance(item, Refused):
            failures += 1
            output = item.as_json()
        else:
            output = redact_item(item, detector)
        target.write(json.dumps(output, ensure_ascii=False) + "\n")
    return lines, failures


def redact_file(input_path: Path, output_path: Path, detector: PiiDetector) -> tuple[int, int]:
    """Redact a JSONL file into another; return (lines, failures)."""
    with input_path.open("rb") as source, output_path.open("w", encoding="utf-8") as target:
        return redact_stream(source, target, detector)

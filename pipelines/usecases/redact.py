"""`socmon redact`: the personal-data filter on a JSONL file, one output line per input line.

Input lines are JSON objects with at least ``id`` and ``text``. Each output line,
in the same order, is ``{"id", "text": redacted, "entities": [{"type", "start",
"end"}]}`` with offsets into the ORIGINAL text, or ``{"line": N, "error": ...}``
for a line that is not usable. Every line is processed; the caller learns how
many failed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from pipelines.privacy.detector import PiiDetector
from pipelines.privacy.redaction import entities_json, redact


def redact_line(line: str, number: int, detector: PiiDetector) -> tuple[dict[str, Any], bool]:
    """The output object for one input line, and whether it succeeded."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        return {"line": number, "error": f"not valid JSON: {error.msg}"}, False
    if not isinstance(item, dict):
        return {"line": number, "error": "not a JSON object"}, False
    if "id" not in item:
        return {"line": number, "error": "missing field: id"}, False
    text = item.get("text")
    if not isinstance(text, str):
        reason = "missing field: text" if "text" not in item else "field text is not a string"
        return {"line": number, "error": reason}, False
    findings = detector.detect(text)
    return {
        "id": item["id"],
        "text": redact(text, findings),
        "entities": entities_json(findings),
    }, True


def redact_stream(source: BinaryIO, target: TextIO, detector: PiiDetector) -> tuple[int, int]:
    """Redact every line of ``source`` into ``target``; return (lines, failures)."""
    lines = failures = 0
    for number, raw in enumerate(source, start=1):
        lines += 1
        try:
            line = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as error:
            output: dict[str, Any] = {
                "line": number,
                "error": f"not valid UTF-8 at byte {error.start}",
            }
            ok = False
        else:
            output, ok = redact_line(line, number, detector)
        failures += not ok
        target.write(json.dumps(output, ensure_ascii=False) + "\n")
    return lines, failures


def redact_file(input_path: Path, output_path: Path, detector: PiiDetector) -> tuple[int, int]:
    """Redact a JSONL file into another; return (lines, failures)."""
    with input_path.open("rb") as source, output_path.open("w", encoding="utf-8") as target:
        return redact_stream(source, target, detector)

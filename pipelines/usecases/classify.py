"""`socmon classify`, `socmon train` and `socmon evaluate`: the classifiers from the command line.

``classify`` reads JSON lines with at least ``id`` and ``text`` and writes,
in the same order, one line per input: the four scores, the labels whose
score reaches its threshold, and the top terms behind each label. A line
that is not such an object becomes ``{"line": N, "error": "..."}``; the
others are still classified, and the command then exits 1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from classifiers.model_set import ClassifierSet
from pipelines.classifier_files import load_classifiers
from pipelines.config import ClassifierSettings

BATCH_SIZE = 2000


@dataclass(frozen=True)
class ClassifyCounts:
    """Lines classified and lines refused."""

    classified: int
    errors: int


def classify_lines(lines: TextIO, output: TextIO, classifiers: ClassifierSet) -> ClassifyCounts:
    """Classify every JSON line of ``lines`` into ``output``, in order."""
    classified = errors = 0
    for batch in _batches(lines):
        texts = [item for item in batch if not isinstance(item, _Refused)]
        results = iter(classifiers.score([item.text for item in texts if isinstance(item, _Text)]))
        for item in batch:
            if isinstance(item, _Refused):
                output.write(json.dumps({"line": item.line, "error": item.error}) + "\n")
                errors += 1
                continue
            result = next(results)
            output.write(
                json.dumps(
                    {
                        "id": item.id,
                        "scores": result.scores,
                        "labels": list(result.labels),
                        "explanations": result.explanations,
                        "lang": result.lang,
                        "scored": result.scored,
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
            classified += 1
    return ClassifyCounts(classified, errors)


@dataclass(frozen=True)
class _Text:
    line: int
    id: Any
    text: str


@dataclass(frozen=True)
class _Refused:
    line: int
    error: str


def _batches(lines: TextIO) -> Iterator[list[_Text | _Refused]]:
    batch: list[_Text | _Refused] = []
    for number, line in enumerate(lines, start=1):
        batch.append(_parse(number, line))
        if len(batch) >= BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def _parse(number: int, line: str) -> _Text | _Refused:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        return _Refused(number, f"not valid JSON: {error.msg} at column {error.colno}")
    if not isinstance(item, dict):
        return _Refused(number, f"expected a JSON object, got {type(item).__name__}")
    if "id" not in item:
        return _Refused(number, "missing field 'id'")
    text = item.get("text")
    if not isinstance(text, str):
        kind = "missing" if text is None else f"of type {type(text).__name__}"
        return _Refused(number, f"field 'text' is {kind}, expected a string")
    return _Text(number, item["id"], text)


def classify_file(
    input_path: Path, output_path: Path, settings: ClassifierSettings
) -> ClassifyCounts:
    """``socmon classify``: from one file to another."""
    classifiers = load_classifiers(settings)
    with (
        input_path.open(encoding="utf-8", errors="replace") as lines,
        output_path.open("w", encoding="utf-8") as output,
    ):
        return classify_lines(lines, output, classifiers)

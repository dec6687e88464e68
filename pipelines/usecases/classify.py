"""`socmon classify`: the classifiers' scores for a file of texts.

``classify`` reads JSON lines with at least ``id`` and ``text`` and writes,
in the same order, one line per input: the four scores, the labels whose
score reaches its threshold, and the top terms behind each label. A line
that is not such an object (see :mod:`pipelines.usecases.text_lines`)
becomes ``{"line": N, "error": "..."}``; the others are still classified,
and the command then exits 1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from classifiers.model_set import ClassifierSet
from pipelines.classifier_files import load_classifiers
from pipelines.config import ClassifierSettings
from pipelines.usecases.text_lines import Refused, TextItem, text_items

BATCH_SIZE = 2000


@dataclass(frozen=True)
class ClassifyCounts:
    """Lines classified and lines refused."""

    classified: int
    errors: int


def classify_lines(source: BinaryIO, output: TextIO, classifiers: ClassifierSet) -> ClassifyCounts:
    """Classify every JSON line of ``source`` into ``output``, in order."""
    classified = errors = 0
    for batch in _batches(source):
        results = iter(
            classifiers.score([item.text for item in batch if isinstance(item, TextItem)])
        )
        for item in batch:
            if isinstance(item, Refused):
                output.write(json.dumps(item.as_json()) + "\n")
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


def _batches(source: BinaryIO) -> Iterator[list[TextItem | Refused]]:
    batch: list[TextItem | Refused] = []
    for item in text_items(source):
        batch.append(item)
        if len(batch) >= BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def classify_file(
    input_path: Path, output_path: Path, settings: ClassifierSettings
) -> ClassifyCounts:
    """``socmon classify``: from one file to another."""
    classifiers = load_classifiers(settings)
    with input_path.open("rb") as source, output_path.open("w", encoding="utf-8") as output:
        return classify_lines(source, output, classifiers)

"""Per-type recall and precision of a detector's spans against the labelled ones.

Rule: a true span is *found* when a predicted span of the same type overlaps it by at
least one character; a predicted span is *correct* when it overlaps a true span of the
same type. A value is *left verbatim* when, after redacting every predicted span, its
exact text is still in the redacted comment (whatever type it was predicted as).
Predictions are settled first as the detector settles them (``resolve_overlaps``).
Any span predicted in an ordinary or demo text is a false redaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pipelines.privacy import findings as types
from pipelines.privacy.findings import Finding, resolve_overlaps
from pipelines.privacy.redaction import redact
from testing.privacy_eval.labelled import LabelledText

Span = tuple[str, int, int]
#: Identifiers whose goal is recall 0.99 with none left verbatim.
STRUCTURED = (
    types.EMAIL,
    types.PHONE,
    types.CARD,
    types.IBAN,
    types.NI_NUMBER,
    types.POSTCODE,
    types.STUDENT_ID,
)


@dataclass
class TypeScore:
    """Counts for one entity type (or a group of types)."""

    truth: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0
    verbatim: int = 0

    @property
    def recall(self) -> float | None:
        return self.found / self.truth if self.truth else None

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    def __iadd__(self, other: TypeScore) -> TypeScore:
        self.truth += other.truth
        self.found += other.found
        self.predicted += other.predicted
        self.correct += other.correct
        self.verbatim += other.verbatim
        return self


@dataclass
class Score:
    """Everything measured for one detector on one set of texts."""

    by_type: dict[str, TypeScore] = field(default_factory=dict)
    #: Per source of texts without personal data ("ordinary", "demo"): texts, spans.
    unlabelled_texts: dict[str, int] = field(default_factory=dict)
    false_redactions: dict[str, int] = field(default_factory=dict)
    #: False redactions in our ordinary comments, by the type they were redacted as.
    false_by_type: dict[str, int] = field(default_factory=dict)
    texts: int = 0
    seconds: float = 0.0

    def group(self, entity_types: Iterable[str]) -> TypeScore:
        total = TypeScore()
        for entity_type in entity_types:
            total += self.by_type.get(entity_type, TypeScore())
        return total

    def false_redactions_per_1000(self, source: str) -> float | None:
        count = self.unlabelled_texts.get(source, 0)
        return 1000 * self.false_redactions.get(source, 0) / count if count else None

    @property
    def texts_per_second(self) -> float:
        return self.texts / self.seconds if self.seconds else 0.0


def settle(spans: Iterable[Span]) -> list[Span]:
    """Non-overlapping spans, kept as the detector keeps its own findings."""
    findings = resolve_overlaps(Finding(kind, start, end, 1.0) for kind, start, end in spans)
    return [(f.entity_type, f.start, f.end) for f in findings]


def score(texts: Sequence[LabelledText], predictions: Sequence[Sequence[Span]]) -> Score:
    """Scores ``predictions[i]`` against ``texts[i]`` for every i."""
    if len(texts) != len(predictions):
        raise ValueError(f"{len(texts)} texts but {len(predictions)} predictions")
    result = Score(texts=len(texts))
    for item, predicted in zip(texts, predictions, strict=True):
        spans = settle(predicted)
        if item.source != "personal":
            result.unlabelled_texts[item.source] = result.unlabelled_texts.get(item.source, 0) + 1
            result.false_redactions[item.source] = result.false_redactions.get(
                item.source, 0
            ) + len(spans)
            if item.source == "ordinary":
                for kind, _, _ in spans:
                    result.false_by_type[kind] = result.false_by_type.get(kind, 0) + 1
        redacted = redact(item.text, [Finding(k, s, e, 1.0) for k, s, e in spans])
        for kind, start, end in item.spans:
            counts = result.by_type.setdefault(kind, TypeScore())
            counts.truth += 1
            counts.found += any(_same(k, s, e, kind, start, end) for k, s, e in spans)
            counts.verbatim += _still_in(item.text[start:end], redacted)
        for kind, start, end in spans:
            counts = result.by_type.setdefault(kind, TypeScore())
            counts.predicted += 1
            counts.correct += any(_same(k, s, e, kind, start, end) for k, s, e in item.spans)
    return result


def _same(
    kind: str, start: int, end: int, other_kind: str, other_start: int, other_end: int
) -> bool:
    return kind == other_kind and start < other_end and other_start < end


def _still_in(value: str, redacted: str) -> bool:
    """Whether ``value`` is in ``redacted`` as a whole (not inside a longer word)."""
    return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", redacted) is not None

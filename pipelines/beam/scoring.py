"""The classifiers inside the pipeline: raw text in memory, detections out, nothing raw stored.

``ScoringSpec`` travels with the pipeline (settings only); each worker
loads the model files once in ``setup()``. For a batch of records,
``score_records`` returns, per record, the text's language, whether the
models cover it, and a detection for each category whose score reaches its
threshold. A detection's evidence holds the threshold, the model versions
and the top terms — minus any term that is part of personal data found in
the text, so no name or address reaches the warehouse through an explanation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from classifiers.base import TextScores
from classifiers.model_set import ClassifierSet
from pipelines.config import ClassifierSettings
from pipelines.privacy.findings import Finding
from schemas.records import Detection, Record
from schemas.vocabulary import DETECTION_CLAUSES

DETECTOR = "classifiers"


@dataclass(frozen=True)
class ScoringSpec:
    """What a worker needs to load the classifiers (no model in the pipeline graph)."""

    settings: ClassifierSettings

    def build(self) -> ClassifierSet | None:
        """The classifiers, or None when scoring is switched off."""
        if not self.settings.enabled:
            return None
        from pipelines.classifier_files import load_classifiers

        return load_classifiers(self.settings)


@dataclass(frozen=True)
class RecordVerdict:
    """A record's language, whether it was scored, and its detections."""

    lang: str | None
    scored: bool | None
    detections: tuple[Detection, ...]


NOT_SCORED = RecordVerdict(None, None, ())


def score_records(
    classifiers: ClassifierSet,
    records: Sequence[Record],
    findings: Sequence[Sequence[Finding]],
) -> list[RecordVerdict]:
    """Score the raw texts of ``records`` (tombstones are not scored)."""
    live = [index for index, record in enumerate(records) if not record.deleted and record.text]
    results = classifiers.score([records[index].text for index in live])
    verdicts = [NOT_SCORED] * len(records)
    for index, result in zip(live, results, strict=True):
        record = records[index]
        detections = tuple(
            _detection(classifiers, record, result, category, findings[index])
            for category in result.labels
        )
        verdicts[index] = RecordVerdict(result.lang, result.scored, detections)
    return verdicts


def _detection(
    classifiers: ClassifierSet,
    record: Record,
    result: TextScores,
    category: str,
    findings: Sequence[Finding],
) -> Detection:
    personal = " ".join(record.text[f.start : f.end] for f in findings).lower()
    terms = [
        term
        for term in result.explanations.get(category, [])
        if not term.startswith("claim:") and term.lower() not in personal
    ]
    versions = {category: classifiers.versions[category]}
    if category == "misleading":
        versions["misleading_domain"] = classifiers.versions["misleading_domain"]
    evidence = {
        "threshold": result.thresholds[category],
        "top_terms": terms,
        "lang": result.lang,
        "scored": result.scored,
        "model_versions": versions,
    }
    if category == "misleading" and result.matched_claim:
        claim = next(c for c in classifiers.claims.claims if c.id == result.matched_claim)
        evidence["matched_claim"] = {"id": claim.id, "fact_check": claim.fact_check}
    key = f"{record.id}|{DETECTOR}|{category}"
    return Detection(
        detection_id=hashlib.sha256(key.encode()).hexdigest(),
        record_id=record.id,
        account=record.account,
        category=category,
        policy_clause=DETECTION_CLAUSES[category],
        score=result.scores[category],
        evidence=json.dumps(evidence, sort_keys=True),
        detector=DETECTOR,
        detector_version=";".join(f"{k}={v}" for k, v in sorted(versions.items())),
    )

"""Precision and recall of the personal-data filter per entity type, on a generated labelled set.

Compares, on the same texts: our detector with each person-name approach, and
(if installed: ``pip install presidio-analyzer spacy``) Microsoft Presidio's
pattern recognizers run offline with a blank spaCy pipeline.

A predicted span counts as correct when it overlaps a true span of the same
type. "verbatim" counts true structured values still present, character for
character, in the redacted text — the failure that matters most.

Usage: ``python benchmarks/privacy_eval.py [--texts 5000]``
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from pipelines.privacy import findings as types
from pipelines.privacy.detector import PiiDetector
from pipelines.privacy.recognizers.person import given_names
from pipelines.privacy.redaction import redact
from pipelines.settings.privacy import DEFAULT_RECOGNIZERS, PrivacySettings
from testing.privacy_evalset import LabelledText, generate

Spans = list[tuple[str, int, int]]
STRUCTURED = {
    types.EMAIL,
    types.PHONE,
    types.CARD,
    types.IBAN,
    types.NI_NUMBER,
    types.STUDENT_ID,
    types.POSTCODE,
    types.IP_ADDRESS,
}


def ours(person: str) -> Callable[[str], Spans]:
    names = (*(name for name in DEFAULT_RECOGNIZERS if not name.startswith("person")), person)
    detector = PiiDetector(PrivacySettings(recognizers=names))
    return lambda text: [(f.entity_type, f.start, f.end) for f in detector.detect(text)]


def presidio() -> Callable[[str], Spans] | None:
    try:
        import spacy
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import SpacyNlpEngine
    except ImportError:
        return None
    # A blank English pipeline saved to disk: Presidio loads it as a model path and so
    # does not try to download one. Only Presidio's pattern recognizers can fire.
    blank = Path(tempfile.mkdtemp()) / "blank_en"
    spacy.blank("en").to_disk(blank)
    nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": str(blank)}])
    nlp_engine.load()
    engine = AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])
    mapping = {
        "EMAIL_ADDRESS": types.EMAIL,
        "PHONE_NUMBER": types.PHONE,
        "CREDIT_CARD": types.CARD,
        "IBAN_CODE": types.IBAN,
        "IP_ADDRESS": types.IP_ADDRESS,
        "UK_NINO": types.NI_NUMBER,
        "PERSON": types.PERSON,
        "LOCATION": types.STREET_ADDRESS,
    }

    def analyse(text: str) -> Spans:
        results = engine.analyze(text=text, language="en")
        return [
            (mapping[r.entity_type], r.start, r.end) for r in results if r.entity_type in mapping
        ]

    return analyse


def score(
    name: str, detect: Callable[[str], Spans], texts: Sequence[LabelledText]
) -> dict[str, tuple[float, float, int, int]]:
    true_positive: Counter[str] = Counter()
    truth: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    correct_predictions: Counter[str] = Counter()
    verbatim: Counter[str] = Counter()
    for item in texts:
        found = detect(item.text)
        for kind, start, end in item.spans:
            truth[kind] += 1
            if any(k == kind and s < end and start < e for k, s, e in found):
                true_positive[kind] += 1
        for kind, start, end in found:
            predicted[kind] += 1
            if any(k == kind and s < end and start < e for k, s, e in item.spans):
                correct_predictions[kind] += 1
        redacted = redact_spans(item.text, found)
        for kind, start, end in item.spans:
            if kind in STRUCTURED and item.text[start:end] in redacted:
                verbatim[kind] += 1
    table = {}
    for kind in sorted(truth):
        recall = true_positive[kind] / truth[kind]
        precision = correct_predictions[kind] / predicted[kind] if predicted[kind] else 0.0
        table[kind] = (precision, recall, truth[kind], verbatim[kind])
    print(f"\n{name}")
    print(f"{'entity':<16}{'precision':>10}{'recall':>8}{'n':>7}{'verbatim':>10}")
    for kind, (precision, recall, count, left) in table.items():
        print(f"{kind:<16}{precision:>10.3f}{recall:>8.3f}{count:>7}{left:>10}")
    return table


def redact_spans(text: str, spans: Spans) -> str:
    from pipelines.privacy.findings import Finding, resolve_overlaps

    findings = resolve_overlaps(Finding(k, s, e, 1.0) for k, s, e in spans)
    return redact(text, findings)


def person_recall_by_list(detect: Callable[[str], Spans], texts: Sequence[LabelledText]) -> None:
    listed = given_names()
    hits: Counter[bool] = Counter()
    totals: Counter[bool] = Counter()
    for item in texts:
        found = detect(item.text)
        for kind, start, end in item.spans:
            if kind != types.PERSON:
                continue
            in_list = item.text[start:end].split()[0] in listed
            totals[in_list] += 1
            hits[in_list] += any(k == kind and s < end and start < e for k, s, e in found)
    for in_list in (True, False):
        if totals[in_list]:
            label = "in the name list" if in_list else "NOT in the name list (held out)"
            recall = hits[in_list] / totals[in_list]
            print(f"  person recall, first name {label}: {recall:.3f} (n={totals[in_list]})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=5000)
    args = parser.parse_args()
    texts = generate(args.texts)
    for person in ("person_namelist", "person_context"):
        detect = ours(person)
        score(f"social-monitor ({person})", detect, texts)
        person_recall_by_list(detect, texts)
    other = presidio()
    if other is None:
        print("\nPresidio not installed: pip install presidio-analyzer spacy")
    else:
        score("Presidio pattern recognizers (blank spaCy pipeline)", other, texts)


if __name__ == "__main__":
    main()

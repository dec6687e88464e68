"""Throughput of the personal-data filter on one core: texts per second for 100,000 comments.

The comments mix the synthetic replies of the demo data (most hold no personal
data, as on real university posts) with the labelled evaluation texts (every one
holds some), about 4 to 1. The last line is machine-readable:
``redact_texts_per_s=N``.

Usage: ``python benchmarks/redact_throughput.py [--texts 100000]``
"""

from __future__ import annotations

import argparse
import time

from pipelines.privacy.detector import PiiDetector
from pipelines.privacy.redaction import redact
from pipelines.settings.privacy import PrivacySettings
from testing.privacy_evalset import generate
from testing.synthetic import generate_records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=100_000)
    args = parser.parse_args()
    personal = [item.text for item in generate(args.texts // 5)]
    ordinary = [record.text for record in generate_records(args.texts - len(personal), seed=5)]
    texts = ordinary + personal
    detector = PiiDetector(PrivacySettings(), ["UniOfficial", "UniResearchNews"])
    detector.detect("warm up: Amelia Hughes 07700 900123")
    started = time.perf_counter()
    entities = 0
    for text in texts:
        findings = detector.detect(text)
        redact(text, findings)
        entities += len(findings)
    elapsed = time.perf_counter() - started
    rate = len(texts) / elapsed
    share = f"{len(personal)} with personal data"
    print(f"{len(texts)} texts ({share}), {entities} entities found, {elapsed:.2f} s")
    print(f"redact_texts_per_s={rate:.0f}")


if __name__ == "__main__":
    main()

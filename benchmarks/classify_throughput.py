"""Throughput of the classifiers: 100,000 comments through every model on one core.

Texts: the validation tweets of the labelled data (OLID, HatEval, CONSTRAINT)
when ``--data`` points at them, else the demo's synthetic comments, repeated
to the count. Timed: language detection, normalisation, hashed features, the
three linear models, threat patterns, claim matching, and explanations for
every label given — what `socmon classify` and the pipeline do. Then
`socmon classify` on 10,000 lines is timed as a user would run it, start-up
included.

The last line is machine-readable: ``classify_texts_per_s=N``.

Usage: ``python benchmarks/classify_throughput.py [--data ../shared/data] [--texts N]``
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from classifiers import data
from classifiers.model_set import ClassifierSet


def texts_from(root: Path | None) -> tuple[list[str], str]:
    if root is not None and root.is_dir():
        texts = (
            data.tweeteval(root, "offensive", "val").texts
            + data.tweeteval(root, "hate", "val").texts
            + data.constraint(root, "val").texts
        )
        return texts, f"validation tweets from {root}"
    from testing.synthetic import generate_records

    return [record.text for record in generate_records(5000, seed=5)], "synthetic demo comments"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--texts", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2000)
    options = parser.parse_args()
    pool, source = texts_from(options.data)
    texts = (pool * (options.texts // len(pool) + 1))[: options.texts]
    started = time.perf_counter()
    classifiers = ClassifierSet.load()
    loaded = time.perf_counter() - started
    classifiers.score(texts[:200])  # warm-up: first calls compile patterns
    labelled = 0
    started = time.perf_counter()
    for start in range(0, len(texts), options.batch):
        results = classifiers.score(texts[start : start + options.batch])
        labelled += sum(1 for result in results if result.labels)
    elapsed = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as workdir:
        source_file = Path(workdir) / "in.jsonl"
        source_file.write_text(
            "".join(json.dumps({"id": n, "text": t}) + "\n" for n, t in enumerate(texts[:10_000])),
            encoding="utf-8",
        )
        started_cli = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pipelines.cli",
                "classify",
                "--input",
                str(source_file),
                "--output",
                str(Path(workdir) / "out.jsonl"),
            ],
            check=True,
            capture_output=True,
            cwd=workdir,
        )
        cli_seconds = time.perf_counter() - started_cli
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"texts                          : {len(texts):,} ({source})")
    print(f"labelled (explanations built)  : {labelled:,}")
    print(f"model files loaded in          : {loaded:.2f} s")
    print(f"scoring                        : {elapsed:.1f} s on one core")
    print(f"socmon classify, 10,000 lines  : {cli_seconds:.1f} s wall, start-up included")
    print(f"peak RSS                       : {peak_mib:.0f} MiB")
    print(f"classify_texts_per_s={len(texts) / elapsed:.0f}")


if __name__ == "__main__":
    main()

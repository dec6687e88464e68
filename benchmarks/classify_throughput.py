"""Throughput of the classifiers on one core: comment-length texts and 157-character posts.

Two pools, each repeated to ``--texts``: the demo's synthetic comments
(about 54 characters) and the validation tweets of the labelled data
(OLID, HatEval, CONSTRAINT: 157 characters on average) when ``--data``
points at them. Timed: language detection, normalisation, hashed features,
the three linear models, threat patterns, claim matching, and explanations
for every label given — what `socmon classify` and the pipeline do. Then
`socmon classify` on 10,000 posts is timed as a user would run it,
start-up included.

Texts per second are wall-clock figures; on a shared machine other
processes take turns on the core, so texts per CPU second (this process's
own time) are printed too: the figure a quiet core would give, within the
cache effects of the neighbours. Pin the run to one core
(``taskset -c 1 python benchmarks/classify_throughput.py``).

The last lines are machine-readable: ``classify_comments_per_s=N``,
``classify_posts_per_s=N`` and ``classify_texts_per_s=N`` (the posts).

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


def posts_from(root: Path | None) -> list[str] | None:
    """The validation tweets under ``root``, or None without the data."""
    if root is None or not root.is_dir():
        return None
    return (
        data.tweeteval(root, "offensive", "val").texts
        + data.tweeteval(root, "hate", "val").texts
        + data.constraint(root, "val").texts
    )


def comments() -> list[str]:
    from testing.synthetic import generate_records

    return [record.text for record in generate_records(5000, seed=5)]


def timed(classifiers: ClassifierSet, pool: list[str], count: int, batch: int) -> dict[str, float]:
    """Texts per second over ``count`` texts from ``pool``, and how many were labelled."""
    texts = (pool * (count // len(pool) + 1))[:count]
    classifiers.score(texts[:200])  # warm-up: first calls compile patterns
    labelled = 0
    started, started_cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(texts), batch):
        results = classifiers.score(texts[start : start + batch])
        labelled += sum(1 for result in results if result.labels)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - started_cpu
    return {
        "texts": len(texts),
        "labelled": labelled,
        "seconds": elapsed,
        "per_s": len(texts) / elapsed,
        "per_cpu_s": len(texts) / cpu,
        "characters": sum(map(len, pool)) / len(pool),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--texts", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2000)
    options = parser.parse_args()
    started = time.perf_counter()
    classifiers = ClassifierSet.load()
    loaded = time.perf_counter() - started
    pools = {"comments": comments()}
    posts = posts_from(options.data)
    if posts is not None:
        pools["posts"] = posts
    results = {
        name: timed(classifiers, pool, options.texts, options.batch) for name, pool in pools.items()
    }
    cli_texts = (posts or pools["comments"])[:10_000]
    with tempfile.TemporaryDirectory() as workdir:
        source_file = Path(workdir) / "in.jsonl"
        source_file.write_text(
            "".join(json.dumps({"id": n, "text": t}) + "\n" for n, t in enumerate(cli_texts)),
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
    print(f"model files loaded in          : {loaded:.2f} s")
    for name, result in results.items():
        print(
            f"{name:8s} ({result['characters']:.0f} characters) : {result['texts']:,} texts in "
            f"{result['seconds']:.1f} s on one core, {result['labelled']:,} labelled "
            f"(explanations built): {result['per_s']:,.0f} texts/s "
            f"({result['per_cpu_s']:,.0f} per CPU second)"
        )
    print(
        f"socmon classify, {len(cli_texts):,} lines  : {cli_seconds:.1f} s wall, start-up included"
    )
    print(f"peak RSS                       : {peak_mib:.0f} MiB")
    for name, result in results.items():
        print(f"classify_{name}_per_s={result['per_s']:.0f}")
        print(f"classify_{name}_per_cpu_s={result['per_cpu_s']:.0f}")
    main_figure = results.get("posts", results["comments"])["per_s"]
    print(f"classify_texts_per_s={main_figure:.0f}")


if __name__ == "__main__":
    main()

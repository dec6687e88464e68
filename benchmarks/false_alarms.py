"""False alarms on ordinary traffic: the share of texts flagged per category, per kind of text.

Scores a split of the false-alarm set (``classifiers/ordinary.py``: real
tweets with sentiment or emotion labels plus our own university posts)
through the shipped ``ClassifierSet`` at its alert thresholds, and through
alt-profanity-check (flagged at probability 0.5; it has one score, shown in
one column) on the same texts. Prints a markdown table: one row per kind of
text, then one per group; the ``benign`` group is the headline false-alarm
figure, checked against the goals (hate and threat ≤ 1 %, offensive ≤ 3 %,
misleading ≤ 1 %). Only figures are printed, never texts.

``dev`` is for choosing models; ``report`` is for the README only.

Usage: ``python benchmarks/false_alarms.py [--split dev|report] [--data ../shared/data]
[--models DIR] [--sample N]`` (``--sample`` keeps the first N texts of each kind).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from classifiers import ordinary
from classifiers.base import CATEGORIES
from classifiers.model_set import MODEL_DIR, ClassifierSet

GOALS: dict[str, float] = {"offensive": 0.03, "hate": 0.01, "threat": 0.01, "misleading": 0.01}
BATCH = 2000


def profanity_check() -> Callable[[Sequence[str]], list[bool]] | None:
    """alt-profanity-check's verdicts at 0.5, or None when it is not installed."""
    try:
        from profanity_check import predict_prob
    except ImportError:
        return None
    return lambda texts: (np.asarray(predict_prob(list(texts))) >= 0.5).tolist()


def labels_of(classifiers: ClassifierSet, texts: Sequence[str]) -> list[tuple[str, ...]]:
    """The labels each text gets at the alert thresholds, scored in batches."""
    labels: list[tuple[str, ...]] = []
    for start in range(0, len(texts), BATCH):
        batch = texts[start : start + BATCH]
        labels += [result.labels for result in classifiers.score(batch, explain=False)]
    return labels


def table_row(
    name: str,
    group: str,
    indices: list[int],
    labels: list[tuple[str, ...]],
    comparison: list[bool] | None,
) -> str:
    cells = [name, group, f"{len(indices):,}"]
    for category in CATEGORIES:
        flagged = sum(category in labels[i] for i in indices)
        cells.append(f"{100 * flagged / len(indices):.1f} %")
    if comparison is None:
        cells.append("not installed")
    else:
        cells.append(f"{100 * sum(comparison[i] for i in indices) / len(indices):.1f} %")
    return "| " + " | ".join(cells) + " |"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=ordinary.SPLITS, default="dev")
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--models", type=Path, default=MODEL_DIR)
    parser.add_argument("--sample", type=int, default=0, help="first N texts of each kind")
    options = parser.parse_args(argv)
    kinds = ordinary.by_kind(ordinary.build(options.data, options.split))
    if options.sample:
        kinds = {kind: items[: options.sample] for kind, items in kinds.items()}
    items = [item for group in kinds.values() for item in group]
    texts = [item.text for item in items]
    classifiers = ClassifierSet.load(options.models)
    labels = labels_of(classifiers, texts)
    compare = profanity_check()
    comparison = compare(texts) if compare else None

    print(f"False alarms, split {options.split}: {len(texts):,} texts from {options.data}")
    print(f"models {options.models} ({', '.join(sorted(set(classifiers.versions.values())))})")
    print(f"thresholds {classifiers.thresholds}\n")
    print("| kind | group | texts | " + " | ".join(CATEGORIES) + " | alt-profanity-check |")
    print("| --- " * (4 + len(CATEGORIES)) + "|")
    for kind in kinds:
        indices = [i for i, item in enumerate(items) if item.kind == kind]
        print(table_row(kind, items[indices[0]].group, indices, labels, comparison))
    for group in ordinary.GROUPS:
        indices = [i for i, item in enumerate(items) if item.group == group]
        if indices:
            print(table_row(f"**all {group}**", group, indices, labels, comparison))
    benign = [i for i, item in enumerate(items) if item.group == ordinary.BENIGN]
    for name, ours in (("benign tweets", False), ("our benign texts", True)):
        indices = [i for i in benign if items[i].is_ours == ours]
        if indices:
            print(table_row(f"**{name}**", ordinary.BENIGN, indices, labels, comparison))
    if benign:
        print("\nHeadline (benign texts) against the goals:")
        for category, goal in GOALS.items():
            share = sum(category in labels[i] for i in benign) / len(benign)
            verdict = "met" if share <= goal else "NOT met"
            print(f"  {category:<10} {100 * share:5.2f} % (goal ≤ {100 * goal:.0f} %): {verdict}")


if __name__ == "__main__":
    main()

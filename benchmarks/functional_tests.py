"""Functional tests per function and topic perturbation flip rates, ours and alt-profanity-check.

Scores a split of our functional tests (``classifiers/functional.py``)
through the shipped ``ClassifierSet`` at its alert thresholds: a case counts
as flagged when it gets one of its function's labels (``hate``; ``hate`` or
``threat`` for threats against a group; ``threat`` for threats and idioms).
alt-profanity-check has one score: a case counts as flagged by it at
probability 0.5, whatever the function. Prints accuracy per function (a
markdown table), overall, and on the hateful and the non-hateful functions.
Then the perturbation flip rates (``classifiers/perturbation.py``; split
independent), alt-profanity-check's counted as flagging every category.
Only figures are printed, never texts.

``dev`` is for choosing models; ``report`` is for the README only.

Usage: ``python benchmarks/functional_tests.py [--split dev|report] [--models DIR]
[--sample N]`` (``--sample`` keeps the first N cases of each function).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from classifiers import functional, perturbation
from classifiers.base import CATEGORIES
from classifiers.model_set import MODEL_DIR, ClassifierSet


def profanity_check() -> Callable[[Sequence[str]], list[bool]] | None:
    """alt-profanity-check's verdicts at 0.5, or None when it is not installed."""
    try:
        from profanity_check import predict_prob
    except ImportError:
        return None
    return lambda texts: (np.asarray(predict_prob(list(texts))) >= 0.5).tolist()


def accuracy(correct: Sequence[bool]) -> str:
    return f"{sum(correct) / len(correct):.2f}" if correct else "-"


def first_of_each_function(
    cases: Sequence[functional.FunctionalCase], count: int
) -> list[functional.FunctionalCase]:
    """The first ``count`` cases of every function, in their order."""
    seen: dict[str, int] = {}
    kept = []
    for case in cases:
        seen[case.function] = seen.get(case.function, 0) + 1
        if seen[case.function] <= count:
            kept.append(case)
    return kept


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=functional.SPLITS, default="dev")
    parser.add_argument("--models", type=Path, default=MODEL_DIR)
    parser.add_argument("--sample", type=int, default=0, help="first N cases of each function")
    options = parser.parse_args(argv)
    cases = functional.build(options.split)
    if options.sample:
        cases = first_of_each_function(cases, options.sample)
    classifiers = ClassifierSet.load(options.models)
    results = classifiers.score([case.text for case in cases], explain=False)
    ours = [
        any(label in result.labels for label in case.flagged_by) == case.should_flag
        for case, result in zip(cases, results, strict=True)
    ]
    compare = profanity_check()
    flags = compare([case.text for case in cases]) if compare else None
    theirs = [f == c.should_flag for c, f in zip(cases, flags, strict=True)] if flags else None

    print(f"Functional tests, split {options.split}: {len(cases)} cases")
    print(f"models {options.models} ({', '.join(sorted(set(classifiers.versions.values())))})\n")
    print("| function | should be flagged | by | cases | socmon | alt-profanity-check |")
    print("| --- | --- | --- | --- | --- | --- |")
    rows: list[tuple[list[str], list[int]]] = [
        (
            [f.name, "yes" if f.should_flag else "no", " or ".join(f.flagged_by)],
            [i for i, case in enumerate(cases) if case.function == f.name],
        )
        for f in functional.FUNCTIONS
    ]
    for name, should_flag in (("hateful functions", True), ("non-hateful functions", False)):
        indices = [i for i, case in enumerate(cases) if case.should_flag == should_flag]
        rows.append(([f"**{name}**", "", ""], indices))
    rows.append((["**all**", "", ""], list(range(len(cases)))))
    for cells, indices in rows:
        if indices:
            mine = accuracy([ours[i] for i in indices])
            other = accuracy([theirs[i] for i in indices]) if theirs else "not installed"
            print("| " + " | ".join([*cells, str(len(indices)), mine, other]) + " |")
    print_perturbation(classifiers, compare)


def print_perturbation(
    classifiers: ClassifierSet, compare: Callable[[Sequence[str]], list[bool]] | None
) -> None:
    def ours(texts: Sequence[str]) -> list[tuple[str, ...]]:
        return [result.labels for result in classifiers.score(list(texts), explain=False)]

    labellers: dict[str, perturbation.Labeller] = {"socmon": ours}
    if compare:
        labellers["alt-profanity-check"] = lambda texts: [
            CATEGORIES if flag else () for flag in compare(texts)
        ]
    print("\nTopic perturbation (flip rate; lower is better):\n")
    print(
        "| model | group swap, hate: flips | hateful cases flagged | topic added: "
        + " | ".join(CATEGORIES)
        + " |"
    )
    print("| --- " * (3 + len(CATEGORIES)) + "|")
    for name, labeller in labellers.items():
        swap, flagged = perturbation.group_swap_flips(labeller)
        topics = perturbation.topic_flips(labeller, CATEGORIES)
        cells = [
            name,
            f"{100 * swap.rate:.1f} % ({swap.flips}/{swap.total})",
            f"{100 * flagged:.0f} %",
            *(f"{100 * t.rate:.1f} % ({t.flips}/{t.total})" for t in topics.values()),
        ]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

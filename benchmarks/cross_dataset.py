"""The cross-dataset matrix: train on one source, measure on every source.

For ``hate`` (HatEval; Davidson et al.'s class 0) and ``offensive`` (OLID;
Davidson et al.'s classes 0 and 1), one model per source is trained alone —
the shipped normaliser and features, the shipped regularisation, the
threshold chosen on that source's own validation split, as one would with
no other data — and measured (macro-F1) on every source's validation
split, and by the share of OLID's validation tweets annotated not offensive
that it flags. The shipped model (all sources, threshold chosen across
them) follows, and last the labels the whole shipped set gives (its rules
included: ``ClassifierSet.score``). Then the shipped models' calibration
per source: positive share true, labelled at the threshold, and expected
from the prior-free scores once told the true share.

``--no-masks`` trains and measures the single-source rows with the topic
masks off (``classifiers.masks``), to show what they change.

Usage: ``python benchmarks/cross_dataset.py [--data ../shared/data] [--no-masks]
[--models DIR]``
(a few minutes on one core).
"""

from __future__ import annotations

import argparse
import copy
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from classifiers import sources
from classifiers.linear import LinearModel
from classifiers.metrics import f1_scores
from classifiers.model_set import MODEL_DIR, ClassifierSet
from classifiers.selection import (
    Labelled,
    Matrix,
    Part,
    placeholder_columns,
    source_report,
    transfer_matrix,
)
from classifiers.training import SEED

SHIPPED = "shipped (all sources)"
SET = "shipped set, labels as the pipeline gives them"
NOT_OFFENSIVE = "flags OLID not offensive"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--no-masks", action="store_true")
    parser.add_argument("--models", type=Path, default=MODEL_DIR)
    options = parser.parse_args(argv)
    shipped = ClassifierSet.load(options.models)
    normalizer = copy.copy(shipped.normalizer)
    normalizer.mask_topics = not options.no_masks
    labelled = sources.read_sources(options.data)

    def matrix(texts: Sequence[str]) -> Matrix:
        return shipped.features.transform([normalizer(t) for t in texts])

    def shipped_matrix(texts: Sequence[str]) -> Matrix:
        return shipped.features.transform([shipped.normalizer(t) for t in texts])

    print(f"masks {'off' if options.no_masks else 'on'} for the single-source rows\n")
    for category in ("hate", "offensive"):
        task_sources = labelled.hate() if category == "hate" else labelled.offensive()
        matrices = [
            Labelled(
                s.name,
                Part(s.name, matrix(s.train.texts), s.train.labels),
                Part(s.name, matrix(s.validation.texts), s.validation.labels),
            )
            for s in task_sources
        ]
        model, threshold = shipped.linear[category], shipped.thresholds[category]
        rows = transfer_matrix(
            matrices,
            float(shipped.metadata["metrics"][category]["regularisation"]),
            "macro_f1",
            SEED,
            negatives={NOT_OFFENSIVE: matrix(labelled.not_offensive("validation"))},
            smoothing=shipped.metadata["metrics"][category].get("smoothing"),
            ignored_columns=None if options.no_masks else placeholder_columns(shipped.features),
        )
        # The shipped model is measured on its own normalisation (masks on).
        label = _labeller(model, threshold)
        rows[SHIPPED] = {
            **{
                s.name: _macro_f1(s.validation.labels, label(shipped_matrix(s.validation.texts)))
                for s in task_sources
            },
            NOT_OFFENSIVE: float(
                np.mean(label(shipped_matrix(labelled.not_offensive("validation"))))
            ),
        }
        # And as the pipeline labels texts: the whole set, with its rules (a hate label needs
        # a named group; statements about groups; hate and threat imply offensive).
        rows[SET] = {
            **{
                s.name: _macro_f1(
                    s.validation.labels, _set_labels(shipped, s.validation.texts, category)
                )
                for s in task_sources
            },
            NOT_OFFENSIVE: float(
                np.mean(_set_labels(shipped, labelled.not_offensive("validation"), category))
            ),
        }
        names = [s.name for s in task_sources]
        print(f"| {category}: macro-F1 on | " + " | ".join(names) + f" | {NOT_OFFENSIVE} |")
        print("| --- " * (len(names) + 2) + "|")
        for row, figures in rows.items():
            cells = " | ".join(f"{figures[name]:.3f}" for name in names)
            print(f"| {row} | {cells} | {figures[NOT_OFFENSIVE]:.1%} |")
        print()
        print(f"| {category}, shipped: source | positive share, true | labelled | expected |")
        print("| --- | --- | --- | --- |")
        for s in task_sources:
            validation = shipped_matrix(s.validation.texts)
            scores = model.probability(validation @ model.coef + model.intercept)
            report = source_report(s.validation.labels, scores, threshold)
            print(
                f"| {s.name} | {report['true_positive_share']:.3f} | "
                f"{report['labelled_share']:.3f} | {report['expected_positive_share']:.3f} |"
            )
        print()


def _labeller(model: LinearModel, threshold: float) -> Callable[[Matrix], npt.NDArray[np.bool_]]:
    return lambda matrix: np.asarray(
        model.probability(np.asarray(matrix @ model.coef) + model.intercept) >= threshold
    )


def _set_labels(
    shipped: ClassifierSet, texts: Sequence[str], category: str
) -> npt.NDArray[np.bool_]:
    """Whether the whole set labels each text with the category (in batches)."""
    labels: list[bool] = []
    for start in range(0, len(texts), 2000):
        results = shipped.score(list(texts[start : start + 2000]), explain=False)
        labels += [category in result.labels for result in results]
    return np.array(labels, dtype=bool)


def _macro_f1(labels: npt.NDArray[np.int64], predicted: npt.NDArray[np.bool_]) -> float:
    return float(f1_scores(labels, predicted)["macro_f1"])


if __name__ == "__main__":
    main()

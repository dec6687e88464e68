"""Model selection across sources: train on some data sets, judge on another.

A model tuned on its own training source's validation split learns that
source's quirks (its news cycle, its annotators' idea of hate) and is then
judged on the same quirks. Here:

* a model is fitted on several sources at once (``fit_parts``), each source
  weighing the same however many texts it has, with texts known to be
  negative as extra parts;
* the regularisation is the one whose models, trained without a source,
  do best on that source (``choose_regularisation``: leave one source out);
* the threshold is the one with the best mean metric over every source's
  validation split (``choose_threshold``), not over one;
* ``transfer_matrix`` fits one model per source and measures it on every
  source: the cross-dataset matrix of the README.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from classifiers.linear import NbLogisticRegression, at_prior
from classifiers.masks import placeholder_texts
from classifiers.metrics import THRESHOLD_GRID, f1_scores

Matrix = Any  # a scipy sparse CSR matrix


@dataclass(frozen=True)
class Part:
    """Texts (as a feature matrix) with labels, and the total weight they get in training."""

    name: str
    matrix: Matrix
    labels: npt.NDArray[np.int64]
    weight: float = 1.0


@dataclass(frozen=True)
class Labelled:
    """A source's training and validation matrices (1 = the category)."""

    name: str
    train: Part
    validation: Part


def placeholder_columns(features: Any) -> npt.NDArray[np.int64]:
    """The feature columns of the masks' placeholders alone (``classifiers.masks``)."""
    matrix = features.transform(placeholder_texts())
    return np.unique(matrix.indices).astype(np.int64)


def fit_parts(
    parts: Sequence[Part],
    regularisation: float,
    seed: int,
    smoothing: float | None = None,
    ignored_columns: npt.NDArray[np.int64] | None = None,
) -> NbLogisticRegression:
    """One model from all parts; each part's texts share its weight equally."""
    matrix = sparse.csr_matrix(sparse.vstack([part.matrix for part in parts]))
    labels = np.concatenate([part.labels for part in parts])
    weights = np.concatenate(
        [np.full(len(part.labels), part.weight / max(1, len(part.labels))) for part in parts]
    )
    weights *= len(labels) / weights.sum()
    model = NbLogisticRegression(
        C=regularisation, random_state=seed, smoothing=smoothing, ignored_columns=ignored_columns
    )
    return model.fit(matrix, labels, sample_weight=weights)


def best_metric(
    labels: npt.NDArray[np.int64], scores: npt.NDArray[np.float64], metric: str
) -> float:
    """The metric at the best grid threshold (how well the scores can separate the classes)."""
    return max(float(f1_scores(labels, scores >= t)[metric]) for t in THRESHOLD_GRID)


def choose_regularisation(
    sources: Sequence[Labelled],
    trained_on: Sequence[str],
    negatives: Sequence[Part],
    grid: Sequence[float],
    metric: str,
    seed: int,
    smoothing: float | None = None,
    ignored_columns: npt.NDArray[np.int64] | None = None,
) -> tuple[float, dict[str, dict[str, float]]]:
    """The strength whose models do best on sources they were not trained on.

    For every source, a model is trained on the sources in ``trained_on`` other than it
    (plus the negatives) and measured on its validation split; a strength's figure is the
    mean over the sources that had such a model. Returns the strength and every figure.
    """
    figures: dict[str, dict[str, float]] = {}
    for strength in grid:
        row = {}
        for held in sources:
            others = [s.train for s in sources if s.name in trained_on and s.name != held.name]
            if not others:
                continue
            model = fit_parts([*others, *negatives], strength, seed, smoothing, ignored_columns)
            scores = model.predict_proba(held.validation.matrix)[:, 1]
            row[held.name] = round(best_metric(held.validation.labels, scores, metric), 4)
        figures[str(strength)] = row
    chosen = max(grid, key=lambda s: (np.mean(list(figures[str(s)].values())), -abs(np.log(s))))
    return chosen, figures


def choose_threshold(
    validations: Sequence[tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]],
    metric: str,
    benign: npt.NDArray[np.float64] | None = None,
    budget: float = 1.0,
    already_flagged: npt.NDArray[np.bool_] | None = None,
) -> float:
    """The grid threshold with the best mean metric over the (labels, scores) pairs, among
    those that flag at most ``budget`` of the ``benign`` scores (ordinary texts that should
    not be flagged), counting the benign texts ``already_flagged`` by something else; the
    highest threshold of the grid if none keeps to the budget."""

    def mean_at(threshold: float) -> float:
        return float(np.mean([f1_scores(y, s >= threshold)[metric] for y, s in validations]))

    def flagged_share(threshold: float) -> float:
        assert benign is not None
        flagged = benign >= threshold
        return float(np.mean(flagged if already_flagged is None else flagged | already_flagged))

    allowed = [float(t) for t in THRESHOLD_GRID if benign is None or flagged_share(t) <= budget]
    if not allowed:
        return float(THRESHOLD_GRID[-1])
    return max(allowed, key=lambda t: (mean_at(t), -abs(t - 0.5)))


def source_report(
    labels: npt.NDArray[np.int64], scores: npt.NDArray[np.float64], threshold: float
) -> dict[str, Any]:
    """Metrics at the threshold, and the positive share: true, labelled, and expected from the
    scores once told the true share (the mean of ``at_prior``: equal to the true share when
    the scores are calibrated on this source)."""
    measured = f1_scores(labels, scores >= threshold)
    true_share = float(np.clip(np.mean(labels), 1e-4, 1 - 1e-4))
    return {
        "macro_f1": measured["macro_f1"],
        "weighted_f1": measured["weighted_f1"],
        "texts": len(labels),
        "true_positive_share": round(float(np.mean(labels)), 4),
        "labelled_share": round(float(np.mean(scores >= threshold)), 4),
        "expected_positive_share": round(float(at_prior(scores, true_share).mean()), 4),
    }


def transfer_matrix(
    sources: Sequence[Labelled],
    regularisation: float,
    metric: str,
    seed: int,
    ready: dict[str, Callable[[Matrix], npt.NDArray[np.bool_]]] | None = None,
    negatives: dict[str, Matrix] | None = None,
    smoothing: float | None = None,
    ignored_columns: npt.NDArray[np.int64] | None = None,
) -> dict[str, dict[str, float]]:
    """Row: the model trained on one source alone (threshold chosen on that source's own
    validation split, as one would without other data); column: the source it is measured
    on, then the share it labels of each of ``negatives`` (texts known to be negative).
    ``ready`` adds rows for ready models, given as functions from a matrix to labels."""
    labellers: dict[str, Callable[[Matrix], npt.NDArray[np.bool_]]] = {}
    for trained in sources:
        model = fit_parts([trained.train], regularisation, seed, smoothing, ignored_columns)
        own = model.predict_proba(trained.validation.matrix)[:, 1]
        cut = choose_threshold([(trained.validation.labels, own)], metric)
        labellers[f"trained on {trained.name}"] = _labeller(model, cut)
    labellers.update(ready or {})
    matrix: dict[str, dict[str, float]] = {}
    for name, labeller in labellers.items():
        row = {
            target.name: float(
                f1_scores(target.validation.labels, labeller(target.validation.matrix))[metric]
            )
            for target in sources
        }
        for negative, texts in (negatives or {}).items():
            row[negative] = float(np.mean(labeller(texts)))
        matrix[name] = row
    return matrix


def _labeller(
    model: NbLogisticRegression, threshold: float
) -> Callable[[Matrix], npt.NDArray[np.bool_]]:
    return lambda matrix: np.asarray(model.predict_proba(matrix)[:, 1] >= threshold)

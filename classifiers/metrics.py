"""Metrics for a binary category: F1 per class, macro and weighted F1, thresholds, curves."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)


def f1_scores(labels: npt.NDArray[Any], predicted: npt.NDArray[Any]) -> dict[str, Any]:
    """Precision, recall and F1 per class, macro and weighted F1, and the confusion matrix."""
    labels = np.asarray(labels).astype(int)
    predicted = np.asarray(predicted).astype(int)
    result: dict[str, Any] = {"per_class": {}}
    f1s, supports = [], []
    for cls in (0, 1):
        true_positive = int(((predicted == cls) & (labels == cls)).sum())
        predicted_count = int((predicted == cls).sum())
        actual_count = int((labels == cls).sum())
        precision = true_positive / predicted_count if predicted_count else 0.0
        recall = true_positive / actual_count if actual_count else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result["per_class"][str(cls)] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": actual_count,
        }
        f1s.append(f1)
        supports.append(actual_count)
    result["macro_f1"] = round(float(np.mean(f1s)), 4)
    total = sum(supports)
    result["weighted_f1"] = round(
        float(sum(f * s for f, s in zip(f1s, supports, strict=True)) / total) if total else 0.0, 4
    )
    result["confusion"] = [
        [int(((labels == a) & (predicted == b)).sum()) for b in (0, 1)] for a in (0, 1)
    ]
    return result


def best_threshold(
    labels: npt.NDArray[Any], scores: npt.NDArray[Any], metric: str
) -> tuple[float, float]:
    """The grid threshold that maximises ``metric`` (macro_f1 or weighted_f1), and its value."""
    best = max(
        (
            (f1_scores(labels, scores >= threshold)[metric], float(threshold))
            for threshold in THRESHOLD_GRID
        ),
        key=lambda pair: (pair[0], -abs(pair[1] - 0.5)),
    )
    return best[1], best[0]


def cross_fitted(
    labels: npt.NDArray[Any], scores: npt.NDArray[Any], metric: str, seed: int = 0
) -> float:
    """An honest estimate: the threshold is chosen on one half and measured on the other."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(labels))
    halves = order[: len(order) // 2], order[len(order) // 2 :]
    values = []
    for tune, measure in (halves, halves[::-1]):
        threshold, _ = best_threshold(labels[tune], scores[tune], metric)
        values.append(f1_scores(labels[measure], scores[measure] >= threshold)[metric])
    return round(float(np.mean(values)), 4)


def precision_recall_curve(
    labels: npt.NDArray[Any], scores: npt.NDArray[Any]
) -> tuple[list[float], list[float]]:
    """Precision and recall of the positive class over the threshold grid."""
    precisions, recalls = [], []
    for threshold in THRESHOLD_GRID:
        per_class = f1_scores(labels, scores >= threshold)["per_class"]["1"]
        precisions.append(per_class["precision"])
        recalls.append(per_class["recall"])
    return precisions, recalls

"""Calibrated linear models over hashed n-grams: the offensive, hate and misleading classifiers.

Training (``NbLogisticRegression``, scikit-learn conventions) scales each
feature by its naive-Bayes log-count ratio before a class-weighted logistic
regression — the NB-SVM idea of Wang and Manning (2012), which does better
than plain TF-IDF on short texts — then fits a Platt sigmoid on
out-of-fold decision values, so probabilities match the training prior
instead of the balanced weights. The result folds into one coefficient
vector, an intercept and two calibration numbers: ``LinearModel``, which is
all that scoring needs (numpy only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse


@dataclass(frozen=True)
class LinearModel:
    """``P(category) = sigmoid(a * (x . coef + intercept) + b)``."""

    coef: npt.NDArray[np.float32]
    intercept: float
    calibration_slope: float
    calibration_offset: float

    def probability(self, decision: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Calibrated probabilities from decision values."""
        z = self.calibration_slope * decision + self.calibration_offset
        return 1.0 / (1.0 + np.exp(-z))


class NbLogisticRegression:
    """NB-scaled, class-weighted logistic regression with Platt calibration (binary)."""

    def __init__(  # C: scikit-learn's name for the inverse regularisation strength
        self,
        C: float = 0.1,  # noqa: N803
        calibration_folds: int = 5,
        random_state: int = 0,
    ) -> None:
        self.C = C
        self.calibration_folds = calibration_folds
        self.random_state = random_state

    def fit(self, X: sparse.csr_matrix, y: npt.NDArray[Any]) -> NbLogisticRegression:  # noqa: N803
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        labels = np.asarray(y).astype(int)
        present = (X > 0).astype(np.float32)
        positive = np.asarray(present[labels == 1].sum(axis=0)).ravel() + 1.0
        negative = np.asarray(present[labels == 0].sum(axis=0)).ravel() + 1.0
        ratio = np.log((positive / positive.sum()) / (negative / negative.sum()))
        scaled = X @ sparse.diags(ratio.astype(np.float32))
        regression = LogisticRegression(C=self.C, class_weight="balanced", max_iter=5000)
        regression.fit(scaled, labels)
        folds = StratifiedKFold(
            self.calibration_folds, shuffle=True, random_state=self.random_state
        )
        out_of_fold = cross_val_predict(
            LogisticRegression(C=self.C, class_weight="balanced", max_iter=5000),
            scaled,
            labels,
            cv=folds,
            method="decision_function",
        )
        platt = LogisticRegression(C=1e4, max_iter=1000).fit(out_of_fold[:, None], labels)
        self.coef_ = (ratio * regression.coef_[0]).astype(np.float32)
        self.intercept_ = float(regression.intercept_[0])
        self.calibration_ = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))
        return self

    def decision_function(self, X: sparse.csr_matrix) -> npt.NDArray[np.float64]:  # noqa: N803
        return np.asarray(X @ self.coef_, dtype=np.float64) + self.intercept_

    def predict_proba(self, X: sparse.csr_matrix) -> npt.NDArray[np.float64]:  # noqa: N803
        positive = self.model().probability(self.decision_function(X))
        return np.column_stack([1 - positive, positive])

    def model(self) -> LinearModel:
        """The fitted model as plain arrays, for scoring."""
        return LinearModel(self.coef_, self.intercept_, *self.calibration_)


#: Placeholders and function words never make an explanation.
_NOT_TERMS = frozenset({"@user", "url", "the", "a", "an", "and", "of", "to", "is", "in", "rt"})


def top_terms(shares: dict[str, float], top: int) -> list[str]:
    """Words with the largest positive share of the score, without surrounding punctuation."""
    merged: dict[str, float] = {}
    for word, share in shares.items():
        term = word.strip(_PUNCTUATION)
        if term and term not in _NOT_TERMS:
            merged[term] = merged.get(term, 0.0) + share
    ranked = sorted(((share, term) for term, share in merged.items() if share > 0), reverse=True)
    return [term for _, term in ranked[:top]]


_PUNCTUATION = ".,!?;:'\"()[]{}-\u2026\u201c\u201d\u2018\u2019"

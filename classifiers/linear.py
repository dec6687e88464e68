"""Calibrated linear models over hashed n-grams: the offensive, hate and misleading classifiers.

Training (``NbLogisticRegression``, scikit-learn conventions) scales each
feature by its naive-Bayes log ratio (how much more often texts of the
category contain it than other texts) before a class-weighted logistic
regression — the NB-SVM idea of Wang and Manning (2012), which does better
than plain TF-IDF on short texts — then fits a Platt sigmoid on
out-of-fold decision values, with both classes weighted equally.

So a score is *prior-free*: the probability of the category if the
category and its opposite were equally common. It does not carry the
positive share of whichever data set the model was trained on (42 % hate in
HatEval, 6 % in Davidson et al.), so it means the same on a new source; on
a source whose positive share is known, ``at_prior`` turns it into that
source's probability.

Sample weights let several sources count equally however many texts each
has. The result folds into one coefficient vector, an intercept and two
calibration numbers: ``LinearModel``, which is all that scoring needs
(numpy only).
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
    """NB-scaled, class-weighted logistic regression with prior-free Platt calibration."""

    def __init__(  # C: scikit-learn's name for the inverse regularisation strength
        self,
        C: float = 0.1,  # noqa: N803
        calibration_folds: int = 3,
        random_state: int = 0,
        smoothing: float | None = None,
        prior_free: bool = True,
        ignored_columns: npt.NDArray[np.int64] | None = None,
    ) -> None:
        self.C = C
        self.calibration_folds = calibration_folds
        self.random_state = random_state
        self.smoothing = smoothing
        self.prior_free = prior_free
        self.ignored_columns = ignored_columns

    def fit(
        self,
        X: sparse.csr_matrix,  # noqa: N803
        y: npt.NDArray[Any],
        sample_weight: npt.NDArray[Any] | None = None,
    ) -> NbLogisticRegression:
        from sklearn.model_selection import StratifiedKFold

        labels = np.asarray(y).astype(int)
        weights = _balanced(labels, sample_weight)
        ratio = nb_ratio(X, labels, self.smoothing)
        if self.ignored_columns is not None:  # features the model must not use
            ratio[self.ignored_columns] = 0.0
        scaled = sparse.csr_matrix(X @ sparse.diags(ratio.astype(np.float32)))
        regression = self._regression().fit(scaled, labels, sample_weight=weights)
        folds = StratifiedKFold(
            self.calibration_folds, shuffle=True, random_state=self.random_state
        )
        out_of_fold = np.zeros(len(labels))
        for fit_rows, held_rows in folds.split(np.zeros(len(labels)), labels):
            fold = self._regression().fit(
                scaled[fit_rows], labels[fit_rows], sample_weight=weights[fit_rows]
            )
            out_of_fold[held_rows] = fold.decision_function(scaled[held_rows])
        if self.prior_free:
            self.calibration_ = platt(out_of_fold, labels, weights)
        else:  # the training data's own share of positives
            self.calibration_ = platt(out_of_fold, labels, sample_weight, balanced=False)
        self.coef_ = (ratio * regression.coef_[0]).astype(np.float32)
        self.intercept_ = float(regression.intercept_[0])
        return self

    def _regression(self) -> Any:
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=self.C, max_iter=5000)

    def decision_function(self, X: sparse.csr_matrix) -> npt.NDArray[np.float64]:  # noqa: N803
        return np.asarray(X @ self.coef_, dtype=np.float64) + self.intercept_

    def predict_proba(self, X: sparse.csr_matrix) -> npt.NDArray[np.float64]:  # noqa: N803
        positive = self.model().probability(self.decision_function(X))
        return np.column_stack([1 - positive, positive])

    def model(self) -> LinearModel:
        """The fitted model as plain arrays, for scoring."""
        return LinearModel(self.coef_, self.intercept_, *self.calibration_)


def nb_ratio(
    X: sparse.csr_matrix,  # noqa: N803
    labels: npt.NDArray[np.int64],
    smoothing: float | None = None,
) -> npt.NDArray[np.float64]:
    """Per feature, the naive-Bayes log ratio. By default (Wang and Manning) the log of its
    share of the positive texts' feature occurrences over its share of the negative texts',
    each count plus one; with ``smoothing``, the log of (share of positive texts with it) /
    (share of negative texts with it), both plus ``smoothing``, which is 0 for a feature
    neither class has whatever the classes' sizes."""
    present = sparse.csr_matrix(X > 0, dtype=np.float32)
    if smoothing is None:
        positive = np.asarray(present[labels == 1].sum(axis=0)).ravel() + 1.0
        negative = np.asarray(present[labels == 0].sum(axis=0)).ravel() + 1.0
        return np.asarray(np.log((positive / positive.sum()) / (negative / negative.sum())))
    positive_rate = np.asarray(present[labels == 1].sum(axis=0)).ravel() / max(
        1, int((labels == 1).sum())
    )
    negative_rate = np.asarray(present[labels == 0].sum(axis=0)).ravel() / max(
        1, int((labels == 0).sum())
    )
    return np.asarray(np.log((positive_rate + smoothing) / (negative_rate + smoothing)))


def platt(
    decisions: npt.NDArray[np.float64],
    labels: npt.NDArray[np.int64],
    weights: npt.NDArray[Any] | None = None,
    balanced: bool = True,
) -> tuple[float, float]:
    """Slope and offset of the sigmoid that fits ``labels`` from ``decisions``; with
    ``balanced``, the two classes weighted equally (so the probability is prior-free)."""
    from sklearn.linear_model import LogisticRegression

    if balanced:
        weights = _balanced(labels, weights)
    fitted = LogisticRegression(C=1e4, max_iter=1000).fit(
        decisions[:, None], labels, sample_weight=weights
    )
    return float(fitted.coef_[0, 0]), float(fitted.intercept_[0])


def _balanced(
    labels: npt.NDArray[np.int64], weights: npt.NDArray[Any] | None
) -> npt.NDArray[np.float64]:
    """``weights`` (default all 1) rescaled so that both classes have the same total."""
    result = np.ones(len(labels)) if weights is None else np.asarray(weights, np.float64).copy()
    total = result.sum()
    for cls in (0, 1):
        members = labels == cls
        if members.any():
            result[members] *= total / 2 / result[members].sum()
    return result


def at_prior(scores: npt.NDArray[np.float64], prior: float) -> npt.NDArray[np.float64]:
    """Prior-free scores as probabilities on a source where ``prior`` of texts are positive."""
    clipped = np.clip(np.asarray(scores, np.float64), 1e-9, 1 - 1e-9)
    logit = np.log(clipped / (1 - clipped)) + np.log(prior / (1 - prior))
    return np.asarray(1.0 / (1.0 + np.exp(-logit)))


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

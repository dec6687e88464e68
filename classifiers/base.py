"""The classifier interface, and what scoring a text returns.

Every classifier has a name (its category), a version, ``predict_proba``
over a batch of texts (probability of the category, calibrated) and
``explain`` for one text (the terms that drove its score, most important
first). Texts go in raw: each classifier normalises them itself.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from schemas.vocabulary import MODEL_CATEGORIES

#: The categories, in the order scores are reported.
CATEGORIES: tuple[str, ...] = MODEL_CATEGORIES


class TextClassifier(ABC):
    """Scores texts for one category."""

    #: The category this classifier scores.
    name: str
    #: Changes whenever the model or its rules change.
    version: str

    @abstractmethod
    def predict_proba(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """The probability of the category for each text."""

    @abstractmethod
    def explain(self, text: str, top: int = 5) -> list[str]:
        """The terms of ``text`` that pushed its score up, most important first."""


@dataclass(frozen=True)
class TextScores:
    """All categories' verdicts on one text."""

    scores: dict[str, float]
    labels: tuple[str, ...]
    explanations: dict[str, list[str]]
    lang: str
    scored: bool
    thresholds: dict[str, float] = field(default_factory=dict)
    matched_claim: str | None = None

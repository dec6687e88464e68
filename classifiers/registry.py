"""The classifiers by name: one per category, selected explicitly, never discovered."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from classifiers.base import CATEGORIES, TextClassifier
from classifiers.linear import LinearTextClassifier
from classifiers.model_set import ClassifierSet


class UnknownClassifier(KeyError):
    """A category the registry does not know."""


class _FromSet(TextClassifier):
    """A category scored through the whole set (threat patterns, gated misleading)."""

    def __init__(self, classifier_set: ClassifierSet, name: str) -> None:
        self.classifier_set = classifier_set
        self.name = name
        self.version = classifier_set.versions[name]

    def predict_proba(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        return self.classifier_set.probabilities(self.name, texts)

    def explain(self, text: str, top: int = 5) -> list[str]:
        result = self.classifier_set.score([text])[0]
        if self.name not in result.labels:
            return []
        return result.explanations.get(self.name, [])[:top]


def _linear(name: str) -> Callable[[ClassifierSet], TextClassifier]:
    def build(classifier_set: ClassifierSet) -> TextClassifier:
        return LinearTextClassifier(
            name,
            classifier_set.versions[name],
            classifier_set.normalizer,
            classifier_set.features,
            classifier_set.linear[name],
        )

    return build


REGISTRY: dict[str, Callable[[ClassifierSet], TextClassifier]] = {
    "offensive": _linear("offensive"),
    "hate": _linear("hate"),
    "threat": lambda classifier_set: _FromSet(classifier_set, "threat"),
    "misleading": lambda classifier_set: _FromSet(classifier_set, "misleading"),
}
assert tuple(REGISTRY) == CATEGORIES, "one registry entry per category, in order"


def build_classifiers(
    classifier_set: ClassifierSet, names: Sequence[str] = CATEGORIES
) -> dict[str, TextClassifier]:
    """The named classifiers; an unknown name lists the known ones."""
    unknown = [name for name in names if name not in REGISTRY]
    if unknown:
        raise UnknownClassifier(f"unknown classifier(s) {unknown}; known: {list(REGISTRY)}")
    return {name: REGISTRY[name](classifier_set) for name in names}

"""The configured classifiers: model files, thresholds and the known-claims list, loaded once.

A leaf every layer may use: the Beam workers (in ``setup``), the commit step's masker and
the ``classify``/``evaluate`` commands all load the same set the same way.
"""

from __future__ import annotations

from classifiers.model_set import ClassifierSet
from pipelines.config import ClassifierSettings


def load_classifiers(settings: ClassifierSettings) -> ClassifierSet:
    """The configured model files, thresholds and claims list."""
    return ClassifierSet.load(
        settings.model_dir,
        thresholds=dict(settings.thresholds),
        claims_file=settings.claims_file,
        claim_similarity=settings.claim_similarity,
    )

"""How often the threat patterns fire on each labelled group (no data set labels threats).

Reported in the threat model's card: the inoffensive tweets should almost never
match, the offensive ones sometimes (real threats and hyperbole).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from classifiers import data
from classifiers.threat import ThreatClassifier


def firing_rates(
    threat: ThreatClassifier,
    datasets: dict[str, data.Dataset],
    davidson_texts: list[str],
    davidson_classes: np.ndarray,
) -> dict[str, Any]:
    """How often the patterns fire on each labelled group (there are no threat labels)."""
    groups: dict[str, list[str]] = {}
    offensive = datasets["offensive"].validation
    groups["OLID validation, not offensive"] = [
        t for t, y in zip(offensive.texts, offensive.labels, strict=True) if y == 0
    ]
    groups["OLID validation, offensive"] = [
        t for t, y in zip(offensive.texts, offensive.labels, strict=True) if y == 1
    ]
    misleading = datasets["misleading"].validation
    groups["CONSTRAINT validation (news posts)"] = list(misleading.texts)
    if len(davidson_texts):
        for cls, label in ((0, "hate"), (1, "offensive"), (2, "neither")):
            groups[f"Davidson, {label}"] = [
                t for t, c in zip(davidson_texts, davidson_classes, strict=True) if c == cls
            ]
    return {
        name: {
            "texts": len(texts),
            "fired": int((threat.predict_proba(texts) >= 0.5).sum()) if texts else 0,
        }
        for name, texts in groups.items()
    }

"""The shared vocabulary agrees with the policy file, the classifiers and the declared tables."""

from __future__ import annotations

from classifiers.base import CATEGORIES as CLASSIFIER_CATEGORIES
from pipelines.alerts.rules import load_policy, load_rules
from schemas.vocabulary import (
    CATEGORIES,
    DETECTION_CATEGORIES,
    DETECTION_CLAUSES,
    MODEL_CATEGORIES,
    SEVERITIES,
    SEVERITY_ORDER,
)


def test_every_detection_clause_is_described_in_the_shipped_policy() -> None:
    clauses = load_policy().clauses
    assert set(DETECTION_CATEGORIES) == set(DETECTION_CLAUSES)
    assert set(DETECTION_CLAUSES.values()) <= set(clauses)


def test_the_shipped_rules_use_only_the_vocabulary() -> None:
    rules = load_rules().rules.rules
    assert {rule.severity for rule in rules} <= set(SEVERITIES)
    assert {rule.category for rule in rules if rule.category} <= set(DETECTION_CATEGORIES)


def test_categories_nest_and_severities_are_ordered() -> None:
    assert list(CLASSIFIER_CATEGORIES) == list(MODEL_CATEGORIES)
    assert set(MODEL_CATEGORIES) < set(DETECTION_CATEGORIES) < set(CATEGORIES)
    assert sorted(SEVERITIES, key=SEVERITY_ORDER.__getitem__) == [
        "low",
        "medium",
        "high",
        "critical",
    ]

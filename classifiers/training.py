"""`socmon train`: every classifier from the labelled data, reproducibly, with model cards.

What is trained on what (choices measured on the validation splits):

* ``offensive``: OLID (TweetEval offensive). Davidson et al. was tried as
  extra training data, mapping hate and offensive to 1, and lowered
  validation macro-F1 (0.733 → 0.70): its "offensive" class is mostly slurs
  and profanity in casual speech, which OLID's annotators often did not
  call offensive. Its texts still feed the normaliser's vocabulary, which
  resolves masked words.
* ``hate``: HatEval (TweetEval hate). Davidson's hate class as extra
  positives lowered validation macro-F1 (0.754 → 0.72): it targets other
  groups with other words.
* ``misleading``: CONSTRAINT COVID-19 (fake = 1); known false claims are
  matched at scoring time, not trained.
* ``threat``: patterns (``classifiers/threat.py``); its card reports how
  often it fires on the labelled sets.

Every split is deduplicated first (``classifiers.data``); the threshold of
each category is the one that maximises its metric on the validation split
(macro-F1, or weighted-F1 for misleading), and an honest estimate —
threshold chosen on one half of the validation split, measured on the
other — is reported beside it.

A linear model's version is a hash of what its scores are computed from
(``model_version``), not of the day it was trained: the same data and
parameters give the same version, any change to them a new one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from classifiers import data
from classifiers.cards import write_cards
from classifiers.features import HashedNgrams
from classifiers.linear import LinearModel, NbLogisticRegression
from classifiers.metrics import best_threshold, cross_fitted, f1_scores
from classifiers.model_set import MODEL_DIR, TOPIC_WORD, UNIVERSITY_WORDS, ClassifierSet, has_topic
from classifiers.normalize import TextNormalizer
from classifiers.threat import VERSION as THREAT_VERSION
from classifiers.threat import ThreatClassifier

log = logging.getLogger(__name__)
SEED = 20261126
#: Progress steps reported by ``train_all`` (for a progress bar).
STEPS = 9


@dataclass(frozen=True)
class CategoryPlan:
    """How one linear category is trained and judged."""

    category: str
    metric: str
    regularisation: float
    load: Callable[[Path], data.Dataset]


def _tweeteval(name: str, task: str) -> Callable[[Path], data.Dataset]:
    def load(root: Path) -> data.Dataset:
        return data.deduplicate(
            name, data.tweeteval(root, task, "train"), data.tweeteval(root, task, "val")
        )

    return load


def _misleading(root: Path) -> data.Dataset:
    return data.deduplicate(
        "CONSTRAINT COVID-19 fake news",
        data.constraint(root, "train"),
        data.constraint(root, "val"),
    )


PLANS: tuple[CategoryPlan, ...] = (
    CategoryPlan(
        "offensive", "macro_f1", 1.0, _tweeteval("OLID / TweetEval offensive", "offensive")
    ),
    CategoryPlan("hate", "macro_f1", 1.0, _tweeteval("HatEval / TweetEval hate", "hate")),
    CategoryPlan("misleading", "weighted_f1", 3.0, _misleading),
)


def train_all(
    root: Path,
    output: Path = MODEL_DIR,
    progress: Callable[[str], None] = lambda step: None,
    n_features: int = 2**19,
) -> ClassifierSet:
    """Train every classifier from the data under ``root``; write models and cards to ``output``."""
    np.random.seed(SEED)
    progress("reading and deduplicating the data sets")
    datasets = {plan.category: plan.load(root) for plan in PLANS}
    davidson_texts, davidson_classes = _optional_davidson(root)
    training_texts = [t for d in datasets.values() for t in d.train.texts]
    progress("learning the normaliser's vocabulary")
    normalizer = TextNormalizer().fit(training_texts + davidson_texts)
    normalized = {
        category: (
            [normalizer(t) for t in d.train.texts],
            [normalizer(t) for t in d.validation.texts],
        )
        for category, d in datasets.items()
    }
    progress("hashing n-grams and learning their idf")
    features = HashedNgrams(n_features).fit([t for train, _ in normalized.values() for t in train])
    linear, thresholds, metrics = {}, {}, {}
    for plan in PLANS:
        progress(f"training {plan.category}")
        dataset = datasets[plan.category]
        train_texts, validation_texts = normalized[plan.category]
        estimator = NbLogisticRegression(C=plan.regularisation, random_state=SEED)
        estimator.fit(features.transform(train_texts), dataset.train.labels)
        scores = estimator.predict_proba(features.transform(validation_texts))[:, 1]
        threshold, _ = best_threshold(dataset.validation.labels, scores, plan.metric)
        measured = f1_scores(dataset.validation.labels, scores >= threshold)
        measured["cross_fitted_" + plan.metric] = cross_fitted(
            dataset.validation.labels, scores, plan.metric
        )
        measured["at_0.5"] = f1_scores(dataset.validation.labels, scores >= 0.5)[plan.metric]
        measured["metric"] = plan.metric
        linear[plan.category] = estimator.model()
        thresholds[plan.category] = threshold
        metrics[plan.category] = {**measured, **_sizes(dataset)}
    progress("training the misleading model's domain gate")
    gate = _domain_gate(datasets, normalized, features)
    linear["misleading_domain"] = gate.model()
    versions = {
        name: model_version(name, model, features, normalizer) for name, model in linear.items()
    }
    topic_words = _topic_words(normalized, davidson_texts, normalizer)
    _gate_misleading(linear, thresholds, metrics, datasets, normalized, features, topic_words)
    progress("measuring the threat patterns")
    threat = ThreatClassifier(normalizer)
    thresholds["threat"] = 0.5
    versions["threat"] = THREAT_VERSION
    metrics["threat"] = _threat_rates(threat, datasets, davidson_texts, davidson_classes)
    trained_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    classifier_set = ClassifierSet(
        topic_words=frozenset(topic_words),
        normalizer=normalizer,
        features=features,
        linear=linear,
        versions=versions,
        thresholds=thresholds,
        metadata={"trained_at": trained_at, "seed": SEED, "metrics": metrics},
    )
    progress("writing models and model cards")
    classifier_set.save(output)
    write_cards(output, classifier_set)
    return classifier_set


def _domain_gate(
    datasets: dict[str, data.Dataset],
    normalized: dict[str, tuple[list[str], list[str]]],
    features: HashedNgrams,
) -> NbLogisticRegression:
    """Tells the misleading model's domain (CONSTRAINT posts, real or fake) from ordinary
    tweets (OLID and HatEval training texts)."""
    inside = normalized["misleading"][0]
    outside = normalized["offensive"][0] + normalized["hate"][0]
    labels = np.concatenate([np.ones(len(inside), np.int64), np.zeros(len(outside), np.int64)])
    gate = NbLogisticRegression(C=1.0, random_state=SEED)
    return gate.fit(features.transform(inside + outside), labels)


def _topic_words(
    normalized: dict[str, tuple[list[str], list[str]]],
    davidson_texts: list[str],
    normalizer: TextNormalizer,
) -> list[str]:
    """Words typical of the misleading model's domain: frequent in CONSTRAINT, rare in
    ordinary tweets (under 0.2 % of them), and not everyday university words."""
    inside = normalized["misleading"][0]
    outside = normalized["offensive"][0] + normalized["hate"][0]
    outside += [normalizer(text) for text in davidson_texts]
    inside_counts = Counter(w for text in inside for w in set(TOPIC_WORD.findall(text)))
    outside_counts = Counter(w for text in outside for w in set(TOPIC_WORD.findall(text)))
    chosen = []
    for word, count in inside_counts.items():
        rate_inside = (count + 1) / len(inside)
        rate_outside = (outside_counts[word] + 1) / len(outside)
        if count >= 15 and rate_outside < 0.002 and math.log(rate_inside / rate_outside) > 1.5:
            chosen.append(word)
    return sorted(set(chosen) - UNIVERSITY_WORDS)


def _gate_misleading(
    linear: dict[str, Any],
    thresholds: dict[str, float],
    metrics: dict[str, Any],
    datasets: dict[str, data.Dataset],
    normalized: dict[str, tuple[list[str], list[str]]],
    features: HashedNgrams,
    topic_words: list[str],
) -> None:
    """Re-tune the misleading threshold on the gated score, and measure the false alarms
    on ordinary tweets that the gate prevents."""
    labels = datasets["misleading"].validation.labels
    matrix = features.transform(normalized["misleading"][1])
    on_topic = has_topic(normalized["misleading"][1], frozenset(topic_words))
    gated = (
        _probability(linear, "misleading", matrix)
        * _probability(linear, "misleading_domain", matrix)
        * on_topic
    )
    threshold, _ = best_threshold(labels, gated, "weighted_f1")
    measured = f1_scores(labels, gated >= threshold)
    chatter_texts = normalized["offensive"][1] + normalized["hate"][1]
    chatter = features.transform(chatter_texts)
    ungated = _probability(linear, "misleading", chatter)
    gated_chatter = (
        ungated
        * _probability(linear, "misleading_domain", chatter)
        * has_topic(chatter_texts, frozenset(topic_words))
    )
    metrics["misleading"].update(
        {
            **measured,
            "cross_fitted_weighted_f1": cross_fitted(labels, gated, "weighted_f1"),
            "at_0.5": f1_scores(labels, gated >= 0.5)["weighted_f1"],
            "ungated_weighted_f1": metrics["misleading"]["weighted_f1"],
            "fires_on_ordinary_tweets_ungated": round(
                float((ungated >= thresholds["misleading"]).mean()), 4
            ),
            "fires_on_ordinary_tweets": round(float((gated_chatter >= threshold).mean()), 4),
            "ordinary_tweets": int(chatter.shape[0]),
            "validation_on_topic": round(float(on_topic.mean()), 4),
            "topic_words": len(topic_words),
        }
    )
    thresholds["misleading"] = threshold


def _probability(linear: dict[str, Any], name: str, matrix: Any) -> np.ndarray:
    model = linear[name]
    return np.asarray(model.probability(matrix @ model.coef + model.intercept))


def _optional_davidson(root: Path) -> tuple[list[str], np.ndarray]:
    try:
        texts, classes = data.davidson(root)
    except data.DataError:
        log.warning("no Davidson data under %s: the normaliser learns from the rest", root)
        return [], np.empty(0, np.int64)
    return texts, classes


def _sizes(dataset: data.Dataset) -> dict[str, Any]:
    return {
        "dataset": dataset.name,
        "train_size": len(dataset.train),
        "train_positives": dataset.train.positives(),
        "validation_size": len(dataset.validation),
        "validation_positives": dataset.validation.positives(),
        "removed_by_deduplication": dataset.removed,
    }


def _threat_rates(
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


def model_version(
    name: str, model: LinearModel, features: HashedNgrams, normalizer: TextNormalizer
) -> str:
    """``<name>-<hash>``: a hash of all that the model's score is computed from, as saved.

    The weights, intercept and calibration, the features' settings and idf, and the
    normaliser's vocabulary: training again on the same data with the same parameters
    gives the same version, on any day; a loaded model gives the version it was saved with.
    """
    digest = hashlib.sha256(name.encode())
    for array in (model.coef, features.idf_):
        digest.update(np.ascontiguousarray(array).tobytes())
    settings = {
        "intercept": model.intercept,
        "calibration": [model.calibration_slope, model.calibration_offset],
        "features": [features.n_features, features.char_min, features.char_max],
        "vocabulary": {str(length): words for length, words in normalizer.by_length_.items()},
    }
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return f"{name}-{digest.hexdigest()[:10]}"

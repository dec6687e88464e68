"""Training the misleading model: CONSTRAINT, a domain gate, and topic words.

The misleading model is trained on CONSTRAINT's COVID-19 posts (fake = 1)
and, on its own, calls most ordinary tweets fake: it knows health news,
not chatter. So it only judges texts that look like its domain:

* the *gate*, a second model telling CONSTRAINT posts (real or fake) from
  ordinary text — OLID's and HatEval's training tweets, Davidson et al.'s
  tweets and the posts of ``written_negatives`` ("We're hiring! Vacancy for
  a lab technician" scored 0.58 before they were added; with Davidson et
  al.'s tweets, the benign dev texts flagged at the required F1 fell from
  4.6 % to 2.1 %);
* the *topic words*, frequent in CONSTRAINT and rare in ordinary tweets,
  minus everyday university words: a text without one is not judged.

How hard to gate, and the threshold, are chosen under a constraint:
CONSTRAINT's validation weighted-F1 must stay at 0.954 (it is the only
source with misleading labels; 0.954 here was 0.9505 on its held-out
test), and among the gatings and thresholds that keep it, the one that
fires least on the benign texts of the false-alarm set's dev split
(``classifiers.ordinary``) wins.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from classifiers import data
from classifiers.features import HashedNgrams
from classifiers.linear import LinearModel, NbLogisticRegression
from classifiers.metrics import THRESHOLD_GRID, best_threshold, cross_fitted, f1_scores
from classifiers.model_set import TOPIC_WORD, UNIVERSITY_WORDS, gated_misleading, has_topic
from classifiers.selection import source_report

#: Inverse regularisation of the misleading model and of its gate (measured on CONSTRAINT's
#: validation split, the only source with misleading labels: 10 gave 0.963 ungated, 3 0.961).
REGULARISATION = 10.0
GATE_REGULARISATION = 3.0
#: The weighted-F1 on CONSTRAINT's validation split that the gated model must keep. Issue 14's
#: goal for its held-out test is 0.95, and the model of 34b1498 had 0.954 here and 0.9505 there:
#: 0.95 here (dev benign texts flagged 1.7 % instead of 4-5 %) would likely miss it there.
REQUIRED_WEIGHTED_F1 = 0.954
#: Ways of gating tried, hardest first: (topic words required, exponent of the gate).
GATINGS = (
    (True, 1.0),
    (False, 2.0),
    (False, 1.5),
    (False, 1.0),
    (True, 0.5),
    (False, 0.5),
)


@dataclass(frozen=True)
class MisleadingModels:
    """The misleading model, its gate, how they combine, the threshold and the figures."""

    model: LinearModel
    gate: LinearModel
    topic_words: list[str]
    require_topic: bool
    gate_exponent: float
    threshold: float
    metrics: dict[str, Any]


def train_misleading(
    dataset: data.Dataset,
    normalize: Any,
    features: HashedNgrams,
    ordinary: Sequence[str],
    written: Sequence[str],
    chatter: Sequence[str],
    seed: int,
    more_ordinary: Sequence[str] = (),
    benign: Sequence[str] = (),
) -> MisleadingModels:
    """``ordinary``: normalised tweets outside the domain (OLID and HatEval training
    texts); ``written``: normalised university posts; ``chatter``: normalised validation
    tweets, to measure how often the gated model fires on ordinary text;
    ``more_ordinary``: more tweets (Davidson et al.'s), outside the domain too;
    ``benign``: the normalised benign texts of the false-alarm set's dev split.

    The gating and threshold are those with the fewest firings on ``benign`` (without it,
    on ``chatter``) among those that keep CONSTRAINT's validation weighted-F1 at
    ``REQUIRED_WEIGHTED_F1`` (else the best F1)."""
    train = [normalize(t) for t in dataset.train.texts]
    validation = [normalize(t) for t in dataset.validation.texts]
    model = NbLogisticRegression(C=REGULARISATION, random_state=seed)
    model.fit(features.transform(train), dataset.train.labels)
    # The gate keeps its training share of inside texts (not prior-free): most of what a
    # university's accounts see is not health news, and the gate should say so.
    outside = [*ordinary, *written, *more_ordinary]
    gate = NbLogisticRegression(C=GATE_REGULARISATION, random_state=seed, prior_free=False)
    gate.fit(
        features.transform(train + outside),
        np.concatenate([np.ones(len(train), np.int64), np.zeros(len(outside), np.int64)]),
    )
    topic_words = frozenset(_topic_words(train, [*ordinary, *more_ordinary]))
    labels = dataset.validation.labels
    scored = {
        "validation": _parts(model, gate, features, validation, topic_words),
        "chatter": _parts(model, gate, features, list(chatter), topic_words),
    }
    if benign:
        scored["benign"] = _parts(model, gate, features, list(benign), topic_words)
    ungated = scored["validation"][0]
    ungated_threshold, _ = best_threshold(labels, ungated, "weighted_f1")
    # Judged by how often it fires on the benign texts (else on the validation tweets).
    judged_on = "benign" if benign else "chatter"
    tried = []
    for require_topic, exponent in GATINGS:
        gated = {
            name: gated_misleading(mis, dom, topic if require_topic else None, exponent)
            for name, (mis, dom, topic) in scored.items()
        }
        best, best_f1 = best_threshold(labels, gated["validation"], "weighted_f1")
        # Among the thresholds that keep the required F1, the one that fires least.
        keeping = [
            float(t)
            for t in THRESHOLD_GRID
            if f1_scores(labels, gated["validation"] >= t)["weighted_f1"] >= REQUIRED_WEIGHTED_F1
        ]
        threshold = max(keeping) if keeping else best
        f1 = f1_scores(labels, gated["validation"] >= threshold)["weighted_f1"]
        fires = float((gated[judged_on] >= threshold).mean())
        tried.append((require_topic, exponent, threshold, f1, fires, gated, best_f1))
    good = [t for t in tried if t[3] >= REQUIRED_WEIGHTED_F1]
    chosen = min(good, key=lambda t: t[4]) if good else max(tried, key=lambda t: t[3])
    require_topic, exponent, threshold, _, fires, gated_all, _ = chosen
    gated_validation = gated_all["validation"]
    measured = f1_scores(labels, gated_validation >= threshold)
    metrics = {
        **measured,
        "metric": "weighted_f1",
        "primary": "CONSTRAINT",
        "regularisation": REGULARISATION,
        "sources": {"CONSTRAINT": source_report(labels, gated_validation, threshold)},
        "cross_fitted_weighted_f1": cross_fitted(labels, gated_validation, "weighted_f1"),
        "at_0.5": f1_scores(labels, gated_validation >= 0.5)["weighted_f1"],
        "ungated_weighted_f1": f1_scores(labels, ungated >= ungated_threshold)["weighted_f1"],
        "fires_on_ordinary_tweets_ungated": round(
            float((scored["chatter"][0] >= ungated_threshold).mean()), 4
        ),
        "fires_on_ordinary_tweets": round(float((gated_all["chatter"] >= threshold).mean()), 4),
        "ordinary_tweets": len(chatter),
        "fires_on_benign_texts": round(fires, 4) if benign else None,
        "benign_dev_texts": len(benign),
        "required_weighted_f1": REQUIRED_WEIGHTED_F1,
        "gatings_tried": [
            {
                "topic_words": t[0],
                "gate_exponent": t[1],
                "threshold": t[2],
                "weighted_f1": t[3],
                "best_weighted_f1": t[6],
                "fires": round(t[4], 4),
                "fires_on": judged_on,
            }
            for t in tried
        ],
        "topic_words": len(topic_words),
    }
    return MisleadingModels(
        model.model(),
        gate.model(),
        sorted(topic_words),
        require_topic,
        exponent,
        threshold,
        metrics,
    )


def _parts(
    model: NbLogisticRegression,
    gate: NbLogisticRegression,
    features: HashedNgrams,
    texts: list[str],
    topic_words: frozenset[str],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The misleading probability, the gate's, and whether a topic word is there."""
    matrix = features.transform(texts)
    return (
        model.predict_proba(matrix)[:, 1],
        gate.predict_proba(matrix)[:, 1],
        has_topic(texts, topic_words),
    )


def _topic_words(inside: Sequence[str], outside: Sequence[str]) -> list[str]:
    """Words typical of the misleading model's domain: frequent in CONSTRAINT, rare in
    ordinary tweets (under 0.2 % of them), and not everyday university words."""
    inside_counts = Counter(w for text in inside for w in set(TOPIC_WORD.findall(text)))
    outside_counts = Counter(w for text in outside for w in set(TOPIC_WORD.findall(text)))
    chosen = []
    for word, count in inside_counts.items():
        rate_inside = (count + 1) / len(inside)
        rate_outside = (outside_counts[word] + 1) / max(1, len(outside))
        if count >= 15 and rate_outside < 0.002 and math.log(rate_inside / rate_outside) > 1.5:
            chosen.append(word)
    return sorted(set(chosen) - UNIVERSITY_WORDS)

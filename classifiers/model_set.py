"""The shipped classifiers as one set: loaded once, scoring batches of texts together.

Files (``classifiers/models/``): ``socmon-classifiers.npz`` holds the
arrays (idf, one coefficient column per linear model, intercepts,
calibration), ``socmon-classifiers.json`` everything else (feature
settings, the normaliser's vocabulary, versions, thresholds, metrics).
Nothing is pickled, so loading a model file cannot run code.

Scoring a batch detects each text's language, normalises it, builds the
hashed n-gram matrices once, and from them computes the three linear
scores and the similarity to every known false claim; threat patterns run
on the normalised text; explanations are computed only for the categories
a text is labelled with, and name the words as written (a masked word by
itself, not its placeholder).

Hate speech targets a protected group: the hate model's score is read
together with what the text says of the groups it names
(``classifiers.group_statements``). A hateful statement by the writer, or
a slur for a group, is labelled hate whatever the model scores; a negated,
quoted or reported one, or praise of a group, is not; otherwise the model
decides, and only where a protected group is named (``hate_verdict``).

Labels are consistent: hate and threats are abusive language, so a text
labelled either is also labelled offensive (explained by the same words).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from classifiers.base import CATEGORIES, TextScores
from classifiers.claims import DEFAULT_CLAIMS_FILE, ClaimMatcher, load_claims
from classifiers.features import HashedNgrams
from classifiers.group_statements import Reading, Stance, read
from classifiers.intensifiers import praise_intensifiers, without_spans
from classifiers.language import detect_language, is_scored
from classifiers.linear import LinearModel, top_terms
from classifiers.masks import GROUP_PLACEHOLDER
from classifiers.normalize import TextNormalizer
from classifiers.threat import ThreatClassifier
from schemas.errors import SocmonError

MODEL_DIR = Path(__file__).with_name("models")
BUNDLE_NAME = "socmon-classifiers"
#: The linear models, in column order. ``misleading_domain`` is the gate: how much a text
#: looks like the health and news posts the misleading model knows, rather than chatter.
LINEAR_MODELS: tuple[str, ...] = ("offensive", "hate", "misleading", "misleading_domain")
#: Labels that imply ``offensive``: hate and threats are abusive language.
IMPLY_OFFENSIVE = frozenset({"hate", "threat"})


TOPIC_WORD = re.compile(r"(?<!\w)[a-z][a-z0-9]+")  # not inside the masks' _placeholders_
#: Everyday words of a university's accounts that also mark health news in the training
#: data ("study", "staff", "tested"); they must not make a comment look like health news.
UNIVERSITY_WORDS = frozenset(
    "study studies staff students student research researchers university universities "
    "campus exams exam tested test tests testing lab labs results result school schools "
    "college term lecture lectures course courses degree graduate graduates graduation "
    "professor professors scientists science".split()
)


#: The hate score of the writer's own hateful statement about a group (or a slur).
STATEMENT_SCORE = 0.9
#: The most a text scores for hate when its hateful words are negated, quoted or reported, or
#: it speaks well of a group: this share of the threshold.
NOT_THE_WRITERS_SHARE = 0.5


def hate_verdict(
    masked: str, score: float, threshold: float, words: set[str] | None = None
) -> tuple[float, bool, Reading]:
    """The hate score and label of a masked, normalised text whose hate model scored ``score``,
    and how ``classifiers.group_statements`` read it (``words``: its runs of letters)."""
    reading = read(masked, words)
    if reading.stance is Stance.HATEFUL:
        return max(score, STATEMENT_SCORE, threshold), True, reading
    if reading.stance in (Stance.NOT_THE_WRITERS, Stance.WELL):
        return min(score, NOT_THE_WRITERS_SHARE * threshold), False, reading
    # Hate speech targets a protected group: with none named it is at most abuse (the
    # offensive model judges that on its own).
    return score, score >= threshold and GROUP_PLACEHOLDER in masked, reading


def has_topic(texts: Sequence[str], topic_words: frozenset[str]) -> npt.NDArray[np.float64]:
    """1.0 for a (normalised) text with a word of the topic, else 0.0."""
    return np.array(
        [1.0 if topic_words.intersection(TOPIC_WORD.findall(text)) else 0.0 for text in texts]
    )


def gated_misleading(
    misleading: npt.NDArray[np.float64],
    domain: npt.NDArray[np.float64],
    on_topic: npt.NDArray[np.float64] | None,
    gate_exponent: float,
) -> npt.NDArray[np.float64]:
    """The misleading score: the model's probability, times the gate's to a power (1: the
    plain product; less: a gentler gate), times 0 for texts without a topic word when the
    topic words are required (``on_topic`` given)."""
    score = misleading * np.power(domain, gate_exponent)
    return score if on_topic is None else score * on_topic


class ModelFileError(SocmonError, ValueError):
    """The model files are missing or do not match this version of the code."""


@dataclass
class ClassifierSet:
    """Normaliser, features, the linear models, threat patterns and claim matching."""

    normalizer: TextNormalizer
    features: HashedNgrams
    linear: dict[str, LinearModel]
    #: Words of the misleading model's domain; with ``require_topic``, a text without one
    #: is not judged by it.
    topic_words: frozenset[str]
    versions: dict[str, str]
    thresholds: dict[str, float]
    metadata: dict[str, Any] = field(default_factory=dict)
    require_topic: bool = True
    #: How strongly the domain gate weighs on the misleading score (see ``gated_misleading``).
    gate_exponent: float = 1.0
    claims_file: Path = DEFAULT_CLAIMS_FILE
    claim_similarity: float = 0.5
    #: Score a text whose swear words only intensify praise ("fucking amazing") again
    #: without them (``classifiers.intensifiers``); off, the offensive model alone decides.
    rescore_praise: bool = True

    def __post_init__(self) -> None:
        self.threat = ThreatClassifier(self.normalizer)
        self.claims = ClaimMatcher(
            load_claims(self.claims_file), self.normalizer, self.features, self.claim_similarity
        )
        self._coefficients = np.column_stack([self.linear[c].coef for c in LINEAR_MODELS])
        # The linear models' coefficients and the known claims side by side: one product of
        # each feature matrix gives the decision values and the claims' similarities.
        claim_columns = self.claims.dense_columns
        self._columns = (
            self._coefficients
            if claim_columns is None
            else np.ascontiguousarray(np.hstack([self._coefficients, claim_columns]))
        )

    # -- scoring -------------------------------------------------------------------
    def score(self, texts: Sequence[str], explain: bool = True) -> list[TextScores]:
        """Every category's score, label and explanation for each text."""
        if not texts:
            return []
        languages = [detect_language(text) for text in texts]
        # The normalised text, its readable form and its runs of letters (read by the threat
        # patterns and the group statements, each of which searches only texts with the words
        # it needs).
        parts = self.normalizer.normalize_for_scoring(texts)
        normalized = [masked for masked, _, _ in parts]
        words = [letters for _, _, letters in parts]
        matrices = self.features.matrices(normalized)
        products = np.zeros((len(texts), self._columns.shape[1]))
        for matrix in matrices:
            products += matrix @ self._columns
        decisions = products[:, : len(LINEAR_MODELS)]
        probabilities = {
            category: self.linear[category].probability(
                decisions[:, index] + self.linear[category].intercept
            )
            for index, category in enumerate(LINEAR_MODELS)
        }
        if self.rescore_praise:
            self._rescore_praise(normalized, words, probabilities["offensive"])
        # The misleading model only judges what looks like its domain (health and news
        # claims); ordinary chatter would otherwise look "fake" to it.
        misleading = gated_misleading(
            probabilities["misleading"],
            probabilities["misleading_domain"],
            has_topic(normalized, self.topic_words) if self.require_topic else None,
            self.gate_exponent,
        )
        threat = [
            self.threat.score_normalized(text, found)
            for text, found in zip(normalized, words, strict=True)
        ]
        claim_products = (
            products[:, len(LINEAR_MODELS) :] if self._columns is not self._coefficients else None
        )
        claims = self.claims.best(self.claims.similarities(matrices, claim_products))
        results: list[TextScores] = []
        implied: set[int] = set()  # offensive only because of hate or threat
        statements: dict[int, Reading] = {}  # the words of a statement about a group
        thresholds = self.thresholds
        # Python floats, the same numbers: this loop runs once per text.
        offensive_scores = probabilities["offensive"].tolist()
        hate_scores = probabilities["hate"].tolist()
        misleading_scores = misleading.tolist()
        for index in range(len(normalized)):
            scores = {
                "offensive": offensive_scores[index],
                "hate": hate_scores[index],
                "threat": threat[index],
                "misleading": misleading_scores[index],
            }
            match = claims[index]
            if match is not None:
                scores["misleading"] = max(scores["misleading"], match[1])
            scores["hate"], is_hate, reading = hate_verdict(
                normalized[index], scores["hate"], thresholds["hate"], words[index]
            )
            if reading.words:
                statements[index] = reading
            labels = tuple(
                c
                for c in CATEGORIES
                if (is_hate if c == "hate" else scores[c] >= thresholds[c])
                or (c == "misleading" and match is not None)
            )
            if IMPLY_OFFENSIVE.intersection(labels) and "offensive" not in labels:
                implied.add(index)
                labels = self._with_offensive(scores, labels)
            results.append(
                TextScores(
                    scores={c: round(v, 4) for c, v in scores.items()},
                    labels=labels,
                    explanations={},
                    lang=languages[index],
                    scored=is_scored(languages[index]),
                    thresholds=dict(thresholds),
                    matched_claim=match[0].id if match else None,
                )
            )
        if explain:
            self._explain(
                [readable for _, readable, _ in parts],
                normalized,
                matrices,
                results,
                implied,
                statements,
            )
        return results

    def _rescore_praise(
        self,
        normalized: Sequence[str],
        words: Sequence[set[str]],
        offensive: npt.NDArray[np.float64],
    ) -> None:
        """Texts flagged offensive whose swear words only intensify praise get the score of
        the text without those words, when that is lower (``offensive`` is changed in place)."""
        cut: dict[int, str] = {}
        for index in np.flatnonzero(offensive >= self.thresholds["offensive"]).tolist():
            spans = praise_intensifiers(normalized[index], words[index])
            if spans:
                cut[index] = without_spans(normalized[index], spans)
        if not cut:
            return
        model = self.linear["offensive"]
        column = self._coefficients[:, LINEAR_MODELS.index("offensive")][:, None]
        decisions = self.features.scores(list(cut.values()), column)[:, 0] + model.intercept
        rows = np.fromiter(cut, np.int64, len(cut))
        offensive[rows] = np.minimum(offensive[rows], model.probability(decisions))

    def _with_offensive(self, scores: dict[str, float], labels: tuple[str, ...]) -> tuple[str, ...]:
        """Hate and threats are abusive language: a text labelled either is also labelled
        offensive, and its offensive score is raised to the offensive threshold (so that a
        label always means a score at or above its threshold)."""
        scores["offensive"] = max(scores["offensive"], self.thresholds["offensive"])
        return tuple(c for c in CATEGORIES if c in labels or c == "offensive")

    def _explain(
        self,
        readable: Sequence[str],
        normalized: Sequence[str],
        matrices: Sequence[Any],
        results: list[TextScores],
        implied: set[int],
        statements: dict[int, Reading],
    ) -> None:
        """Fill in the explanations of the labelled categories, a batch at a time; an
        offensive label implied by hate or threat is explained by their words; a hateful
        statement about a group by its group and key words first."""
        for category in CATEGORIES:
            flagged = [
                i
                for i, result in enumerate(results)
                if category in result.labels and not (category == "offensive" and i in implied)
            ]
            if not flagged:
                continue
            if category == "threat":
                for i in flagged:
                    results[i].explanations[category] = self.threat.explain_normalized(
                        normalized[i]
                    )
                continue
            rows = np.array(flagged)
            shares = self.features.word_shares(
                [normalized[i] for i in flagged],
                [matrix[rows] for matrix in matrices],
                self.linear[category].coef,
                display=[readable[i] for i in flagged],
            )
            for i, word_shares in zip(flagged, shares, strict=True):
                terms = top_terms(word_shares, 5)
                if category == "hate" and i in statements:
                    words = readable[i].split()
                    stated = top_terms(
                        {words[p]: 1.0 for p in statements[i].words if p < len(words)}, 5
                    )
                    terms = list(dict.fromkeys(stated + terms))[:5]
                claim = results[i].matched_claim
                if category == "misleading" and claim is not None:
                    terms = [f"claim:{claim}", *terms]
                results[i].explanations[category] = terms
        for i in implied:
            explanations = results[i].explanations
            terms = [t for c in CATEGORIES if c in IMPLY_OFFENSIVE for t in explanations.get(c, [])]
            explanations["offensive"] = list(dict.fromkeys(terms))[:5]

    def probabilities(self, category: str, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """One category's scores for texts (for evaluation)."""
        return np.array([result.scores[category] for result in self.score(texts, explain=False)])

    # -- files ---------------------------------------------------------------------
    def save(self, directory: Path = MODEL_DIR) -> tuple[Path, Path]:
        """Write the arrays and the JSON description; return both paths."""
        directory.mkdir(parents=True, exist_ok=True)
        arrays = directory / f"{BUNDLE_NAME}.npz"
        np.savez_compressed(
            arrays,
            idf=self.features.idf_,
            coefficients=self._coefficients.astype(np.float32),
            intercepts=np.array([self.linear[c].intercept for c in LINEAR_MODELS]),
            calibration=np.array(
                [
                    [self.linear[c].calibration_slope, self.linear[c].calibration_offset]
                    for c in LINEAR_MODELS
                ]
            ),
        )
        description = directory / f"{BUNDLE_NAME}.json"
        description.write_text(
            json.dumps(
                {
                    "format": 1,
                    "linear_categories": list(LINEAR_MODELS),
                    "features": {
                        "n_features": self.features.n_features,
                        "char_min": self.features.char_min,
                        "char_max": self.features.char_max,
                    },
                    "normalizer": {
                        "min_count": self.normalizer.min_count,
                        "max_vocabulary": self.normalizer.max_vocabulary,
                        "mask_topics": self.normalizer.mask_topics,
                        "by_length": {
                            str(k): v for k, v in sorted(self.normalizer.by_length_.items())
                        },
                        # How often each word of ``by_length`` was seen, in the same order.
                        "counts_by_length": {
                            str(k): [self.normalizer.word_count(word) for word in v]
                            for k, v in sorted(self.normalizer.by_length_.items())
                        },
                    },
                    "misleading_topic_words": sorted(self.topic_words),
                    "misleading_requires_topic": self.require_topic,
                    "misleading_gate_exponent": self.gate_exponent,
                    "versions": self.versions,
                    "thresholds": self.thresholds,
                    "metadata": self.metadata,
                },
                indent=1,
                sort_keys=True,
            ),
            encoding="utf-8",
        )
        return arrays, description

    @classmethod
    def load(
        cls,
        directory: Path = MODEL_DIR,
        *,
        thresholds: dict[str, float] | None = None,
        claims_file: Path = DEFAULT_CLAIMS_FILE,
        claim_similarity: float = 0.5,
    ) -> ClassifierSet:
        """Read the shipped (or given) model files; ``thresholds`` override the trained ones."""
        arrays_path = directory / f"{BUNDLE_NAME}.npz"
        description_path = directory / f"{BUNDLE_NAME}.json"
        if not arrays_path.is_file() or not description_path.is_file():
            raise ModelFileError(
                f"no trained classifiers in {directory} (run `socmon train --data DIR`)"
            )
        description = json.loads(description_path.read_text(encoding="utf-8"))
        if description.get("format") != 1:
            raise ModelFileError(f"{description_path}: unknown format {description.get('format')}")
        with np.load(arrays_path, allow_pickle=False) as arrays:
            features = HashedNgrams(**description["features"])
            features.idf_ = arrays["idf"]
            normalizer = TextNormalizer(
                description["normalizer"]["min_count"],
                description["normalizer"]["max_vocabulary"],
                description["normalizer"].get("mask_topics", False),
            )
            normalizer.by_length_ = {
                int(length): words
                for length, words in description["normalizer"]["by_length"].items()
            }
            counts = description["normalizer"].get("counts_by_length")
            if counts is not None:
                normalizer.counts_ = {
                    word: count
                    for length, words in normalizer.by_length_.items()
                    for word, count in zip(words, counts[str(length)], strict=True)
                }
            # Each read of an archive's member decompresses it again: read each once.
            coefficients, intercepts = arrays["coefficients"], arrays["intercepts"]
            calibration = arrays["calibration"]
            linear = {
                category: LinearModel(
                    np.ascontiguousarray(coefficients[:, index]),
                    float(intercepts[index]),
                    float(calibration[index, 0]),
                    float(calibration[index, 1]),
                )
                for index, category in enumerate(description["linear_categories"])
            }
        return cls(
            topic_words=frozenset(description["misleading_topic_words"]),
            require_topic=description.get("misleading_requires_topic", True),
            gate_exponent=description.get("misleading_gate_exponent", 1.0),
            normalizer=normalizer,
            features=features,
            linear=linear,
            versions=description["versions"],
            thresholds={**description["thresholds"], **(thresholds or {})},
            metadata=description["metadata"],
            claims_file=claims_file,
            claim_similarity=claim_similarity,
        )

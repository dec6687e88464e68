"""Prior-free calibration, training across sources, the Davidson split, written negatives."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from classifiers import data
from classifiers.linear import at_prior, platt
from classifiers.selection import (
    Labelled,
    Part,
    choose_regularisation,
    choose_threshold,
    fit_parts,
    transfer_matrix,
)
from classifiers.sources import split_davidson
from classifiers.written_negatives import written_negatives


def _decisions(positives: int, negatives: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Decision values of two overlapping classes, in a chosen proportion."""
    rng = np.random.default_rng(seed)
    decisions = np.concatenate([rng.normal(1.0, 1.0, positives), rng.normal(-1.0, 1.0, negatives)])
    labels = np.concatenate([np.ones(positives, np.int64), np.zeros(negatives, np.int64)])
    return decisions, labels


def test_prior_free_calibration_does_not_depend_on_the_positive_share() -> None:
    rare = platt(*_decisions(300, 2700, seed=1))
    common = platt(*_decisions(2700, 300, seed=2))
    assert rare == pytest.approx(common, abs=0.15)
    # Calibrated to the data's own share instead, the two disagree by the shares' log odds.
    rare_prior = platt(*_decisions(300, 2700, seed=1), balanced=False)
    common_prior = platt(*_decisions(2700, 300, seed=2), balanced=False)
    assert common_prior[1] - rare_prior[1] == pytest.approx(2 * np.log(9), abs=0.5)


def test_at_prior_moves_scores_by_the_source_share() -> None:
    scores = np.array([0.1, 0.5, 0.9])
    assert at_prior(scores, 0.5) == pytest.approx(scores)
    rare = at_prior(scores, 0.05)
    assert np.all(rare < scores) and rare[1] == pytest.approx(0.05)


def _source(name: str, quirk_column: int, seed: int, size: int = 300) -> Labelled:
    """Texts as present/absent n-grams: column 0 (shared by every source) is more often
    present in positive texts, and so is this source's quirk column, which no other source
    has; the other columns are noise."""
    rng = np.random.default_rng(seed)

    def part(rows: int) -> Part:
        labels = rng.integers(0, 2, rows)
        present = rng.random((rows, 16)) < 0.1
        present[:, 0] = rng.random(rows) < np.where(labels == 1, 0.7, 0.2)
        present[:, quirk_column] = rng.random(rows) < np.where(labels == 1, 0.6, 0.1)
        return Part(name, sparse.csr_matrix(present.astype(np.float32)), labels.astype(np.int64))

    return Labelled(name, part(size), part(size // 2))


def test_ignored_columns_get_no_weight() -> None:
    source = _source("A", 5, seed=7)
    kept = fit_parts([source.train], 1.0, 0)
    ignored = fit_parts([source.train], 1.0, 0, ignored_columns=np.array([0, 5]))
    assert kept.coef_[0] > 0 and kept.coef_[5] > 0  # the signal and the quirk
    assert ignored.coef_[0] == 0 and ignored.coef_[5] == 0


def test_regularisation_is_chosen_on_sources_the_model_did_not_see() -> None:
    sources = [_source("A", 5, seed=1), _source("B", 9, seed=2)]
    chosen, figures = choose_regularisation(sources, ("A", "B"), [], (0.1, 1.0), "macro_f1", 0)
    assert chosen in (0.1, 1.0)
    assert set(figures) == {"0.1", "1.0"} and all(
        set(row) == {"A", "B"} for row in figures.values()
    )
    assert all(0.5 < value <= 1.0 for row in figures.values() for value in row.values())


def test_sources_weigh_the_same_however_many_texts_they_have() -> None:
    small, large = _source("small", 5, seed=3, size=100), _source("large", 9, seed=4, size=2000)
    model = fit_parts([small.train, large.train], 1.0, 0)
    balanced_weight = abs(model.coef_[5]) / abs(model.coef_[9])
    crowded = fit_parts(
        [small.train, Part("large", large.train.matrix, large.train.labels, 20)], 1.0, 0
    )
    assert abs(crowded.coef_[5]) / abs(crowded.coef_[9]) < balanced_weight


def test_the_transfer_matrix_has_a_row_per_source_and_ready_model() -> None:
    sources = [_source("A", 5, seed=5), _source("B", 9, seed=6)]
    negatives = sparse.csr_matrix(np.zeros((10, 16)))
    matrix = transfer_matrix(
        sources,
        1.0,
        "macro_f1",
        0,
        ready={"nothing": lambda m: np.zeros(m.shape[0], bool)},
        negatives={"empty texts": negatives},
    )
    assert list(matrix) == ["trained on A", "trained on B", "nothing"]
    assert matrix["trained on A"]["A"] > matrix["nothing"]["A"]
    assert set(matrix["nothing"]) == {"A", "B", "empty texts"}


def test_the_threshold_is_the_best_on_average_over_sources() -> None:
    labels = np.array([0, 0, 1, 1])
    first = (labels, np.array([0.1, 0.2, 0.6, 0.7]))  # any threshold in (0.2, 0.6] is perfect
    second = (labels, np.array([0.3, 0.5, 0.55, 0.9]))  # perfect in (0.5, 0.55]
    assert 0.5 < choose_threshold([first, second], "macro_f1") <= 0.55


def test_the_threshold_keeps_to_the_false_alarm_budget() -> None:
    labels = np.array([0, 0, 1, 1])
    validation = (labels, np.array([0.1, 0.2, 0.6, 0.7]))
    benign = np.linspace(0.0, 0.99, 100)  # a threshold t flags about 1 - t of them
    free = choose_threshold([validation], "macro_f1")
    assert choose_threshold([validation], "macro_f1", benign, budget=1.0) == free
    within = choose_threshold([validation], "macro_f1", benign, budget=0.1)
    assert np.mean(benign >= within) <= 0.1 < np.mean(benign >= within - 0.01)
    # Texts that another label flags anyway count against the budget.
    already = np.arange(100) < 3
    stricter = choose_threshold([validation], "macro_f1", benign, 0.1, already)
    assert stricter > within and np.mean((benign >= stricter) | already) <= 0.1


def test_the_davidson_split_is_stable_disjoint_and_a_fifth() -> None:
    texts = [f"tweet number {n} about things" for n in range(2000)] + [
        "Tweet number 7 about things!"
    ]
    classes = np.arange(len(texts)) % 3
    train, validation = split_davidson(texts, classes)
    assert len(train) + len(validation) == 2000  # the repeat folded into its first spelling
    assert 0.15 < len(validation) / 2000 < 0.25
    keys = {data.duplicate_key(t) for t in train.texts}
    assert not keys & {data.duplicate_key(t) for t in validation.texts}
    again, _ = split_davidson(list(reversed(texts)), classes[::-1])
    assert {data.duplicate_key(t) for t in again.texts} == keys


def test_written_negatives_are_distinct_balanced_and_seeded() -> None:
    posts = written_negatives(per_template=5)
    assert len(posts) == len(set(posts)) and 100 < len(posts) <= 5 * 40
    assert posts == written_negatives(per_template=5)
    assert sum("Vacancy" in post for post in posts) <= 5

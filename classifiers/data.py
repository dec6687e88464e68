"""The labelled data sets in ``../shared/data``, read and deduplicated for training.

Several texts recur across the splits once mentions, links and case are
ignored, so a model could be "validated" on tweets it was trained on. Every
split is deduplicated by a normalised key: repeats within the training split
keep their majority label, and training texts that also appear in the
validation split are dropped from training. The counts are kept for the
model cards.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from schemas.errors import SocmonError

_LINKS_AND_MENTIONS = re.compile(r"https?://\S+|@\w+")
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class LabelledSplit:
    """Texts and their binary labels (1 = the category)."""

    texts: list[str]
    labels: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.texts)

    def positives(self) -> int:
        return int(self.labels.sum())


@dataclass(frozen=True)
class Dataset:
    """A training and a validation split, and what deduplication removed."""

    name: str
    train: LabelledSplit
    validation: LabelledSplit
    removed: dict[str, int] = field(default_factory=dict)


class DataError(SocmonError, ValueError):
    """A data file is missing or not in the expected shape."""


def duplicate_key(text: str) -> str:
    """Lowercase, without mentions, links and punctuation: what makes two texts the same."""
    without = _LINKS_AND_MENTIONS.sub(" ", text.lower())
    return _NOT_ALPHANUMERIC.sub(" ", without).strip()


def deduplicate(name: str, train: LabelledSplit, validation: LabelledSplit) -> Dataset:
    """Remove repeats within each split and training texts that are in the validation split."""
    validation_kept, validation_dropped = majority(validation)
    held_out = {duplicate_key(text) for text in validation_kept.texts}
    train_kept, train_dropped = majority(train)
    keep = [duplicate_key(text) not in held_out for text in train_kept.texts]
    overlap = keep.count(False)
    final_train = LabelledSplit(
        [t for t, k in zip(train_kept.texts, keep, strict=True) if k],
        train_kept.labels[np.array(keep, dtype=bool)] if keep else train_kept.labels,
    )
    removed = {
        "train repeats": train_dropped,
        "validation repeats": validation_dropped,
        "train texts also in validation": overlap,
    }
    return Dataset(name, final_train, validation_kept, removed)


def majority(split: LabelledSplit) -> tuple[LabelledSplit, int]:
    votes: dict[str, Counter[int]] = {}
    first: dict[str, str] = {}
    for text, label in zip(split.texts, split.labels.tolist(), strict=True):
        key = duplicate_key(text)
        votes.setdefault(key, Counter())[label] += 1
        first.setdefault(key, text)
    texts = list(first.values())
    labels = np.array([votes[key].most_common(1)[0][0] for key in first], dtype=np.int64)
    return LabelledSplit(texts, labels), len(split) - len(texts)


def tweeteval(root: Path, task: str, split: str) -> LabelledSplit:
    """``offensive/tweeteval-<task>/<split>_text.txt`` and ``_labels.txt`` (one per line)."""
    folder = root / "offensive" / f"tweeteval-{task}"
    texts = _lines(folder / f"{split}_text.txt")
    labels = np.array([int(value) for value in _lines(folder / f"{split}_labels.txt")], np.int64)
    if len(texts) != len(labels):
        raise DataError(f"{folder}: {len(texts)} texts but {len(labels)} labels in {split}")
    return LabelledSplit(texts, labels)


def davidson(root: Path) -> tuple[list[str], npt.NDArray[np.int64]]:
    """Davidson et al. 2017: texts and classes (0 hate, 1 offensive, 2 neither)."""
    path = root / "offensive" / "davidson2017" / "labeled_data.csv"
    rows = _csv(path)
    return [row["tweet"] for row in rows], np.array([int(row["class"]) for row in rows], np.int64)


def constraint(root: Path, split: str) -> LabelledSplit:
    """CONSTRAINT COVID-19 fake news: label 1 = fake."""
    rows = _csv(root / "misleading" / "constraint-covid19" / f"{split}.csv")
    unknown = {row["label"] for row in rows} - {"real", "fake"}
    if unknown:
        raise DataError(f"constraint {split}: unknown labels {sorted(unknown)}")
    return LabelledSplit(
        [row["tweet"] for row in rows], np.array([row["label"] == "fake" for row in rows], np.int64)
    )


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        raise DataError(f"missing data file {path}")
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def _csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise DataError(f"missing data file {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))

"""The labelled sources of each task, for training on one and validating on another.

Two tasks have more than one source: ``hate`` (HatEval; Davidson et al.'s
class 0) and ``offensive`` (OLID; Davidson et al.'s classes 0 and 1, hate
and offensive language). Davidson et al. has no validation split, so a
fixed fifth of it (chosen by a hash of each text's duplicate key, the same
on every machine) is held out. Besides the labelled sources, a task may
take texts known to be negative: OLID's not-offensive tweets cannot be
hate, and the posts of ``written_negatives`` are none of the categories.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from classifiers import data

#: Davidson et al.'s classes.
DAVIDSON_HATE, DAVIDSON_OFFENSIVE, DAVIDSON_NEITHER = 0, 1, 2
#: The share of Davidson et al. held out for validation.
DAVIDSON_VALIDATION_SHARE = 0.2


@dataclass(frozen=True)
class Source:
    """One data set's training and validation split for one task (1 = the category)."""

    name: str
    train: data.LabelledSplit
    validation: data.LabelledSplit


@dataclass(frozen=True)
class LabelledSources:
    """Every source of the multi-source tasks, deduplicated, read once."""

    hateval: data.Dataset
    olid: data.Dataset
    davidson: tuple[data.LabelledSplit, data.LabelledSplit] | None  # classes, not labels

    def hate(self) -> list[Source]:
        sources = [Source("HatEval", self.hateval.train, self.hateval.validation)]
        if self.davidson is not None:
            sources.append(_davidson_task("Davidson", self.davidson, {DAVIDSON_HATE}))
        return sources

    def offensive(self) -> list[Source]:
        sources = [Source("OLID", self.olid.train, self.olid.validation)]
        if self.davidson is not None:
            abusive = {DAVIDSON_HATE, DAVIDSON_OFFENSIVE}
            sources.append(_davidson_task("Davidson", self.davidson, abusive))
        return sources

    def not_offensive(self, split: str = "train") -> list[str]:
        """OLID's tweets annotated not offensive (so not hateful either)."""
        chosen = self.olid.train if split == "train" else self.olid.validation
        return [t for t, y in zip(chosen.texts, chosen.labels.tolist(), strict=True) if y == 0]


def read_sources(root: Path) -> LabelledSources:
    """HatEval and OLID (required) and Davidson et al. (optional) under ``root``."""
    hateval = data.deduplicate(
        "HatEval / TweetEval hate",
        data.tweeteval(root, "hate", "train"),
        data.tweeteval(root, "hate", "val"),
    )
    olid = data.deduplicate(
        "OLID / TweetEval offensive",
        data.tweeteval(root, "offensive", "train"),
        data.tweeteval(root, "offensive", "val"),
    )
    try:
        texts, classes = data.davidson(root)
    except data.DataError:
        return LabelledSources(hateval, olid, None)
    return LabelledSources(hateval, olid, split_davidson(texts, classes))


def split_davidson(
    texts: list[str], classes: np.ndarray
) -> tuple[data.LabelledSplit, data.LabelledSplit]:
    """Repeats folded (majority class), then a fixed fifth held out by a hash of the key."""
    folded, _ = data.majority(data.LabelledSplit(texts, np.asarray(classes, np.int64)))
    held = np.array([_held_out(text) for text in folded.texts], dtype=bool)
    train = data.LabelledSplit(
        [t for t, h in zip(folded.texts, held, strict=True) if not h], folded.labels[~held]
    )
    validation = data.LabelledSplit(
        [t for t, h in zip(folded.texts, held, strict=True) if h], folded.labels[held]
    )
    return train, validation


def _held_out(text: str) -> bool:
    digest = hashlib.sha256(data.duplicate_key(text).encode()).digest()
    return int.from_bytes(digest[:4], "big") < DAVIDSON_VALIDATION_SHARE * 2**32


def _davidson_task(
    name: str, splits: tuple[data.LabelledSplit, data.LabelledSplit], positive: set[int]
) -> Source:
    train, validation = splits
    chosen = np.array(sorted(positive))
    return Source(
        name,
        data.LabelledSplit(train.texts, np.isin(train.labels, chosen).astype(np.int64)),
        data.LabelledSplit(validation.texts, np.isin(validation.labels, chosen).astype(np.int64)),
    )

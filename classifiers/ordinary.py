"""The false-alarm set: ordinary traffic around university accounts, in two separate splits.

Ordinary texts carry no abuse labels. What the set measures is the share a
classifier flags at its alert thresholds: a positive or joyful tweet, or a
question about parking, flagged as hate is a false alarm.

Splits (built apart; no text is in both):

- ``dev``: the TweetEval sentiment tweets (``ordinary/tweeteval-sentiment``)
  and our template family A (``classifiers/ordinary_templates.py``). Model
  selection may look at it.
- ``report``: the TweetEval emotion tweets (``ordinary/tweeteval-emotion``)
  and our template family B, written before any result on A was seen. It is
  for the README's figures only: do not choose features, thresholds or
  models on it.

Every text has a kind ("tweet, positive", "complaint", ...) and a group:

- ``benign``: positive, neutral, joyful and optimistic tweets and our
  benign texts (comments, questions, complaints without abuse,
  announcements, event posts, sports banter). The headline false-alarm
  figure is on this group.
- ``quoted or counter-speech``: our texts that quote or report abuse, or
  speak against it. Not the author's abuse, but the words are there.
- ``negative``: negative, angry and sad tweets. Some real ones are
  abusive, so their flags are reported apart, not counted as false alarms.

Texts are deduplicated by :func:`classifiers.data.duplicate_key` within a
split; ``dev`` drops any text that is in ``report``; both drop any text that
is in the labelled training data under the same root (OLID, HatEval,
Davidson, CONSTRAINT), so the set holds nothing the models were trained on.
The data is read from ``root`` (``../shared/data``) and never copied.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from classifiers import data
from classifiers.ordinary_templates import FAMILY_A, FAMILY_B, TemplateFamily

SPLITS: tuple[str, ...] = ("dev", "report")
BENIGN = "benign"
QUOTED_OR_COUNTER = "quoted or counter-speech"
NEGATIVE = "negative"
GROUPS: tuple[str, ...] = (BENIGN, QUOTED_OR_COUNTER, NEGATIVE)

#: Tweet folder, and for each label in its ``labels.txt`` the kind's name and group.
TWEET_SETS: dict[str, tuple[str, dict[int, tuple[str, str]]]] = {
    "dev": (
        "tweeteval-sentiment",
        {
            0: ("tweet, negative", NEGATIVE),
            1: ("tweet, neutral", BENIGN),
            2: ("tweet, positive", BENIGN),
        },
    ),
    "report": (
        "tweeteval-emotion",
        {
            0: ("tweet, angry", NEGATIVE),
            1: ("tweet, joyful", BENIGN),
            2: ("tweet, optimistic", BENIGN),
            3: ("tweet, sad", NEGATIVE),
        },
    ),
}
TEMPLATE_FAMILIES: dict[str, TemplateFamily] = {"dev": FAMILY_A, "report": FAMILY_B}
#: Kinds of our own texts that are not benign in wording.
NOT_BENIGN_KINDS = frozenset({"quoted or reported abuse", "counter-speech"})
_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class OrdinaryText:
    """One text of the false-alarm set, with what kind of text it is and where it came from."""

    text: str
    kind: str
    group: str
    source: str

    @property
    def is_ours(self) -> bool:
        """Written by us (a template family), not a real tweet."""
        return self.source in {family.name for family in TEMPLATE_FAMILIES.values()}


def build(root: Path, split: str) -> list[OrdinaryText]:
    """The split's texts, in a fixed order: tweets in file order, then the templates."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; known: {', '.join(SPLITS)}")
    excluded = training_keys(root)
    if split == "dev":
        excluded |= {data.duplicate_key(item.text) for item in _raw("report", root)}
    kept: list[OrdinaryText] = []
    for item in _raw(split, root):
        key = data.duplicate_key(item.text)
        if key and key not in excluded:
            excluded.add(key)
            kept.append(item)
    return kept


def training_keys(root: Path) -> set[str]:
    """Duplicate keys of every labelled text under ``root`` that a model may be trained on."""
    texts: list[str] = []
    for task in ("offensive", "hate"):
        for part in ("train", "val"):
            if (root / "offensive" / f"tweeteval-{task}" / f"{part}_text.txt").is_file():
                texts += data.tweeteval(root, task, part).texts
    if (root / "offensive" / "davidson2017" / "labeled_data.csv").is_file():
        texts += data.davidson(root)[0]
    for part in ("train", "val"):
        if (root / "misleading" / "constraint-covid19" / f"{part}.csv").is_file():
            texts += data.constraint(root, part).texts
    return {data.duplicate_key(text) for text in texts}


def by_kind(texts: Iterable[OrdinaryText]) -> dict[str, list[OrdinaryText]]:
    """Texts grouped by kind, kinds in order of first appearance."""
    kinds: dict[str, list[OrdinaryText]] = {}
    for item in texts:
        kinds.setdefault(item.kind, []).append(item)
    return kinds


def _raw(split: str, root: Path) -> Iterator[OrdinaryText]:
    yield from tweets(root, split)
    yield from expand(TEMPLATE_FAMILIES[split])


def tweets(root: Path, split: str) -> Iterator[OrdinaryText]:
    """The split's real tweets with their kind, in file order (not deduplicated)."""
    folder_name, kinds = TWEET_SETS[split]
    folder = root / "ordinary" / folder_name
    texts = _lines(folder / "text.txt")
    labels = [int(value) for value in _lines(folder / "labels.txt")]
    if len(texts) != len(labels):
        raise data.DataError(f"{folder}: {len(texts)} texts but {len(labels)} labels")
    for text, label in zip(texts, labels, strict=True):
        if label not in kinds:
            raise data.DataError(f"{folder}: unknown label {label}")
        kind, group = kinds[label]
        yield OrdinaryText(text, kind, group, folder_name)


def expand(family: TemplateFamily) -> Iterator[OrdinaryText]:
    """Every template of the family with each filler of its slot (or as it is, without one)."""
    for kind, templates in family.templates.items():
        group = QUOTED_OR_COUNTER if kind in NOT_BENIGN_KINDS else BENIGN
        for template in templates:
            slots = set(_SLOT.findall(template))
            if len(slots) > 1:
                raise ValueError(f"template with more than one slot: {template!r}")
            if not slots:
                yield OrdinaryText(template, kind, group, family.name)
                continue
            slot = slots.pop()
            for filler in family.fillers[slot]:
                yield OrdinaryText(
                    template.replace(f"{{{slot}}}", filler), kind, group, family.name
                )


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        raise data.DataError(f"missing data file {path}")
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")

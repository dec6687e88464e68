"""Runs the configured recognizers over a text and settles their findings."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pipelines.privacy.findings import PERSON, Finding, resolve_overlaps
from pipelines.privacy.ner.common_words import common_words, given_names
from pipelines.privacy.ner.common_words import names as name_words
from pipelines.privacy.recognizers import recognizer_class
from pipelines.privacy.recognizers.base import Recognizer
from pipelines.privacy.recognizers.named_things import NamedThings
from pipelines.settings.privacy import PrivacySettings
from schemas.expectations.suites import LEFTOVER_PATTERNS

_SEPARATORS = re.compile(r"[\s().\-]")
_DIGIT = re.compile(r"\d")
_LEFTOVER_PATTERNS = {kind: re.compile(pattern) for kind, pattern in LEFTOVER_PATTERNS.items()}
_UPPER = re.compile(r"[A-Z]")
_LEADING_TITLE = re.compile(
    r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Lord|Lady|President|PM)\.?\s+",
    re.IGNORECASE,
)
_NAMED_AFTER = re.compile(
    r"(?:'s)?(?:\s+[A-Z][\w'\u2019-]*){0,2}?\s+"
    r"(?:Building|Buildings|Hall|Halls|Centre|Center|Library|Institute|Theatre|Lecture Theatre|"
    r"Auditorium|Wing|Tower|House|Court|Prize|Award|Medal|Scholarship|"
    r"Fellowship|Lecture|Lectures|Society|Foundation|Trust|Memorial|Room|Suite|Museum|Gallery|"
    r"Stadium|Arena|Field|Pavilion|Park|Road|Street|Avenue|Lane|Way|Square|School|College|"
    r"Grove|Terrace|Crescent|Place|Gardens|Close|Drive|Row|Green|Gate|Cross|Bridge|Palace|"
    r"Castle|Abbey|Cathedral|Church|Chapel|Mosque|Temple|Synagogue|Market|Station|Airport|"
    r"International|Junction|Meads|"
    r"Campus|Hospital|Laboratory|Lab|Labs|Fund|Chair|Professorship|Parkway|Springs|Falls|"
    r"City|Club|Association|JCR)\b"
)


def _normalised(value: str) -> str:
    return _SEPARATORS.sub("", value).lower()


def build_recognizers(settings: PrivacySettings) -> list[Recognizer]:
    """The recognizers named in config, in config's order, each built from the settings."""
    return [recognizer_class(name).from_settings(settings) for name in settings.recognizers]


class PiiDetector:
    """Finds personal data in text; allow-listed values (official handles, public contacts) stay."""

    def __init__(self, settings: PrivacySettings, official_handles: Iterable[str] = ()) -> None:
        self.recognizers = build_recognizers(settings)
        allowed = list(settings.allow_list)
        for handle in official_handles:
            allowed += [handle, f"@{handle.lstrip('@')}"]
        self.allowed = frozenset(_normalised(value) for value in allowed)
        # Allow-listed names stay wherever they stand ("Prof Keir Starmer's talk", "Starmer said").
        names = sorted(_allowed_name_forms(settings.allow_list))
        self._allowed_names = (
            re.compile(
                "|".join(r"(?<!\w)" + r"\s+".join(map(re.escape, n.split())) for n in names),
                re.IGNORECASE,
            )
            if names
            else None
        )
        self._things = NamedThings(common_words(), name_words(), given_names())

    def leftovers(self, text: str) -> list[str]:
        """The kinds of personal data the warehouse's backstop patterns still see in ``text``
        (meant for redacted text), allow-listed values aside."""
        if _DIGIT.search(text) is None and "@" not in text:
            return []
        return [
            kind
            for kind, pattern in _LEFTOVER_PATTERNS.items()
            if any(_normalised(m.group(0)) not in self.allowed for m in pattern.finditer(text))
        ]

    def detect(self, text: str) -> list[Finding]:
        """Non-overlapping findings in text order."""
        return self.detect_many([text])[0]

    def detect_many(self, texts: Sequence[str]) -> list[list[Finding]]:
        """The findings of each text; a model-based recognizer runs once on all texts that
        could hold what it finds."""
        found: list[list[Finding]] = [[] for _ in texts]
        traits = [_traits(text) for text in texts]
        for recognizer in self.recognizers:
            chosen = [
                index
                for index, text in enumerate(texts)
                if traits[index][recognizer.needs] and recognizer.could_match(text)
            ]
            if recognizer.batched:
                results = recognizer.find_many([texts[index] for index in chosen])
                for index, findings in zip(chosen, results, strict=True):
                    found[index].extend(findings)
            else:
                for index in chosen:
                    found[index].extend(recognizer.find(texts[index]))
        return [self._settled(text, findings) for text, findings in zip(texts, found, strict=True)]

    def _settled(self, text: str, findings: list[Finding]) -> list[Finding]:
        if not findings:
            return []
        if self.allowed:
            findings = [
                finding
                for finding in findings
                if _normalised(text[finding.start : finding.end]) not in self.allowed
            ]
        if findings and self._allowed_names is not None:
            listed = [(m.start(), m.end()) for m in self._allowed_names.finditer(text)]
            findings = [
                finding
                for finding in findings
                if finding.entity_type != PERSON or not _within(_core(text, finding), listed)
            ]
        # A name that is part of a place's, a club's or a thing's name is not a person's.
        findings = [
            f
            for f in findings
            if f.entity_type != PERSON
            or not (_names_a_place(text, f) or self._things.names_a_thing(text, f.start, f.end))
        ]
        return resolve_overlaps(findings) if findings else []


def _core(text: str, finding: Finding) -> tuple[int, int]:
    """The span of a name without the title before it or the possessive after it."""
    start, end = finding.start, finding.end
    title = _LEADING_TITLE.match(text, start, end)
    if title is not None:
        start = title.end()
    if text[start:end].lower().endswith(("'s", "\u2019s")):
        end -= 2
    return start, end


def _within(span: tuple[int, int], listed: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in listed)


def _allowed_name_forms(allow_list: Iterable[str]) -> set[str]:
    """The allow-listed values with letters, and the surname of each listed full name (people
    write "Starmer said" as often as "Keir Starmer said")."""
    forms: set[str] = set()
    for value in allow_list:
        words = value.split()
        if not any(char.isalpha() for char in value):
            continue
        forms.add(" ".join(words))
        if len(words) >= 2 and words[-1][:1].isupper() and len(words[-1]) >= 4:
            forms.add(words[-1])
    return forms


def _names_a_place(text: str, finding: Finding) -> bool:
    """A name that is part of what a building, prize or society is called ("the Ada Lovelace
    Building", "Alan Turing Institute") names the place, not a person in the text."""
    start = text.rfind(" ", finding.start, finding.end) + 1 or finding.start
    last_word = _NAMED_AFTER.match(" " + text[start : finding.end])
    return last_word is not None or _NAMED_AFTER.match(text, finding.end) is not None


def _traits(text: str) -> dict[str | None, bool]:
    """What the cheap recognizer tests look at, worked out once per text."""
    return {
        None: True,
        "digit": _DIGIT.search(text) is not None,
        "at": "@" in text,
        "upper": _UPPER.search(text) is not None,
    }

"""Recognizers for identifying numbers: NI number, student/staff number, payment card, IBAN."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Self

from pipelines.privacy.findings import CARD, IBAN, NI_NUMBER, STUDENT_ID, Finding
from pipelines.privacy.recognizers.base import Recognizer
from pipelines.settings.privacy import PrivacySettings

# Two prefix letters (never D, F, I, Q, U or V), six digits in pairs, an optional
# suffix letter. Lenient on purpose: unallocated prefixes and odd suffixes are still
# shaped like someone's NI number, and redacting them costs nothing.
_NI_NUMBER = re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Z]?\b", re.IGNORECASE)
# 12 to 19 digits (Maestro cards start at 12), not glued to letters as in an IBAN.
# (Not after "+" or "(": that is an international phone number.)
_CARD = re.compile(r"(?<![\w+(-])\d(?:[ -]?\d){11,18}(?![\w-])")
# Country, check digits, then the account part, optionally in groups of four.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
# IBAN length per country (ISO 13616 registry; the countries most likely to appear here).
IBAN_LENGTHS = {
    "AD": 24,
    "AE": 23,
    "AT": 20,
    "BE": 16,
    "BG": 22,
    "CH": 21,
    "CY": 28,
    "CZ": 24,
    "DE": 22,
    "DK": 18,
    "EE": 20,
    "ES": 24,
    "FI": 18,
    "FR": 27,
    "GB": 22,
    "GI": 23,
    "GR": 27,
    "HR": 21,
    "HU": 28,
    "IE": 22,
    "IS": 26,
    "IT": 27,
    "LI": 21,
    "LT": 20,
    "LU": 20,
    "LV": 21,
    "MC": 27,
    "MT": 31,
    "NL": 18,
    "NO": 15,
    "PL": 28,
    "PT": 25,
    "RO": 24,
    "SA": 24,
    "SE": 24,
    "SI": 19,
    "SK": 24,
    "SM": 27,
    "TR": 26,
    "UA": 29,
}


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum used by payment card numbers."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def iban_valid(candidate: str) -> bool:
    """ISO 13616 mod-97 check of an IBAN (spaces ignored)."""
    compact = candidate.replace(" ", "").upper()
    if IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    rearranged = compact[4:] + compact[:4]
    numeric = "".join(str(int(char, 36)) for char in rearranged)
    return int(numeric) % 97 == 1


class NiNumberRecognizer(Recognizer):
    """UK National Insurance numbers."""

    name = "ni_number"
    entity_type = NI_NUMBER
    needs = "digit"

    def find(self, text: str) -> Iterator[Finding]:
        for match in _NI_NUMBER.finditer(text):
            yield Finding(NI_NUMBER, match.start(), match.end(), 0.9)


class StudentIdRecognizer(Recognizer):
    """Student and staff numbers: a digit pattern near a context word (both configurable)."""

    name = "student_id"
    entity_type = STUDENT_ID
    needs = "digit"

    def __init__(
        self,
        pattern: str = r"\b\d{7,9}\b",
        context_words: Sequence[str] = ("student", "staff", "id", "number", "no", "matric"),
        window: int = 40,
    ) -> None:
        self.pattern = re.compile(pattern)
        words = "|".join(re.escape(word) for word in context_words)
        self.context = re.compile(rf"\b(?:{words})\b", re.IGNORECASE)
        self.window = window

    @classmethod
    def from_settings(cls, settings: PrivacySettings) -> Self:
        """The university's number pattern and context words, from ``student_id_*``."""
        return cls(settings.student_id_pattern, settings.student_id_context)

    def find(self, text: str) -> Iterator[Finding]:
        for match in self.pattern.finditer(text):
            before = text[max(0, match.start() - self.window) : match.start()]
            after = text[match.end() : match.end() + self.window // 2]
            if self.context.search(before) or self.context.search(after):
                yield Finding(STUDENT_ID, match.start(), match.end(), 0.85)


class CardRecognizer(Recognizer):
    """Payment card numbers: 12 to 19 digits passing the Luhn check."""

    name = "card"
    entity_type = CARD
    needs = "digit"

    def find(self, text: str) -> Iterator[Finding]:
        for match in _CARD.finditer(text):
            digits = re.sub(r"[ -]", "", match.group())
            if 12 <= len(digits) <= 19 and luhn_valid(digits):
                yield Finding(CARD, match.start(), match.end(), 0.95)


class IbanRecognizer(Recognizer):
    """International bank account numbers with a valid checksum."""

    name = "iban"
    entity_type = IBAN
    needs = "digit"

    def find(self, text: str) -> Iterator[Finding]:
        for match in _IBAN.finditer(text):
            # The pattern may run on into a following word; take the longest prefix
            # that passes the checksum.
            candidate = match.group()
            for end in range(len(candidate), 14, -1):
                prefix = candidate[:end]
                if prefix[-1] != " " and iban_valid(prefix):
                    yield Finding(IBAN, match.start(), match.start() + end, 0.98)
                    break

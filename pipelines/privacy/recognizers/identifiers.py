"""Recognizers for identifying numbers: NI number, student/staff number, payment card, IBAN."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Self

from pipelines.privacy.findings import CARD, IBAN, NI_NUMBER, STUDENT_ID, Finding
from pipelines.privacy.recognizers.base import Recognizer
from pipelines.settings.privacy import STUDENT_ID_CONTEXT, PrivacySettings

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


#: Words after which a number is some other reference, not a person's number ("order
#: #12345678", "ticket no. 4711234", "phone 7946095"): checked on the word written before
#: the context words, or before the number itself.
NOT_PERSONAL_REFERENCES = (
    "order",
    "invoice",
    "tracking",
    "parcel",
    "package",
    "shipment",
    "consignment",
    "delivery",
    "ticket",
    "booking",
    "reservation",
    "confirmation",
    "case",
    "transaction",
    "receipt",
    "flight",
    "train",
    "bus",
    "route",
    "meeting",
    "serial",
    "model",
    "product",
    "item",
    "part",
    "isbn",
    "issue",
    "version",
    "page",
    "room",
    "phone",
    "mobile",
    "tel",
    "telephone",
    "fax",
    "whatsapp",
)
# Digits or a currency sign glued to the candidate: part of a phone number, a price, a
# decimal, a path or a query string ("0161 2345678", "£1234567", "/posts/123456789").
_GLUED_BEFORE = re.compile(r"(?:\d[ .,\-]?|\(\d+\) ?|[+£$€¥/=&])$")
_GLUED_AFTER = re.compile(r"^(?:[.,\-/]\d|[€£%])")
_FILLER = ("is", "was", "are", "my", "our", "your", "his", "her", "their", "the", "of")


def _words_pattern(words: Sequence[str]) -> str:
    """An alternation of ``words`` as whole words (a word of punctuation, like '#', as is)."""

    def whole(word: str) -> str:
        start = r"\b" if re.match(r"\w", word) else ""
        end = r"\b" if re.search(r"\w$", word) else ""
        return f"{start}{re.escape(word)}{end}"

    return "|".join(whole(word) for word in sorted(words, key=len, reverse=True))


class StudentIdRecognizer(Recognizer):
    """Student and staff numbers: a number of the configured shape after a context word.

    The context is what people write before their number ("student no.", "Matric:", "ref",
    "ID#", "candidate number is"), in any case and with any punctuation between, within
    ``window`` characters before the number (or half that after it, "20451234 is my student
    number"). A number glued to other digits (a phone number), a price, or one whose context
    belongs to a non-personal reference ("order #", "ticket no.") is left alone.
    """

    name = "student_id"
    entity_type = STUDENT_ID
    needs = "digit"

    def __init__(
        self,
        pattern: str = r"\b\d{7,9}\b",
        context_words: Sequence[str] = STUDENT_ID_CONTEXT,
        window: int = 40,
        not_personal: Sequence[str] = NOT_PERSONAL_REFERENCES,
    ) -> None:
        self.pattern = re.compile(pattern)
        words = _words_pattern(context_words)
        self.context = re.compile(words, re.IGNORECASE)
        # After the number only real words count: "970693606 #Humor" is a hashtag.
        self.context_after = re.compile(
            _words_pattern([word for word in context_words if word[0].isalnum()]) or "(?!)",
            re.IGNORECASE,
        )
        # A non-personal noun, then only context words, fillers and punctuation up to the number.
        self.other_reference = re.compile(
            rf"\b(?:{_words_pattern(not_personal)})\b"
            rf"(?:[\W_]|{words}|{_words_pattern(_FILLER)})*$",
            re.IGNORECASE,
        )
        self.window = window

    @classmethod
    def from_settings(cls, settings: PrivacySettings) -> Self:
        """The university's number pattern and context words, from ``student_id_*``."""
        return cls(settings.student_id_pattern, settings.student_id_context)

    def find(self, text: str) -> Iterator[Finding]:
        for match in self.pattern.finditer(text):
            start, end = match.span()
            if start == end or self._glued(text, start, end):
                continue
            before = text[max(0, start - self.window) : start]
            if self.other_reference.search(before):
                continue
            after = text[end : end + self.window // 2]
            if self.context.search(before) or self.context_after.search(after):
                yield Finding(STUDENT_ID, start, end, 0.85)

    @staticmethod
    def _glued(text: str, start: int, end: int) -> bool:
        return bool(
            _GLUED_BEFORE.search(text[max(0, start - 8) : start])
            or _GLUED_AFTER.match(text[end : end + 2])
        )


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

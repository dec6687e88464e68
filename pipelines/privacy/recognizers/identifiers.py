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
# Country, check digits, then the account part: in groups of four or not, in any case,
# with spaces, hyphens or dots between ("GB82 WEST 1234 ...", "gb82-west-1234-...").
# It may run on into the next word; the checksum decides where the IBAN ends.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ .-]?[A-Z0-9]){11,30}", re.IGNORECASE)
_IBAN_SEPARATORS = re.compile(r"[ .-]")
#: IBAN length per country: every country of the ISO 13616 registry (SWIFT, 2024).
IBAN_LENGTHS = {
    entry[:2]: int(entry[2:])
    for entry in (
        "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 "
        "DE22 DJ27 DK18 DO28 EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 "
        "GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 "
        "LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 "
        "PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 "
        "TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30"
    ).split()
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
    """ISO 13616 mod-97 check of an IBAN (spaces, hyphens and dots ignored)."""
    compact = _IBAN_SEPARATORS.sub("", candidate).upper()
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
    """International bank account numbers: the country's length and a valid checksum."""

    name = "iban"
    entity_type = IBAN
    needs = "digit"

    def find(self, text: str) -> Iterator[Finding]:
        position = 0
        while (match := _IBAN.search(text, position)) is not None:
            end = _iban_end(text, match.start(), match.end())
            if end is None:
                position = match.start() + 2
                continue
            yield Finding(IBAN, match.start(), end, 0.98)
            position = end


def _iban_end(text: str, start: int, limit: int) -> int | None:
    """Where the IBAN starting at ``start`` ends: after as many letters and digits as its
    country's IBANs have, at the end of a word, with a valid checksum; None if it does not."""
    length = IBAN_LENGTHS.get(text[start : start + 2].upper())
    if length is None:
        return None
    count = 0
    for position in range(start, limit):
        if text[position].isalnum():
            count += 1
            if count == length:
                end = position + 1
                if end < len(text) and text[end].isalnum():
                    return None
                return end if iban_valid(text[start:end]) else None
    return None

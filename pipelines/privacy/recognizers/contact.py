"""Recognizers for ways to reach a person: email, phone, @handle, IP address."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import Self

import phonenumbers

from pipelines.privacy.findings import EMAIL, HANDLE, IP_ADDRESS, PHONE, Finding
from pipelines.privacy.recognizers.base import Recognizer
from pipelines.settings.privacy import PrivacySettings

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# A digit run long enough to be a phone number, allowing the usual separators.
_PHONE_SHAPED = re.compile(r"\d[\d\s().-]{5,}\d")
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_]{1,30}\b")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_IP_HINT = re.compile(r"\d\.\d|[0-9A-Fa-f]?:[0-9A-Fa-f]*:")
_IPV6_CANDIDATE = re.compile(r"(?<![\w:])[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*(?![\w:])")


class EmailRecognizer(Recognizer):
    """Email addresses."""

    name = "email"
    entity_type = EMAIL
    needs = "at"

    def find(self, text: str) -> Iterator[Finding]:
        for match in _EMAIL.finditer(text):
            yield Finding(EMAIL, match.start(), match.end(), 0.99)


# A digit run inside a link ("/groups/123456789/", "?id=123456789") or a decimal
# ("1234567.50", "0.123456789") is not a phone number.
# ("07700 900123/07700 900124" are two numbers: a slash counts after a letter only.)
_IN_LINK_OR_DECIMAL_BEFORE = re.compile(r"(?:[A-Za-z_%-]/|=|\d[.,])$")
_IN_LINK_OR_DECIMAL_AFTER = re.compile(r"[.,]\d")
_DECIMAL = re.compile(r"\d+[.,]\d{1,2}")
_DIGIT_RUN = re.compile(r"(?<![\d+])\+?\d(?:[ -]?\d){8,13}(?!\d)")


class PhoneRecognizer(Recognizer):
    """Phone numbers in UK and international formats, parsed by Google's libphonenumber port."""

    name = "phone"
    entity_type = PHONE
    needs = "digit"

    def __init__(self, default_region: str = "GB") -> None:
        self.default_region = default_region

    @classmethod
    def from_settings(cls, settings: PrivacySettings) -> Self:
        """Numbers without a country code are read as numbers of ``phone_region``."""
        return cls(settings.phone_region)

    def could_match(self, text: str) -> bool:
        return _PHONE_SHAPED.search(text) is not None

    def find(self, text: str) -> Iterator[Finding]:
        matcher = phonenumbers.PhoneNumberMatcher(
            text, self.default_region, leniency=phonenumbers.Leniency.POSSIBLE
        )
        spans = [(match.start, match.end) for match in matcher]
        candidates = self._merge_split_numbers(text, spans)
        # libphonenumber skips or swallows a number glued to other digit groups
        # ("1111  07700 900000", "1111 # 07700 900000"): digit runs with single separators
        # are tried on their own too; the detector keeps one of overlapping findings.
        candidates += [match.span() for match in _DIGIT_RUN.finditer(text)]
        # libphonenumber's span may start with the space after a slash (" / 07700 900000").
        candidates = [_trimmed(text, start, end) for start, end in candidates]
        for start, end in sorted(set(candidates)):
            if (
                _IN_LINK_OR_DECIMAL_BEFORE.search(text, max(0, start - 2), start)
                or _IN_LINK_OR_DECIMAL_AFTER.match(text, end)
                or _DECIMAL.fullmatch(text, start, end)
            ):
                continue
            digits = sum(char.isdigit() for char in text[start:end])
            # Short digit groups (times, prices, years) are not phone numbers.
            if digits < (7 if text[start] == "+" else 9):
                continue
            number = self._parse(text[start:end])
            if number is None or not phonenumbers.is_possible_number(number):
                continue
            confidence = 0.95 if phonenumbers.is_valid_number(number) else 0.7
            yield Finding(PHONE, start, end, confidence)

    def _parse(self, candidate: str) -> phonenumbers.PhoneNumber | None:
        try:
            return phonenumbers.parse(candidate, self.default_region)
        except phonenumbers.NumberParseException:
            return None

    def _merge_split_numbers(
        self, text: str, spans: list[tuple[int, int]]
    ) -> list[tuple[int, int]]:
        """Join neighbours the matcher split ("07700" "900000") when together they are a number."""
        merged: list[tuple[int, int]] = []
        for start, end in spans:
            if merged:
                previous_start, previous_end = merged[-1]
                gap = text[previous_end:start]
                if len(gap) <= 1 and gap in ("", " ", "-"):
                    joined = self._parse(text[previous_start:end])
                    if joined is not None and phonenumbers.is_possible_number(joined):
                        merged[-1] = (previous_start, end)
                        continue
            merged.append((start, end))
        return merged


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without white space at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class HandleRecognizer(Recognizer):
    """@handles. Official accounts' handles are on the allow list and stay."""

    name = "handle"
    entity_type = HANDLE
    needs = "at"

    def find(self, text: str) -> Iterator[Finding]:
        for match in _HANDLE.finditer(text):
            yield Finding(HANDLE, match.start(), match.end(), 0.9)


class IpAddressRecognizer(Recognizer):
    """IPv4 and IPv6 addresses, checked with :mod:`ipaddress`."""

    name = "ip_address"
    entity_type = IP_ADDRESS
    needs = "digit"

    def could_match(self, text: str) -> bool:
        return _IP_HINT.search(text) is not None

    def find(self, text: str) -> Iterator[Finding]:
        for pattern in (_IPV4, _IPV6_CANDIDATE):
            for match in pattern.finditer(text):
                candidate = match.group()
                if pattern is _IPV6_CANDIDATE and candidate.count(":") < 2:
                    continue
                try:
                    ipaddress.ip_address(candidate)
                except ValueError:
                    continue
                yield Finding(IP_ADDRESS, match.start(), match.end(), 0.95)

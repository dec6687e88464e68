"""Recognizers for where a person lives: UK postcodes and postal addresses."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipelines.privacy.findings import POSTCODE, STREET_ADDRESS, Finding
from pipelines.privacy.recognizers.address_patterns import (
    COMPOUND_STREET_THEN_NUMBER,
    CUE_THEN_LOWER_CASE_STREET,
    FLAT_THEN_LOWER_CASE_STREET,
    LOWER_CASE_GATE,
    NAME_THEN_STREET_WORD_THEN_NUMBER,
    NOT_A_HOUSE,
    NUMBER_THEN_FRENCH_STREET,
    NUMBER_THEN_STREET,
    POST_BOX,
    STREET_THEN_NUMBER,
)
from pipelines.privacy.recognizers.base import Recognizer

# Outward code (area letters, district) and inward code (sector digit, unit letters).
# Lenient on purpose: anything shaped like a full postcode is redacted, even if its
# outward code is not allocated.
_POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\b", re.IGNORECASE)

ADDRESS_SHAPES = (
    NUMBER_THEN_STREET,
    NUMBER_THEN_FRENCH_STREET,
    STREET_THEN_NUMBER,
    COMPOUND_STREET_THEN_NUMBER,
    NAME_THEN_STREET_WORD_THEN_NUMBER,
    POST_BOX,
)
LOWER_CASE_SHAPES = (FLAT_THEN_LOWER_CASE_STREET, CUE_THEN_LOWER_CASE_STREET)


class PostcodeRecognizer(Recognizer):
    """UK postcodes (full postcodes; an outward code alone names an area, not a home)."""

    name = "postcode"
    entity_type = POSTCODE
    needs = "digit"

    def find(self, text: str) -> Iterator[Finding]:
        for match in _POSTCODE.finditer(text):
            yield Finding(POSTCODE, match.start(), match.end(), 0.9)


class StreetAddressRecognizer(Recognizer):
    """Postal addresses with a house or box number, in the shapes of ``address_patterns``.

    A street or place name without a number ("Great Hall", "Calle Mayor") stays, and so
    does a number after "Room", "Building", "Level", ... ("Building 5 Science Park").
    """

    name = "street_address"
    entity_type = STREET_ADDRESS
    needs = "digit"

    def find(self, text: str) -> Iterator[Finding]:
        shapes: tuple[re.Pattern[str], ...] = ADDRESS_SHAPES
        if LOWER_CASE_GATE.search(text):
            shapes += LOWER_CASE_SHAPES
        for pattern in shapes:
            group = "address" if "address" in pattern.groupindex else 0
            for match in pattern.finditer(text):
                start, end = match.span(group)
                if NOT_A_HOUSE.search(text, max(0, start - 20), start):
                    continue
                yield Finding(STREET_ADDRESS, start, end, 0.8)

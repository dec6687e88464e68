"""What a recognizer reports: an entity type, offsets into the original text, a confidence."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

EMAIL = "EMAIL"
PHONE = "PHONE"
POSTCODE = "POSTCODE"
NI_NUMBER = "NI_NUMBER"
STUDENT_ID = "STUDENT_ID"
CARD = "CARD"
IBAN = "IBAN"
IP_ADDRESS = "IP_ADDRESS"
HANDLE = "HANDLE"
STREET_ADDRESS = "STREET_ADDRESS"
PERSON = "PERSON"

#: When two findings overlap, the more specific type wins (a Luhn-checked card
#: beats a phone-shaped digit run; an email beats the handle inside it; an IBAN, with its
#: country, length and mod-97 check, beats the Luhn-valid digit groups inside it).
PRIORITY = (
    EMAIL,
    IBAN,
    CARD,
    NI_NUMBER,
    STUDENT_ID,
    IP_ADDRESS,
    PHONE,
    POSTCODE,
    STREET_ADDRESS,
    HANDLE,
    PERSON,
)
_RANK = {entity: rank for rank, entity in enumerate(PRIORITY)}


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data: ``text[start:end]`` is of type ``entity_type``."""

    entity_type: str
    start: int
    end: int
    confidence: float

    def overlaps(self, other: Finding) -> bool:
        """Whether the two spans share at least one character."""
        return self.start < other.end and other.start < self.end


def resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Keep non-overlapping findings: higher-priority type first, then the longer span."""
    ranked = sorted(findings, key=lambda f: (_RANK[f.entity_type], -(f.end - f.start), f.start))
    kept: list[Finding] = []
    for finding in ranked:
        if not any(finding.overlaps(other) for other in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)

"""Overlapping findings: the more specific type keeps the span."""

from __future__ import annotations

from pipelines.privacy.detector import PiiDetector
from pipelines.privacy.recognizers.identifiers import iban_valid, luhn_valid
from pipelines.settings.privacy import PrivacySettings

DETECTOR = PiiDetector(PrivacySettings(recognizers=("card", "iban", "phone", "student_id")))


def test_an_iban_keeps_its_type_when_its_digits_also_pass_the_card_check() -> None:
    text = "Refund please to FR54 5517 5194 7989 8169 3464 388, ref 693725144"
    iban = "FR54 5517 5194 7989 8169 3464 388"
    card_inside = "5517519479898169"
    assert iban_valid(iban) and luhn_valid(card_inside)
    found = [(f.entity_type, text[f.start : f.end]) for f in DETECTOR.detect(text)]
    assert found == [("IBAN", iban), ("STUDENT_ID", "693725144")]

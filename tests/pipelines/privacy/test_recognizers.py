"""Each recognizer on a table of examples: what it must find, and what it must leave alone."""

from __future__ import annotations

import pytest

from pipelines.privacy.detector import PiiDetector
from pipelines.privacy.findings import Finding, resolve_overlaps
from pipelines.privacy.recognizers.identifiers import iban_valid, luhn_valid
from pipelines.settings.privacy import PrivacySettings

DETECTOR = PiiDetector(PrivacySettings(allow_list=("comms@university.example",)), ["UniOfficial"])

FOUND = [
    ("EMAIL", "write to jo.bloggs+uni@example.co.uk today", "jo.bloggs+uni@example.co.uk"),
    ("PHONE", "ring 07700 900123 after six", "07700 900123"),
    ("PHONE", "office +44 (0)20 7946 0958", "+44 (0)20 7946 0958"),
    ("PHONE", "US line +1 212 555 0199 works", "+1 212 555 0199"),
    ("POSTCODE", "parcel to SW1A 1AA please", "SW1A 1AA"),
    ("POSTCODE", "we moved to m1 4bt last week", "m1 4bt"),
    ("NI_NUMBER", "NI: AB 12 34 56 C on the form", "AB 12 34 56 C"),
    ("NI_NUMBER", "my NI number AB123456D", "AB123456D"),
    ("STUDENT_ID", "student number 20451234 locked", "20451234"),
    ("STUDENT_ID", "Staff ID: 1234567 cannot log in", "1234567"),
    ("CARD", "card 4111 1111 1111 1111 charged twice", "4111 1111 1111 1111"),
    ("CARD", "paid with 5500-0000-0000-0004 yesterday", "5500-0000-0000-0004"),
    ("IBAN", "refund to GB82 WEST 1234 5698 7654 32 thanks", "GB82 WEST 1234 5698 7654 32"),
    ("IBAN", "DE89370400440532013000 is my account", "DE89370400440532013000"),
    ("IP_ADDRESS", "blocked 192.168.10.200 again", "192.168.10.200"),
    ("IP_ADDRESS", "my v6 is 2001:db8::8a2e:370:7334 ok", "2001:db8::8a2e:370:7334"),
    ("HANDLE", "@jane_doe99 is that you?", "@jane_doe99"),
    ("STREET_ADDRESS", "I live at 221B Baker Street now", "221B Baker Street"),
    ("STREET_ADDRESS", "Flat 3, 12 Acacia Avenue", "Flat 3, 12 Acacia Avenue"),
    ("PERSON", "Thanks to Margaret Okafor for the tour", "Margaret Okafor"),
    ("PERSON", "Dr Nowak never answers emails", "Dr Nowak"),
    ("PERSON", "my name is Siobhan and I study law", "Siobhan"),
]

LEFT_ALONE = [
    "Open Day is on Saturday in the Great Hall",
    "Room 204 of the Science Park, lecture at 14:30",
    "Results are out on Friday 12 June 2026",
    "Ticket 4711 costs 12.50 at the door",
    "Well done @UniOfficial, lovely post",
    "Questions? comms@university.example answers within a day",
    "Version 1.2.3 of the app is live",
    "Call 999 in an emergency",
    "The 2026 intake had 12345 students",
    "Congratulations to the Rowing Club on the Regional Cup",
]


@pytest.mark.parametrize(("entity", "text", "value"), FOUND)
def test_personal_data_is_found_with_exact_offsets(entity: str, text: str, value: str) -> None:
    findings = DETECTOR.detect(text)
    spans = [(f.entity_type, text[f.start : f.end]) for f in findings]
    assert (entity, value) in spans


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert DETECTOR.detect(text) == []


def test_checksums_reject_near_misses() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    assert iban_valid("GB82 WEST 1234 5698 7654 32")
    assert not iban_valid("GB82 WEST 1234 5698 7654 33")
    assert "CARD" not in {f.entity_type for f in DETECTOR.detect("card 4111 1111 1111 1112 x")}


def test_overlaps_keep_the_more_specific_type() -> None:
    email = Finding("EMAIL", 0, 20, 0.99)
    handle = Finding("HANDLE", 8, 20, 0.9)
    person = Finding("PERSON", 25, 30, 0.6)
    assert resolve_overlaps([handle, person, email]) == [email, person]


def test_student_number_pattern_and_context_are_configurable() -> None:
    settings = PrivacySettings(student_id_pattern=r"\bU\d{6}\b", student_id_context=("matric",))
    detector = PiiDetector(settings)
    text = "matric U123456 and student number 20451234"
    assert [
        text[f.start : f.end] for f in detector.detect(text) if f.entity_type == "STUDENT_ID"
    ] == ["U123456"]

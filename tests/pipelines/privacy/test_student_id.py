"""Student and staff numbers: after every context people write, never after other references."""

from __future__ import annotations

import pytest

from pipelines.privacy.detector import PiiDetector
from pipelines.privacy.recognizers.identifiers import StudentIdRecognizer
from pipelines.settings.privacy import PrivacySettings

RECOGNIZER = StudentIdRecognizer()
#: The whole default detector: a phone number or IBAN next to a number must keep its type.
DETECTOR = PiiDetector(
    PrivacySettings(
        recognizers=("email", "phone", "card", "iban", "ni_number", "student_id", "postcode")
    )
)

FOUND = [
    ("Refund please to GB82 WEST 1234 5698 7654 32, ref 29392657", "29392657"),
    ("IBAN GB82 WEST 1234 5698 7654 32, student no 201912345", "201912345"),
    ("my student number is 20451234 and my login fails", "20451234"),
    ("Staff ID: 1234567 cannot log in", "1234567"),
    ("REF:29392657", "29392657"),
    ("Ref. 29392657 thanks", "29392657"),
    ("reference 2045123 on the letter", "2045123"),
    ("my matriculation number is 20451234", "20451234"),
    ("Matric no. 20451234", "20451234"),
    ("candidate no. 123456789 for the exam", "123456789"),
    ("ID#1234567", "1234567"),
    ("id: 1234567", "1234567"),
    ("#20451234 here, please help", "20451234"),
    ("Registration-20451234", "20451234"),
    ("enrolment no: 20451234", "20451234"),
    ("Enrollment number 20451234", "20451234"),
    ("Num 20451234", "20451234"),
    ("NO. 20451234", "20451234"),
    ("20451234 is my student number", "20451234"),
    ("sort code 12-34-56, account no 12345678", "12345678"),
]

LEFT_ALONE = [
    "order #12345678 never arrived",
    "my order number is 12345678",
    "ticket no. 4711234 for the ball",
    "Tracking number: 12345678",
    "booking ref 12345678 for the hall",
    "phone no 7946095",
    "It cost £1234567 no joke",
    "the loan of 1234567.50, no less",
    "see facebook.com/groups/123456789/?ref=share",
    "Room 2.14 no 3",
    "In 2026 no 12 students came",
    "The intake had 12345678 applications",
    "Ari Gold | Humor |970693606 #Humor",
    "Zoom meeting ID 12345678",
]


@pytest.mark.parametrize(("text", "value"), FOUND)
def test_a_number_after_a_context_is_found(text: str, value: str) -> None:
    found = [text[f.start : f.end] for f in DETECTOR.detect(text) if f.entity_type == "STUDENT_ID"]
    assert found == [value]


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_other_numbers_are_not_student_numbers(text: str) -> None:
    assert list(RECOGNIZER.find(text)) == []


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("call me, my number is 0161 2345678", "PHONE"),
        ("my phone number is +33 612345678", "PHONE"),
        ("refund to GB82 WEST 1234 5698 7654 32 no rush", "IBAN"),
    ],
)
def test_a_number_inside_a_phone_number_or_iban_keeps_that_type(text: str, entity: str) -> None:
    assert {f.entity_type for f in DETECTOR.detect(text)} == {entity}


def test_the_context_words_are_configurable_and_may_be_punctuation() -> None:
    recognizer = StudentIdRecognizer(context_words=("kennung", "§"))
    text = "Kennung 20451234 und §1234567; the default words do not count: student number 7654321"
    assert [text[f.start : f.end] for f in recognizer.find(text)] == ["20451234", "1234567"]


def test_blank_context_words_are_refused() -> None:
    with pytest.raises(ValueError, match="must not be blank"):
        PrivacySettings(student_id_context=("student", " "))

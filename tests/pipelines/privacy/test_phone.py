"""Phone numbers: UK and international formats; digits in links, prices and decimals are not."""

from __future__ import annotations

import pytest

from pipelines.privacy.recognizers.contact import PhoneRecognizer

RECOGNIZER = PhoneRecognizer()

FOUND = [
    ("ring 07700 900123 after six", ["07700 900123"]),
    ("call 07700900123, thanks", ["07700900123"]),
    ("call 07700 900123.", ["07700 900123"]),
    ("tel 0161.496.0123", ["0161.496.0123"]),
    ("US line +1 212 555 0199 works", ["+1 212 555 0199"]),
    ("07700 900123/07700 900124", ["07700 900123", "07700 900124"]),
    ("my number: 07700 900 123/ 07700 900 124", ["07700 900 123", "07700 900 124"]),
    ("07700 900001 / 07700 900000 ", ["07700 900001", "07700 900000"]),
]

LEFT_ALONE = [
    "see https://facebook.com/groups/123456789/?ref=share",
    "x.com/post?id=447700900123",
    "the loan of 1234567.50 was paid",
    "pi is 3.14159265358",
    "The 2026 intake had 12345 students",
]


@pytest.mark.parametrize(("text", "values"), FOUND)
def test_phone_numbers_are_found(text: str, values: list[str]) -> None:
    assert [text[f.start : f.end] for f in RECOGNIZER.find(text)] == values


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_digits_in_links_prices_and_decimals_are_not_phone_numbers(text: str) -> None:
    assert list(RECOGNIZER.find(text)) == []

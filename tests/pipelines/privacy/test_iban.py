"""IBANs of every registry country, in the ways people write them; near misses are not."""

from __future__ import annotations

import pytest

from pipelines.privacy.recognizers.identifiers import IBAN_LENGTHS, IbanRecognizer, iban_valid

RECOGNIZER = IbanRecognizer()

FOUND = [
    ("refund to GB82 WEST 1234 5698 7654 32 thanks", ["GB82 WEST 1234 5698 7654 32"]),
    ("DE89370400440532013000 is my account", ["DE89370400440532013000"]),
    ("lower case: gb82 west 1234 5698 7654 32", ["gb82 west 1234 5698 7654 32"]),
    ("GB82-WEST-1234-5698-7654-32.", ["GB82-WEST-1234-5698-7654-32"]),
    ("IBAN: BR1800360305000010009795493C1 ok", ["BR1800360305000010009795493C1"]),
    (
        "two: GB82WEST12345698765432 DE89370400440532013000",
        ["GB82WEST12345698765432", "DE89370400440532013000"],
    ),
    ("GB82 WEST 1234 5698 7654 32 1234 is the ref", ["GB82 WEST 1234 5698 7654 32"]),
]

LEFT_ALONE = [
    "GB82 WEST 1234 5698 7654 33",  # checksum off by one
    "NL91ABNA0417164300x",  # glued to a letter
    "GB82 WEST 1234 5698 7654",  # too short for GB
    "ZZ82 WEST 1234 5698 7654 32",  # no such country
    "my NI number AB123456D",
]


@pytest.mark.parametrize(("text", "values"), FOUND)
def test_ibans_are_found_whole(text: str, values: list[str]) -> None:
    assert [text[f.start : f.end] for f in RECOGNIZER.find(text)] == values


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_near_misses_are_not_ibans(text: str) -> None:
    assert list(RECOGNIZER.find(text)) == []


def test_the_length_table_covers_the_registry() -> None:
    assert len(IBAN_LENGTHS) == 88
    assert IBAN_LENGTHS["GB"] == 22 and IBAN_LENGTHS["BR"] == 29 and IBAN_LENGTHS["NO"] == 15
    assert iban_valid("BR1800360305000010009795493C1")

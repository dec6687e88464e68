"""What the warehouse's backstop would still call personal data in redacted text."""

from __future__ import annotations

import pytest

from pipelines.privacy.detector import PiiDetector
from pipelines.settings.privacy import PrivacySettings

DETECTOR = PiiDetector(
    PrivacySettings(allow_list=("comms@university.example", "+44 20 7946 0000")), ["UniOfficial"]
)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Thanks <PERSON>, mail me at <EMAIL>", []),
        ("Email comms@university.example or call +44 20 7946 0000.", []),
        ("Email COMMS@university.example or call +44 (20) 79460000", []),
        ("write to me at someone@example.org", ["email"]),
        ("call 07700 900123 today", ["phone"]),
        ("card 4111 1111 1111 1111", ["card"]),
        ("no digits and no at sign", []),
    ],
)
def test_leftovers_count_what_the_backstop_sees_except_the_allow_list(
    text: str, kinds: list[str]
) -> None:
    assert DETECTOR.leftovers(text) == kinds

"""The recognizer registry: unique names, a named error for unknown ones, and every
recognizer built from the privacy settings the same way."""

from __future__ import annotations

from typing import Any

import pytest

from pipelines.privacy.detector import PiiDetector
from pipelines.privacy.findings import resolve_overlaps
from pipelines.privacy.recognizers import REGISTRY, UnknownRecognizerError, recognizer_class
from pipelines.settings.privacy import PrivacySettings

STUDENT_U_NUMBERS: dict[str, Any] = {
    "student_id_pattern": r"\bU\d{6}\b",
    "student_id_context": ("matric",),
}

# Recognizer name, settings, text, the values it finds (overlaps settled). Rows with
# settings show that ``from_settings`` reads them; the others that defaults suffice.
FROM_SETTINGS: list[tuple[str, dict[str, Any], str, list[str]]] = [
    ("email", {}, "write to jo.bloggs@example.co.uk today", ["jo.bloggs@example.co.uk"]),
    ("phone", {}, "ring 07700 900123 after six", ["07700 900123"]),
    ("phone", {"phone_region": "US"}, "ring 07700 900123 after six", []),
    ("phone", {"phone_region": "US"}, "call (212) 555-0199 now", ["(212) 555-0199"]),
    ("handle", {}, "@jane_doe99 is that you?", ["@jane_doe99"]),
    ("ip_address", {}, "blocked 192.168.10.200 again", ["192.168.10.200"]),
    ("ni_number", {}, "NI: AB 12 34 56 C on the form", ["AB 12 34 56 C"]),
    ("student_id", {}, "student number 20451234 and matric U123456", ["20451234"]),
    ("student_id", STUDENT_U_NUMBERS, "student number 20451234 and matric U123456", ["U123456"]),
    ("card", {}, "card 4111 1111 1111 1111 charged twice", ["4111 1111 1111 1111"]),
    ("iban", {}, "refund to DE89370400440532013000 thanks", ["DE89370400440532013000"]),
    ("postcode", {}, "parcel to SW1A 1AA please", ["SW1A 1AA"]),
    ("street_address", {}, "I live at 221B Baker Street now", ["221B Baker Street"]),
    ("person_namelist", {}, "Thanks to Margaret Okafor for the tour", ["Margaret Okafor"]),
    ("person_context", {}, "Dr Nowak never answers emails", ["Dr Nowak"]),
    ("ner_rampart", {}, "Parcel for Yadavi Sheth at reception", ["Yadavi Sheth"]),
    ("ner_spacy", {}, "Shoutout to Petronela Dochioiu for the day", ["Petronela Dochioiu"]),
]


@pytest.mark.parametrize(("name", "settings", "text", "values"), FROM_SETTINGS)
def test_each_recognizer_is_built_from_the_settings(
    name: str, settings: dict[str, Any], text: str, values: list[str]
) -> None:
    recognizer = recognizer_class(name).from_settings(PrivacySettings(**settings))
    assert type(recognizer) is REGISTRY[name] and recognizer.name == name
    findings = resolve_overlaps(list(recognizer.find(text)))
    assert [text[f.start : f.end] for f in findings] == values


def test_the_table_covers_every_registered_recognizer() -> None:
    assert {name for name, *_ in FROM_SETTINGS} == set(REGISTRY)


def test_the_detector_builds_the_configured_recognizers_in_order() -> None:
    names = ("student_id", "email", "phone")
    settings = PrivacySettings(recognizers=names, phone_region="US", **STUDENT_U_NUMBERS)
    detector = PiiDetector(settings)
    assert [recognizer.name for recognizer in detector.recognizers] == list(names)
    text = "matric U123456, student number 20451234, ring 07700 900123"
    assert [text[f.start : f.end] for f in detector.detect(text)] == ["U123456"]


def test_registry_names_are_unique_and_unknown_names_list_the_known_ones() -> None:
    assert len(REGISTRY) == 14
    with pytest.raises(UnknownRecognizerError, match="known: card, email"):
        recognizer_class("passport")
    with pytest.raises(ValueError, match="unknown recognizer"):
        PrivacySettings(recognizers=("email", "passport"))


def test_the_settings_know_every_registered_recognizer_and_no_other() -> None:
    from pipelines.privacy.recognizers import REGISTRY
    from pipelines.settings.privacy import KNOWN_RECOGNIZERS

    assert sorted(KNOWN_RECOGNIZERS) == sorted(REGISTRY)

"""The explicit registry of recognizers, selected by name from config."""

from __future__ import annotations

from pipelines.privacy.recognizers.base import Recognizer
from pipelines.privacy.recognizers.contact import (
    EmailRecognizer,
    HandleRecognizer,
    IpAddressRecognizer,
    PhoneRecognizer,
)
from pipelines.privacy.recognizers.identifiers import (
    CardRecognizer,
    IbanRecognizer,
    NiNumberRecognizer,
    StudentIdRecognizer,
)
from pipelines.privacy.recognizers.location import PostcodeRecognizer, StreetAddressRecognizer
from pipelines.privacy.recognizers.ner import RampartRecognizer, SpacyRecognizer
from pipelines.privacy.recognizers.person import ContextPersonRecognizer, NameListPersonRecognizer
from schemas.errors import SocmonError

RECOGNIZER_CLASSES: tuple[type[Recognizer], ...] = (
    EmailRecognizer,
    PhoneRecognizer,
    HandleRecognizer,
    IpAddressRecognizer,
    NiNumberRecognizer,
    StudentIdRecognizer,
    CardRecognizer,
    IbanRecognizer,
    PostcodeRecognizer,
    StreetAddressRecognizer,
    NameListPersonRecognizer,
    ContextPersonRecognizer,
    RampartRecognizer,
    SpacyRecognizer,
)
REGISTRY: dict[str, type[Recognizer]] = {cls.name: cls for cls in RECOGNIZER_CLASSES}
assert len(REGISTRY) == len(RECOGNIZER_CLASSES), "recognizer names must be unique"


class UnknownRecognizerError(SocmonError):
    """Config names a recognizer that does not exist."""


def recognizer_class(name: str) -> type[Recognizer]:
    """The recognizer class registered under ``name``."""
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise UnknownRecognizerError(f"unknown recognizer {name!r}; known: {known}") from None


__all__ = ["REGISTRY", "Recognizer", "UnknownRecognizerError", "recognizer_class"]

"""Runs the configured recognizers over a text and settles their findings."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pipelines.privacy.findings import Finding, resolve_overlaps
from pipelines.privacy.recognizers import recognizer_class
from pipelines.privacy.recognizers.base import Recognizer
from pipelines.settings.privacy import PrivacySettings
from schemas.expectations.suites import LEFTOVER_PATTERNS

_SEPARATORS = re.compile(r"[\s().\-]")
_DIGIT = re.compile(r"\d")
_LEFTOVER_PATTERNS = {kind: re.compile(pattern) for kind, pattern in LEFTOVER_PATTERNS.items()}
_UPPER = re.compile(r"[A-Z]")


def _normalised(value: str) -> str:
    return _SEPARATORS.sub("", value).lower()


def build_recognizers(settings: PrivacySettings) -> list[Recognizer]:
    """The recognizers named in config, in config's order, each built from the settings."""
    return [recognizer_class(name).from_settings(settings) for name in settings.recognizers]


class PiiDetector:
    """Finds personal data in text; allow-listed values (official handles, public contacts) stay."""

    def __init__(self, settings: PrivacySettings, official_handles: Iterable[str] = ()) -> None:
        self.recognizers = build_recognizers(settings)
        allowed = list(settings.allow_list)
        for handle in official_handles:
            allowed += [handle, f"@{handle.lstrip('@')}"]
        self.allowed = frozenset(_normalised(value) for value in allowed)

    def leftovers(self, text: str) -> list[str]:
        """The kinds of personal data the warehouse's backstop patterns still see in ``text``
        (meant for redacted text), allow-listed values aside."""
        if _DIGIT.search(text) is None and "@" not in text:
            return []
        return [
            kind
            for kind, pattern in _LEFTOVER_PATTERNS.items()
            if any(_normalised(m.group(0)) not in self.allowed for m in pattern.finditer(text))
        ]

    def detect(self, text: str) -> list[Finding]:
        """Non-overlapping findings in text order."""
        return self.detect_many([text])[0]

    def detect_many(self, texts: Sequence[str]) -> list[list[Finding]]:
        """The findings of each text; a model-based recognizer runs once on all texts that
        could hold what it finds."""
        found: list[list[Finding]] = [[] for _ in texts]
        traits = [_traits(text) for text in texts]
        for recognizer in self.recognizers:
            chosen = [
                index
                for index, text in enumerate(texts)
                if traits[index][recognizer.needs] and recognizer.could_match(text)
            ]
            if recognizer.batched:
                results = recognizer.find_many([texts[index] for index in chosen])
                for index, findings in zip(chosen, results, strict=True):
                    found[index].extend(findings)
            else:
                for index in chosen:
                    found[index].extend(recognizer.find(texts[index]))
        return [self._settled(text, findings) for text, findings in zip(texts, found, strict=True)]

    def _settled(self, text: str, findings: list[Finding]) -> list[Finding]:
        if findings and self.allowed:
            findings = [
                finding
                for finding in findings
                if _normalised(text[finding.start : finding.end]) not in self.allowed
            ]
        return resolve_overlaps(findings) if findings else []


def _traits(text: str) -> dict[str | None, bool]:
    """What the cheap recognizer tests look at, worked out once per text."""
    return {
        None: True,
        "digit": _DIGIT.search(text) is not None,
        "at": "@" in text,
        "upper": _UPPER.search(text) is not None,
    }

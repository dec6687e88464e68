"""The interface every recognizer implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from typing import Self

from pipelines.privacy.findings import Finding
from pipelines.settings.privacy import PrivacySettings


class Recognizer(ABC):
    """Finds one kind of personal data in a text.

    ``could_match`` is a cheap test (a character or a digit present) that lets
    the detector skip the costlier ``find`` for the many texts without a chance.
    ``from_settings`` builds it from the privacy settings: the detector builds
    every recognizer that way, so one with options reads them there.
    """

    #: Unique name, used in config to enable or disable the recognizer.
    name: str
    #: The entity type it reports.
    entity_type: str
    #: A trait the text must have for this recognizer to run at all ("digit", "at", "upper");
    #: the detector tests each trait once per text, for all recognizers.
    needs: str | None = None
    #: Whether ``find_many`` is cheaper per text than ``find`` (a model run on a batch).
    batched: bool = False

    @classmethod
    def from_settings(cls, settings: PrivacySettings) -> Self:
        """The recognizer as configured; one without options ignores the settings."""
        return cls()

    def could_match(self, text: str) -> bool:
        """Cheap test: False means ``find`` would find nothing."""
        return True

    @abstractmethod
    def find(self, text: str) -> Iterator[Finding]:
        """Every occurrence in ``text``."""

    def find_many(self, texts: Sequence[str]) -> list[list[Finding]]:
        """The findings of each text; a batched recognizer runs its model once for all."""
        return [list(self.find(text)) for text in texts]

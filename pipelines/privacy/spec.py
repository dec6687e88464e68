"""What a pipeline worker needs to protect records, in a form that travels with the pipeline.

It carries no secret: each worker reads the pseudonym key from its own
environment (``SOCMON_PRIVACY__PSEUDONYM_KEY``), so the key never enters a
pipeline graph that a runner might store or show.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.privacy.detector import PiiDetector
from pipelines.privacy.protect import RecordProtector
from pipelines.privacy.pseudonyms import Pseudonymizer, key_from_environment
from pipelines.settings.privacy import PrivacySettings


@dataclass(frozen=True)
class ProtectionSpec:
    """Privacy settings and the registered accounts."""

    privacy: PrivacySettings
    account_keys: tuple[str, ...]
    official_handles: tuple[str, ...]

    def build(self) -> RecordProtector:
        """The protector, with the key from this process's environment."""
        detector = PiiDetector(self.privacy, self.official_handles)
        return RecordProtector(detector, Pseudonymizer(key_from_environment()), self.account_keys)

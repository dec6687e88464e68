"""Keyed pseudonyms for authors who are not official accounts.

``HMAC-SHA256(key, "<platform>:<user id>")`` in hex: stable for the same
person (so their activity can be counted and erased), meaningless without
the key, which comes from the environment and is never stored with the data.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re

from schemas.errors import SocmonError
from schemas.records import PSEUDONYM_PATTERN as STORED_PSEUDONYM

KEY_VARIABLE = "SOCMON_PRIVACY__PSEUDONYM_KEY"
PSEUDONYM_PATTERN = re.compile(STORED_PSEUDONYM)
MINIMUM_KEY_BYTES = 16


class PseudonymKeyError(SocmonError):
    """The pseudonym key is missing or too short."""


def key_from_environment() -> bytes:
    """The HMAC key, from ``SOCMON_PRIVACY__PSEUDONYM_KEY``."""
    value = os.environ.get(KEY_VARIABLE, "")
    if len(value.encode()) < MINIMUM_KEY_BYTES:
        raise PseudonymKeyError(
            f"{KEY_VARIABLE} must be set in the environment to a secret of at least "
            f"{MINIMUM_KEY_BYTES} bytes (e.g. `openssl rand -hex 32`)"
        )
    return value.encode()


def key_check_value(key: bytes) -> str:
    """A short value that tells two keys apart without showing either (an HMAC of a fixed
    message): `socmon doctor` compares this process's with each Dask worker's."""
    return hmac.digest(key, b"socmon pseudonym key check", hashlib.sha256).hex()[:16]


class Pseudonymizer:
    """Turns platform user ids into pseudonyms with one key."""

    def __init__(self, key: bytes) -> None:
        if len(key) < MINIMUM_KEY_BYTES:
            raise PseudonymKeyError(f"pseudonym key must have at least {MINIMUM_KEY_BYTES} bytes")
        self._key = key

    def __repr__(self) -> str:
        return "Pseudonymizer(key=<hidden>)"

    def pseudonym(self, platform: str, user_id: str) -> str:
        """The pseudonym of one platform user."""
        message = f"{platform}:{user_id}".encode()
        return hmac.digest(self._key, message, hashlib.sha256).hex()

"""Signed, expiring links from an email to one alert's page, for one recipient.

A link says "this alert, opened by this recipient, until this time", signed with
HMAC-SHA256 under a key from the environment (``SOCMON_REVIEW__LINK_KEY``). The review
app trusts the recipient it names as the reviewer's identity, so a link is only as secret
as the email it was sent in: it expires, it opens one alert, and opening it changes
nothing (mail scanners fetch every link) — actions are POSTs on the page it opens.

The token is ``<payload>.<signature>``, both base64url without padding; the payload is a
small JSON object ``{"a": alert id, "r": recipient, "e": expiry (Unix seconds), "v": 1}``.
A changed character anywhere fails the signature; an expired link says so, so the page
can tell the reviewer to sign in another way rather than "forged".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from schemas.errors import SocmonError

LINK_VERSION = 1
#: Shorter keys make forging a signature easier than it should be.
MINIMUM_KEY_CHARACTERS = 32


class LinkError(SocmonError):
    """A link that does not open anything: forged, damaged or for another alert."""


class LinkExpired(LinkError):
    """A genuine link past its expiry."""


@dataclass(frozen=True)
class LinkClaim:
    """What a verified link says: who opens which alert, until when."""

    alert_id: str
    recipient: str
    expires_at: datetime


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class LinkSigner:
    """Makes and checks the signed links of one deployment (one key, one base address)."""

    def __init__(self, key: bytes, base_url: str, lifetime: timedelta) -> None:
        if len(key) < MINIMUM_KEY_CHARACTERS:
            raise LinkError(
                f"the link key must have at least {MINIMUM_KEY_CHARACTERS} characters "
                "(SOCMON_REVIEW__LINK_KEY)"
            )
        self._key = key
        self.base_url = base_url.rstrip("/")
        self.lifetime = lifetime

    def _signature(self, payload: str, purpose: str) -> str:
        message = f"{purpose}:{payload}".encode()
        return _encode(hmac.new(self._key, message, hashlib.sha256).digest())

    def token(self, alert_id: str, recipient: str, now: datetime) -> str:
        """The signed token for ``recipient`` to open ``alert_id`` until now + lifetime."""
        expires = int((now + self.lifetime).timestamp())
        claim = {"a": alert_id, "r": recipient.lower(), "e": expires, "v": LINK_VERSION}
        payload = _encode(json.dumps(claim, separators=(",", ":"), sort_keys=True).encode())
        return f"{payload}.{self._signature(payload, 'link')}"

    def url(self, alert_id: str, recipient: str, now: datetime, action: str | None = None) -> str:
        """The alert page's address carrying a token; ``action`` preselects a form on it."""
        token = quote(self.token(alert_id, recipient, now))
        address = f"{self.base_url}/alerts/{alert_id}?t={token}"
        return address + (f"&do={quote(action)}" if action else "")

    def verify(self, token: str, alert_id: str, now: datetime) -> LinkClaim:
        """The claim of a genuine, unexpired token for ``alert_id``; raise otherwise."""
        payload, _, signature = token.partition(".")
        expected = self._signature(payload, "link")
        if not signature or not hmac.compare_digest(signature, expected):
            raise LinkError("this link is not genuine (its signature does not match)")
        try:
            claim = json.loads(_decode(payload))
            claimed = LinkClaim(
                str(claim["a"]), str(claim["r"]), datetime.fromtimestamp(int(claim["e"]), UTC)
            )
        except (ValueError, KeyError, TypeError):
            raise LinkError("this link is damaged") from None
        if claimed.alert_id != alert_id:
            raise LinkError("this link is for another alert")
        if now >= claimed.expires_at:
            raise LinkExpired(
                f"this link expired at {claimed.expires_at:%Y-%m-%d %H:%M} UTC; "
                "open the alert from the review queue instead"
            )
        return claimed

    def sign(self, value: str, purpose: str) -> str:
        """``value`` with a signature for ``purpose`` (session cookies, CSRF tokens)."""
        payload = _encode(value.encode())
        return f"{payload}.{self._signature(payload, purpose)}"

    def unsign(self, signed: str, purpose: str) -> str | None:
        """The value ``sign`` signed for ``purpose``, or None if it was changed."""
        payload, _, signature = signed.partition(".")
        if not signature or not hmac.compare_digest(signature, self._signature(payload, purpose)):
            return None
        try:
            return _decode(payload).decode()
        except ValueError:
            return None


def signer_from_settings(key: str | None, base_url: str, lifetime_hours: int) -> LinkSigner | None:
    """The signer for these settings, or None when no key is configured (links are left out)."""
    if not key:
        return None
    return LinkSigner(key.encode(), base_url, timedelta(hours=lifetime_hours))

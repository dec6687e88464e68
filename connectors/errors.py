"""Errors a platform API can raise, with what the caller needs to act on them."""

from __future__ import annotations

from schemas.errors import SocmonError


class ConnectorError(SocmonError):
    """A platform API call failed."""


class AccessDenied(ConnectorError):
    """The token is expired, revoked or lacks a permission: the account is not covered."""


class RateLimited(ConnectorError):
    """The platform asked us to slow down; ``retry_after_s`` says for how long, if known."""

    def __init__(self, message: str, retry_after_s: float | None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class TransientError(ConnectorError):
    """A server error, a timeout or a dropped connection: worth retrying."""


class NotFound(ConnectorError):
    """The object asked for does not exist (any more)."""

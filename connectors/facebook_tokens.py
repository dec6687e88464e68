"""When a page access token stops working, as the Graph API's ``debug_token`` says.

``GET /{version}/debug_token?input_token=T`` answers ``{"data": {"is_valid": ...,
"expires_at": <unix seconds, 0 for never>, ...}}``. The page token itself is the access
token of the call (a page token may inspect itself); a token that has already expired or
been revoked is refused with code 190, which means the same thing: it no longer works.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import facebook

from connectors.errors import ConnectorError
from connectors.facebook_api import GraphApi


@dataclass(frozen=True, slots=True)
class TokenState:
    """Whether a token works, and until when (None: the platform says it does not expire)."""

    valid: bool
    expires_at: datetime | None
    reason: str | None = None


def token_state(api: GraphApi, token: str) -> TokenState:
    """What ``debug_token`` says of ``token``; ConnectorError when it cannot be asked."""
    try:
        answer = api.graph.request(f"{api.graph.version}/debug_token", {"input_token": token})
    except facebook.GraphAPIError as error:
        if error.code == 190:
            return TokenState(False, None, f"Graph API code 190: {str(error)[:200]}")
        raise ConnectorError(f"debug_token failed: {str(error)[:200]}") from None
    data = answer.get("data") if isinstance(answer, dict) else None
    if not isinstance(data, dict):
        raise ConnectorError("debug_token answered without a data object")
    expires = data.get("expires_at")
    expires_at = (
        datetime.fromtimestamp(int(expires), UTC)
        if isinstance(expires, int | float) and expires
        else None
    )
    if not data.get("is_valid", False):
        message = (
            data.get("error", {}).get("message") if isinstance(data.get("error"), dict) else None
        )
        return TokenState(False, expires_at, message or "the platform says it is not valid")
    return TokenState(True, expires_at)

"""The raw Graph API client: facebook-sdk's ``GraphAPI``, pointed at the configured host.

Only this module talks to facebook-sdk. It returns the API's JSON and turns
Graph API errors into ours by their documented codes: 190 (expired or
invalid token), 10 and 200-299 (permissions) → ``AccessDenied``; 4, 17, 32,
613 and 80001-80014 (throttling) → ``RateLimited``; 1, 2, ``is_transient``
and HTTP 5xx → ``TransientError``; 100 on a missing object → ``NotFound``.
It also reads ``X-App-Usage`` and ``X-Business-Use-Case-Usage`` after each
call and slows down before the platform has to throttle us.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

import facebook

from connectors.errors import AccessDenied, ConnectorError, NotFound, RateLimited, TransientError
from connectors.http import RebasedSession

log = logging.getLogger(__name__)

THROTTLING_CODES = {4, 17, 32, 613, *range(80001, 80015)}
PERMISSION_CODES = {10, *range(200, 300)}
TRANSIENT_CODES = {1, 2}
DEFAULT_THROTTLE_WAIT_S = 300.0


def set_api_version(graph: facebook.GraphAPI, version: str) -> None:
    """Use a current Graph API version with facebook-sdk 3.1.

    facebook-sdk 3.1 (2018, the last release) rejects versions above 3.1 in its
    constructor, although its requests work unchanged with current versions;
    versions below v19 are retired by Facebook. So the version is set after
    construction, here and nowhere else.
    """
    graph.version = version


class GraphApi:
    """Reads Graph API edges of one page with that page's access token."""

    def __init__(
        self,
        access_token: str,
        base_url: str,
        version: str,
        timeout_s: float,
        *,
        usage_backoff_percent: int = 80,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.session = RebasedSession(facebook.FACEBOOK_GRAPH_URL, base_url, timeout_s)
        self.graph = facebook.GraphAPI(
            access_token=access_token, timeout=timeout_s, session=self.session
        )
        set_api_version(self.graph, version)
        self.usage_backoff_percent = usage_backoff_percent
        self.sleep = sleep

    def edge(self, object_id: str, edge: str, **params: Any) -> dict[str, Any]:
        """One page of ``/{object_id}/{edge}``."""
        try:
            answer = self.graph.get_connections(object_id, edge, **params)
        except facebook.GraphAPIError as error:
            raise self._classify(error) from None
        self._respect_usage()
        if not isinstance(answer, dict):
            raise ConnectorError(f"unexpected Graph API answer of type {type(answer).__name__}")
        return answer

    def _classify(self, error: facebook.GraphAPIError) -> ConnectorError:
        response = self.session.last_response
        status = response.status_code if response is not None else 0
        details = error.result.get("error", {}) if isinstance(error.result, dict) else {}
        code = error.code if isinstance(error.code, int) else details.get("code")
        message = f"Graph API {status} code {code}: {str(details.get('message') or error)[:200]}"
        if code == 190 or code in PERMISSION_CODES:
            return AccessDenied(message)
        if code in THROTTLING_CODES:
            return RateLimited(message, self._regain_access_s())
        if code in TRANSIENT_CODES or details.get("is_transient") or status >= 500:
            return TransientError(message)
        if code == 100 and "does not exist" in message:
            return NotFound(message)
        return ConnectorError(message)

    def _usage_percent(self) -> int:
        """The highest percentage in the app, page and business-use-case usage headers."""
        response = self.session.last_response
        if response is None:
            return 0
        entries = [_json(response.headers.get(name)) for name in ("x-app-usage", "x-page-usage")]
        business = _json(response.headers.get("x-business-use-case-usage"))
        if isinstance(business, dict):
            entries += [e for group in business.values() if isinstance(group, list) for e in group]
        return max((_percent(entry) for entry in entries), default=0)

    def _regain_access_s(self) -> float | None:
        response = self.session.last_response
        business = _json(response.headers.get("x-business-use-case-usage")) if response else None
        minutes = [
            entry.get("estimated_time_to_regain_access", 0)
            for entries in (business.values() if isinstance(business, dict) else [])
            for entry in (entries if isinstance(entries, list) else [])
            if isinstance(entry, dict)
        ]
        return max(minutes) * 60.0 if minutes and max(minutes) > 0 else DEFAULT_THROTTLE_WAIT_S

    def _respect_usage(self) -> None:
        usage = self._usage_percent()
        if usage < self.usage_backoff_percent:
            return
        if usage >= 100:
            raise RateLimited(f"Graph API usage at {usage}%", self._regain_access_s())
        pause = min(30.0, 0.5 * (usage - self.usage_backoff_percent + 1))
        log.warning("Graph API usage at %d%%: slowing down for %.1f s", usage, pause)
        self.sleep(pause)


def _json(raw: str | None) -> Any:
    try:
        return json.loads(raw) if raw else None
    except json.JSONDecodeError:
        return None


def _percent(entry: Any) -> int:
    if not isinstance(entry, dict):
        return 0
    values = [
        int(value)
        for key, value in entry.items()
        if key in ("call_count", "total_time", "total_cputime") and isinstance(value, int | float)
    ]
    return max(values, default=0)

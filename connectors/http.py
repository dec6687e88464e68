"""The one seam between the platform clients and the network: base URL, timeout, retries.

tweepy hard-codes ``https://api.twitter.com`` and facebook-sdk its module
constant ``FACEBOOK_GRAPH_URL``; both accept a ``requests.Session``. A
``RebasedSession`` sends their requests to the configured host instead (the
real one by default, a simulator in tests and the demo), applies a timeout,
and keeps the last response so rate-limit headers can be read.

``Retrier`` runs one API call with bounded, jittered exponential backoff on
transient errors, and waits out a rate limit only when it resets soon.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

import requests

from connectors.config import RetrySettings
from connectors.errors import RateLimited, TransientError

log = logging.getLogger(__name__)
T = TypeVar("T")


class RebasedSession(requests.Session):
    """A session that rewrites ``real_base`` to ``base_url`` and applies a default timeout."""

    def __init__(self, real_base: str, base_url: str, timeout_s: float) -> None:
        super().__init__()
        self.real_base = real_base.rstrip("/")
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.last_response: requests.Response | None = None

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        target = url.decode() if isinstance(url, bytes) else url
        verb = method.decode() if isinstance(method, bytes) else method
        if target.startswith(self.real_base):
            target = self.base_url + target[len(self.real_base) :]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout_s
        try:
            response = super().request(verb, target, *args, **kwargs)
        except (requests.ConnectionError, requests.Timeout) as error:
            # The message of a requests error can quote the URL with its query (and
            # facebook-sdk puts the token there): say only what kind of failure it was.
            raise TransientError(f"{type(error).__name__} talking to {self.base_url}") from None
        self.last_response = response
        return response


class Retrier:
    """Runs calls with retries on transient errors and bounded waits on rate limits."""

    def __init__(
        self,
        settings: RetrySettings,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.waited_s = 0.0

    def call(self, what: str, function: Callable[[], T]) -> T:
        """``function()``; TransientError is retried, RateLimited waited out if short."""
        attempt = 0
        rate_limit_waits = 0
        while True:
            attempt += 1
            try:
                return function()
            except RateLimited as limited:
                wait = limited.retry_after_s
                if (
                    wait is None
                    or wait > self.settings.max_rate_limit_wait_s
                    or rate_limit_waits >= 3
                ):
                    raise
                rate_limit_waits += 1
                log.warning("rate limited on %s: waiting %.0f s for the limit to reset", what, wait)
                self._pause(wait)
            except TransientError as error:
                if attempt >= self.settings.max_attempts:
                    raise TransientError(
                        f"{what}: {error} (gave up after {attempt} tries)"
                    ) from None
                delay = min(
                    self.settings.max_delay_s, self.settings.base_delay_s * 2 ** (attempt - 1)
                )
                delay *= 0.5 + self.rng.random() / 2  # jitter: spread retries of many workers
                log.warning("%s failed (%s); retry %d in %.1f s", what, error, attempt, delay)
                self._pause(delay)

    def _pause(self, seconds: float) -> None:
        self.waited_s += seconds
        self.sleep(seconds)

"""What the platform connectors share: streams fetched in order, each one reported.

A platform connector fetches an account as a few streams (posts, mentions,
comments, deletions...). Each stream ends ``complete``, ``partial`` (an
error past the retries: the next streams still run) or, when the account
itself cannot be fetched for now (access denied, a long rate limit), that
stream and every later one are reported and the account's fetch stops.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

from connectors.base import Connector, CoverageStatus, FetchedBatch, StreamCoverage
from connectors.errors import AccessDenied, ConnectorError, RateLimited
from connectors.http import Retrier
from schemas.records import Record

Step = tuple[str, Callable[[], Iterator[FetchedBatch]]]


class StopAccount(Exception):
    """Stop this account's fetch for this run; the remaining streams are reported."""

    def __init__(self, status: CoverageStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class StreamingConnector(Connector):
    """Runs named streams in order and keeps their coverage; subclasses define the streams."""

    retrier: Retrier

    def __init__(self) -> None:
        self._coverage: list[StreamCoverage] = []
        self._fetched = 0
        self._newest: datetime | None = None

    def coverage(self) -> Sequence[StreamCoverage]:
        return tuple(self._coverage)

    def _run_streams(self, steps: Sequence[Step]) -> Iterator[FetchedBatch]:
        self._coverage = []
        for index, (stream, step) in enumerate(steps):
            self._fetched, self._newest = 0, None
            try:
                yield from step()
            except StopAccount as stop:
                self._report(stream, stop.status, stop.reason)
                for later, _ in steps[index + 1 :]:
                    self._report(later, "not_covered", f"not fetched: {stop.reason}")
                return
            except ConnectorError as error:
                self._report(stream, "partial", str(error))
                continue
            self._report(stream, "complete", None)

    def _call(
        self, what: str, endpoint: Callable[..., dict[str, Any]], *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        """One API call with retries; access denied or a long rate limit stops the account."""
        try:
            return self.retrier.call(what, lambda: endpoint(*args, **kwargs))
        except AccessDenied as error:
            raise StopAccount("not_covered", f"access denied: {error}") from None
        except RateLimited as error:
            wait = f" for {error.retry_after_s:.0f} s" if error.retry_after_s else ""
            raise StopAccount("partial", f"rate limited{wait}; resumes next run") from None

    def _count(self, record: Record) -> None:
        """Count a fetched item in the current stream's coverage."""
        self._fetched += 1
        if self._newest is None or record.created_at > self._newest:
            self._newest = record.created_at

    def _report(self, stream: str, status: CoverageStatus, reason: str | None) -> None:
        self._coverage.append(
            StreamCoverage(self.account, stream, status, self._fetched, self._newest, reason)
        )

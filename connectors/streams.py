"""What the platform connectors share: a typed checkpoint, streams fetched in order, coverage.

A platform connector declares its ``streams`` (posts, mentions, comments,
deletions...) and its ``checkpoint_type``, and implements ``fetch_stream``,
which yields :class:`FetchDelta` s: the records fetched and, when it moved,
the checkpoint that is valid once they are delivered. This base does the
rest, in one place for every platform:

- it parses the stored cursor into the checkpoint before the first stream,
  hands each stream the newest checkpoint, and serialises each new one into
  ``next_cursor``, so a platform connector deals only in typed checkpoints;
- it encodes the records as Kafka messages;
- it counts per stream what was fetched and reports the stream ``complete``,
  ``partial`` (an error past the retries: the next streams still run) or,
  when the account itself cannot be fetched for now (access denied, a long
  rate limit), reports that stream and every later one and stops;
- it runs the deletion check: the platform says which recently stored items
  are gone (``find_gone``), the base writes their tombstones.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from connectors.base import (
    Connector,
    CoverageStatus,
    FetchedBatch,
    KnownItem,
    KnownItems,
    StreamCoverage,
)
from connectors.checkpoint import BadCheckpoint, Checkpoint
from connectors.errors import AccessDenied, ConnectorError, RateLimited
from connectors.http import Retrier
from connectors.tombstones import tombstone
from schemas.kafka_codec import encode_record
from schemas.records import Platform, Record

log = logging.getLogger(__name__)

CheckpointT = TypeVar("CheckpointT", bound=Checkpoint)


def utc_now() -> datetime:
    """The current time, in UTC (the default clock of the connectors)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class FetchOptions:
    """How a platform connector fetches, whatever the platform."""

    #: Runs each API call with retries and bounded rate-limit waits.
    retrier: Retrier
    #: Items asked for per request.
    page_size: int = 100
    #: What the warehouse holds of recent items, for the deletion check (None: no check).
    known_items: KnownItems | None = None
    #: Stored items this recent are checked for deletion on every fetch.
    reconcile_window: timedelta = timedelta(hours=48)
    #: The clock (a fixed one in tests).
    now: Callable[[], datetime] = utc_now


@dataclass(frozen=True, slots=True)
class FetchDelta(Generic[CheckpointT]):
    """Records fetched in one step, and the checkpoint that is valid once they are delivered.

    ``checkpoint`` None means: unchanged (a pass whose checkpoint only moves at its end).
    """

    records: tuple[Record, ...]
    checkpoint: CheckpointT | None = None


class StopAccount(Exception):
    """Stop this account's fetch for this run; the remaining streams are reported."""

    def __init__(self, status: CoverageStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class StreamingConnector(Connector, Generic[CheckpointT]):
    """Runs the declared streams in order over a typed checkpoint, and keeps their coverage."""

    #: Parsed from the stored cursor; a new one's ``to_json()`` becomes ``next_cursor``.
    checkpoint_type: type[CheckpointT]

    def __init__(self, account: str, options: FetchOptions) -> None:
        self.account = account
        self.options = options
        self._coverage: list[StreamCoverage] = []

    @abstractmethod
    def fetch_stream(
        self, stream: str, checkpoint: CheckpointT
    ) -> Iterator[FetchDelta[CheckpointT]]:
        """Yield, a page or a pass at a time, what ``stream`` holds beyond ``checkpoint``.

        A ``ConnectorError`` leaves the stream ``partial``; :meth:`_call` turns the
        errors that stop the whole account into ``StopAccount``.
        """

    def fetch(self, cursor: str | None) -> Iterator[FetchedBatch]:
        checkpoint = self._load(cursor)
        self._coverage = []
        for index, stream in enumerate(self.streams):
            tally = _Tally()
            try:
                for delta in self.fetch_stream(stream, checkpoint):
                    tally.count(delta.records)
                    if delta.checkpoint is not None:
                        checkpoint = delta.checkpoint
                    yield FetchedBatch(
                        tuple(encode_record(record, self.name) for record in delta.records),
                        delta.checkpoint.to_json() if delta.checkpoint is not None else None,
                    )
            except StopAccount as stop:
                self._report(stream, tally, stop.status, stop.reason)
                for later in self.streams[index + 1 :]:
                    self._report(later, _Tally(), "not_covered", f"not fetched: {stop.reason}")
                return
            except ConnectorError as error:
                self._report(stream, tally, "partial", str(error))
                continue
            self._report(stream, tally, "complete", None)

    def coverage(self) -> Sequence[StreamCoverage]:
        return tuple(self._coverage)

    def _call(
        self, what: str, endpoint: Callable[..., dict[str, Any]], *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        """One API call with retries; access denied or a long rate limit stops the account."""
        try:
            return self.options.retrier.call(what, lambda: endpoint(*args, **kwargs))
        except AccessDenied as error:
            raise StopAccount("not_covered", f"access denied: {error}") from None
        except RateLimited as error:
            wait = f" for {error.retry_after_s:.0f} s" if error.retry_after_s else ""
            raise StopAccount("partial", f"rate limited{wait}; resumes next run") from None

    def _deletion_check(
        self, platform: Platform, find_gone: Callable[[Sequence[KnownItem]], list[KnownItem]]
    ) -> Iterator[FetchDelta[CheckpointT]]:
        """Tombstones for the recently stored items of the account that ``find_gone`` says are gone.

        Without a store of known items (``options.known_items`` None) nothing is checked.
        """
        known_items = self.options.known_items
        if known_items is None:
            return
        since = self.options.now() - self.options.reconcile_window
        gone = find_gone(known_items.recent_items(platform, self.account, since))
        if gone:
            log.info("%d item(s) of %s were deleted on %s", len(gone), self.account, platform)
        observed = self.options.now()
        yield FetchDelta(tuple(tombstone(item, self.account, observed) for item in gone))

    def _load(self, cursor: str | None) -> CheckpointT:
        if not cursor:
            return self.checkpoint_type()
        try:
            return self.checkpoint_type.from_json(cursor)
        except BadCheckpoint as error:
            raise BadCheckpoint(f"{self.name} cursor of {self.account}", error.problem) from None

    def _report(
        self, stream: str, tally: _Tally, status: CoverageStatus, reason: str | None
    ) -> None:
        self._coverage.append(
            StreamCoverage(self.account, stream, status, tally.fetched, tally.newest, reason)
        )


class _Tally:
    """What one stream fetched: items (tombstones too), and the newest live item's time."""

    def __init__(self) -> None:
        self.fetched = 0
        self.newest: datetime | None = None

    def count(self, records: Iterable[Record]) -> None:
        for record in records:
            self.fetched += 1
            if not record.deleted and (self.newest is None or record.created_at > self.newest):
                self.newest = record.created_at

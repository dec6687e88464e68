"""The platform connectors' base: checkpoint in and out, streams in order, coverage per stream."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from connectors.base import KnownItem
from connectors.checkpoint import BadCheckpoint, Checkpoint
from connectors.config import ConnectorSettings, RetrySettings
from connectors.errors import AccessDenied, RateLimited, TransientError
from connectors.facebook import FacebookConnector
from connectors.facebook_checkpoint import FacebookCheckpoint
from connectors.http import Retrier
from connectors.registry import AccountRef, ConnectorContext, build_connectors
from connectors.streams import FetchDelta, FetchOptions, StreamingConnector
from connectors.twitter import TwitterConnector
from connectors.twitter_checkpoint import TwitterCheckpoint
from schemas.kafka_codec import decode_record
from schemas.records import Author, Platform, Record

T0 = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Done(Checkpoint):
    """A checkpoint for tests: the streams that finished."""

    streams: tuple[str, ...] = ()


Step = Callable[["Scripted", Done], Iterator[FetchDelta[Done]]]


class Scripted(StreamingConnector[Done]):
    """Three streams whose behaviour each test scripts; it records the checkpoints it was given."""

    name = "scripted"
    streams = ("first", "second", "third")
    checkpoint_type = Done

    def __init__(self, script: Mapping[str, Step], known: list[KnownItem] | None = None) -> None:
        super().__init__(
            "uni_main",
            FetchOptions(
                Retrier(RetrySettings(max_attempts=1), sleep=_no_sleep),
                known_items=KnownList(known) if known is not None else None,
                now=lambda: T0 + timedelta(days=1),
            ),
        )
        self.script = script
        self.given: dict[str, Done] = {}
        self.current = ""

    def fetch_stream(self, stream: str, checkpoint: Done) -> Iterator[FetchDelta[Done]]:
        self.given[stream] = checkpoint
        self.current = stream
        return self.script.get(stream, finish)(self, checkpoint)


class KnownList:
    """Stands in for the warehouse's record of recent items."""

    def __init__(self, items: list[KnownItem]) -> None:
        self.items = items
        self.asked: list[tuple[Platform, str, datetime]] = []

    def recent_items(self, platform: Platform, account: str, since: datetime) -> list[KnownItem]:
        self.asked.append((platform, account, since))
        return self.items


def _no_sleep(seconds: float) -> None:
    raise AssertionError(f"no test here should wait ({seconds} s)")


def record(native: str, minutes: int) -> Record:
    return Record(
        id=f"x:{native}",
        platform="x",
        kind="post",
        account="uni_main",
        accounts=("uni_main",),
        native_id=native,
        parent_id=None,
        conversation_id=f"x:{native}",
        author=Author("1500000001", "UniOfficial", True),
        text="hello",
        lang="en",
        created_at=T0 + timedelta(minutes=minutes),
        observed_at=T0 + timedelta(days=1),
        url=None,
    )


def finish(connector: Scripted, checkpoint: Done) -> Iterator[FetchDelta[Done]]:
    """A stream with nothing new that marks itself done."""
    yield FetchDelta((), Done((*checkpoint.streams, connector.current)))


def two_pages(connector: Scripted, checkpoint: Done) -> Iterator[FetchDelta[Done]]:
    yield FetchDelta((record("1", 5), record("2", 9)))
    yield FetchDelta((record("3", 7),), Done((*checkpoint.streams, "first")))


def fails_after_one(error: Exception) -> Step:
    def step(connector: Scripted, checkpoint: Done) -> Iterator[FetchDelta[Done]]:
        yield FetchDelta((record("4", 1),))
        raise error

    return step


def calls_api(error: Exception) -> Step:
    def step(connector: Scripted, checkpoint: Done) -> Iterator[FetchDelta[Done]]:
        def endpoint() -> dict[str, Any]:
            raise error

        connector._call("test call", endpoint)
        yield FetchDelta(())

    return step


def rows(connector: Scripted) -> list[tuple[Any, ...]]:
    return [
        (row.stream, row.status, row.fetched, row.newest_item_at, row.reason)
        for row in connector.coverage()
    ]


def test_every_declared_stream_is_reported_in_order_with_what_it_fetched() -> None:
    connector = Scripted({"first": two_pages})

    batches = list(connector.fetch(None))

    assert rows(connector) == [
        ("first", "complete", 3, T0 + timedelta(minutes=9), None),
        ("second", "complete", 0, None, None),
        ("third", "complete", 0, None, None),
    ]
    assert {row.account for row in connector.coverage()} == {"uni_main"}
    assert [len(batch.messages) for batch in batches] == [2, 1, 0, 0]
    assert decode_record(batches[0].messages[0].value) == record("1", 5)
    assert dict(batches[0].messages[0].headers)["connector"] == b"scripted"


def test_the_checkpoint_is_parsed_threaded_through_the_streams_and_serialised() -> None:
    connector = Scripted({"first": two_pages})

    batches = list(connector.fetch('{"streams": ["earlier"]}'))

    assert connector.given["first"] == Done(("earlier",))
    assert connector.given["second"] == Done(("earlier", "first"))
    assert connector.given["third"] == Done(("earlier", "first", "second"))
    cursors = [batch.next_cursor for batch in batches]
    assert cursors[0] is None  # a step that did not move the checkpoint keeps the stored one
    assert [json.loads(c)["streams"] for c in cursors[1:] if c] == [
        ["earlier", "first"],
        ["earlier", "first", "second"],
        ["earlier", "first", "second", "third"],
    ]
    assert Done.from_json(cursors[-1] or "") == Done(("earlier", "first", "second", "third"))


@pytest.mark.parametrize("stored", [None, ""])
def test_no_stored_cursor_means_a_fresh_checkpoint(stored: str | None) -> None:
    connector = Scripted({})
    list(connector.fetch(stored))
    assert connector.given["first"] == Done()


def test_a_bad_stored_cursor_names_the_connector_and_account() -> None:
    with pytest.raises(BadCheckpoint, match=r"scripted cursor of uni_main .*streams") as raised:
        list(Scripted({}).fetch('{"streams": 3}'))
    assert raised.value.problem.startswith("streams:")


def test_an_error_past_the_retries_leaves_the_stream_partial_and_the_next_ones_run() -> None:
    connector = Scripted({"second": fails_after_one(TransientError("503 (gave up after 5 tries)"))})

    batches = list(connector.fetch(None))

    assert rows(connector) == [
        ("first", "complete", 0, None, None),
        ("second", "partial", 1, T0 + timedelta(minutes=1), "503 (gave up after 5 tries)"),
        ("third", "complete", 0, None, None),
    ]
    # The failed stream's checkpoint never moved: the third stream starts from the first's.
    assert connector.given["third"] == Done(("first",))
    assert json.loads(batches[-1].next_cursor or "")["streams"] == ["first", "third"]


@pytest.mark.parametrize(
    ("error", "status", "reason"),
    [
        (AccessDenied("X API 401: Unauthorized"), "not_covered", "access denied: X API 401"),
        (RateLimited("429", 900.0), "partial", "rate limited for 900 s; resumes next run"),
        (RateLimited("429", None), "partial", "rate limited; resumes next run"),
    ],
)
def test_an_account_that_cannot_be_fetched_stops_and_reports_every_later_stream(
    error: Exception, status: str, reason: str
) -> None:
    connector = Scripted({"second": calls_api(error)})

    list(connector.fetch(None))

    (first, second, third) = rows(connector)
    assert first == ("first", "complete", 0, None, None)
    assert second[:4] == ("second", status, 0, None) and reason in (second[4] or "")
    assert third[:4] == ("third", "not_covered", 0, None)
    assert (third[4] or "").startswith("not fetched: ") and reason in (third[4] or "")
    assert "third" not in connector.given  # never asked


def test_coverage_is_that_of_the_last_fetch() -> None:
    connector = Scripted({"first": two_pages})
    list(connector.fetch(None))
    connector.script = {}

    list(connector.fetch(None))

    assert [row[:3] for row in rows(connector)] == [
        ("first", "complete", 0),
        ("second", "complete", 0),
        ("third", "complete", 0),
    ]


def known(native: str) -> KnownItem:
    return KnownItem(f"x:{native}", native, "reply", T0, "x:1", "x:1")


def deletions(connector: Scripted, checkpoint: Done) -> Iterator[FetchDelta[Done]]:
    return connector._deletion_check("x", lambda items: [i for i in items if i.native_id != "8"])


def test_the_deletion_check_tombstones_what_is_gone_and_counts_it_without_a_newest_time() -> None:
    connector = Scripted({"third": deletions}, known=[known("7"), known("8"), known("9")])

    batches = list(connector.fetch(None))

    assert rows(connector)[2] == ("third", "complete", 2, None, None)
    tombstones = [decode_record(message.value) for message in batches[-1].messages]
    assert [(r.id, r.deleted, r.text) for r in tombstones] == [
        ("x:7", True, ""),
        ("x:9", True, ""),
    ]
    window = connector.options.known_items
    assert isinstance(window, KnownList)
    assert window.asked == [("x", "uni_main", T0 + timedelta(days=1) - timedelta(hours=48))]


def test_without_a_store_of_known_items_nothing_is_checked_for_deletion() -> None:
    connector = Scripted({"third": deletions}, known=None)

    batches = list(connector.fetch(None))

    assert rows(connector)[2] == ("third", "complete", 0, None, None)
    assert len(batches) == 2  # the first two streams' checkpoints, nothing from the third


def test_the_platform_connectors_fetch_every_stream_they_declare() -> None:
    settings = ConnectorSettings(
        twitter={"bearer_token": "t"},  # type: ignore[arg-type]
        facebook={"page_tokens": {"uni_students": "t"}},  # type: ignore[arg-type]
    )
    accounts = (
        AccountRef("uni_main", "x", "1500000001", "UniOfficial"),
        AccountRef("uni_students", "facebook", "880000000001", "Student Life"),
    )
    twitter, facebook = build_connectors(
        ["twitter", "facebook"], ConnectorContext(accounts, settings)
    )
    assert isinstance(twitter, TwitterConnector) and isinstance(facebook, FacebookConnector)

    for stream in twitter.streams:  # generators: nothing is requested until they are iterated
        assert isinstance(twitter.fetch_stream(stream, TwitterCheckpoint()), Iterator)
    for stream in facebook.streams:
        assert isinstance(facebook.fetch_stream(stream, FacebookCheckpoint()), Iterator)
    with pytest.raises(ValueError, match="no stream 'comments'"):
        twitter.fetch_stream("comments", TwitterCheckpoint())

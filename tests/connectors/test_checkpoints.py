"""Typed checkpoints: JSON round trips, what earlier versions stored, bad strings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from connectors.checkpoint import BadCheckpoint, Checkpoint
from connectors.facebook_checkpoint import FacebookCheckpoint
from connectors.twitter_checkpoint import (
    Conversation,
    PendingPass,
    StreamProgress,
    StreamsProgress,
    TwitterCheckpoint,
)

STARTED = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)

CHECKPOINTS: list[Checkpoint] = [
    TwitterCheckpoint(),
    TwitterCheckpoint(
        streams=StreamsProgress(
            posts=StreamProgress("1840000000000000100"),
            mentions=StreamProgress("1830000000000000000", PendingPass("1835", "1839")),
            replies=StreamProgress("1841000000000000000"),
        ),
        conversations={
            "1840000000000000100": Conversation(STARTED, searched=True),
            "1840000000000000200": Conversation(STARTED + timedelta(hours=1)),
        },
    ),
    TwitterCheckpoint(streams=StreamsProgress(posts=StreamProgress(None, PendingPass("5", None)))),
    FacebookCheckpoint(),
    FacebookCheckpoint(
        posts_since=1790000000,
        comments_since=1790003540,
        recent_posts={"880000000001_17": 1789990000, "880000000001_18": 1789995000},
        comments_read=("880000000001_17",),
    ),
]


@pytest.mark.parametrize("checkpoint", CHECKPOINTS)
def test_a_checkpoint_survives_the_cursor_store(checkpoint: Checkpoint) -> None:
    stored = checkpoint.to_json()
    assert isinstance(stored, str)
    assert type(checkpoint).from_json(stored) == checkpoint


# Cursors as the connectors wrote them before checkpoints were typed (json.dumps, sort_keys).
EARLIER_X = (
    '{"conversations": {"1840000000000000100": {"created_at": "2026-10-01T12:00:00+00:00", '
    '"searched": true}}, "streams": {"mentions": {"pending": {"newest_id": "1839", '
    '"until_id": "1835"}, "since_id": "1830"}, "posts": {"since_id": "1840000000000000100"}, '
    '"replies": {"since_id": null}}}'
)
EARLIER_FACEBOOK = (
    '{"comments_read": ["880000000001_17"], "comments_since": 1790003540, '
    '"posts_since": 1790000000, "recent_posts": {"880000000001_17": 1789990000}}'
)


def test_cursors_stored_by_earlier_versions_are_read() -> None:
    x = TwitterCheckpoint.from_json(EARLIER_X)
    assert x.streams.posts == StreamProgress("1840000000000000100")
    assert x.streams.mentions == StreamProgress("1830", PendingPass("1835", "1839"))
    assert x.streams.replies == StreamProgress()
    assert x.conversations == {"1840000000000000100": Conversation(STARTED, searched=True)}

    facebook = FacebookCheckpoint.from_json(EARLIER_FACEBOOK)
    assert facebook == FacebookCheckpoint(
        1790000000, 1790003540, {"880000000001_17": 1789990000}, ("880000000001_17",)
    )
    # A fetch that stopped before any stream moved left only part of the keys.
    assert FacebookCheckpoint.from_json('{"posts_since": 5}') == FacebookCheckpoint(posts_since=5)
    assert TwitterCheckpoint.from_json("{}") == TwitterCheckpoint()


@pytest.mark.parametrize(
    ("checkpoint_type", "stored", "problem"),
    [
        (TwitterCheckpoint, "not json", r"the whole string: Invalid JSON"),
        (TwitterCheckpoint, "[1, 2]", r"the whole string: Input should be an object"),
        (TwitterCheckpoint, '{"streams": {"posts": {"since_id": 5}}}', r"streams\.posts\.since_id"),
        (
            TwitterCheckpoint,
            '{"conversations": {"18": {"created_at": "yesterday"}}}',
            r"conversations\.18\.created_at",
        ),
        (
            TwitterCheckpoint,
            '{"streams": {"posts": {"pending": {"newest_id": "9"}}}}',
            r"streams\.posts\.pending\.until_id: Field required",
        ),
        (
            FacebookCheckpoint,
            '{"posts_since": "soon"}',
            r"posts_since: Input should be a valid int",
        ),
        (
            FacebookCheckpoint,
            '{"recent_posts": ["17"]}',
            r"recent_posts: Input should be an object",
        ),
        (
            FacebookCheckpoint,
            '{"posts_since": "soon", "comments_since": "later"}',
            r"posts_since: .* \(and 1 more problem\(s\)\)",
        ),
    ],
)
def test_a_bad_stored_string_names_the_checkpoint_and_the_field(
    checkpoint_type: type[Checkpoint], stored: str, problem: str
) -> None:
    with pytest.raises(
        BadCheckpoint, match=rf"^stored {checkpoint_type.__name__} cannot be read: "
    ):
        checkpoint_type.from_json(stored)
    with pytest.raises(BadCheckpoint, match=problem) as raised:
        checkpoint_type.from_json(stored)
    assert raised.value.what == checkpoint_type.__name__


def test_the_stored_value_is_not_repeated_in_the_error() -> None:
    with pytest.raises(BadCheckpoint) as raised:
        FacebookCheckpoint.from_json('{"posts_since": "some-very-odd-value"}')
    assert "some-very-odd-value" not in str(raised.value)


def test_timeline_progress_is_replaced_per_stream() -> None:
    pending = StreamProgress("1", PendingPass("3", "9"))
    checkpoint = TwitterCheckpoint().with_timeline("mentions", pending)

    assert checkpoint.timeline("mentions") == pending
    assert checkpoint.timeline("posts") == StreamProgress()
    assert checkpoint.with_timeline("posts", StreamProgress("9")).streams == StreamsProgress(
        posts=StreamProgress("9"), mentions=pending
    )


def test_conversations_are_remembered_once_and_forgotten_after_the_horizon() -> None:
    searched = TwitterCheckpoint(conversations={"1": Conversation(STARTED, searched=True)})

    more = searched.with_conversations({"1": STARTED + timedelta(days=1), "2": STARTED})

    assert more.conversations == {
        "1": Conversation(STARTED, searched=True),  # known: left as it was
        "2": Conversation(STARTED, searched=False),
    }
    assert searched.with_conversations({}) is searched
    assert searched.conversations == {"1": Conversation(STARTED, searched=True)}  # unchanged
    later = more.with_conversations({"3": STARTED + timedelta(days=3)})
    assert set(later.without_conversations_before(STARTED + timedelta(days=1)).conversations) == {
        "3"
    }


def test_a_replies_pass_marks_what_it_searched_and_moves_since_id() -> None:
    checkpoint = TwitterCheckpoint(
        conversations={"1": Conversation(STARTED), "2": Conversation(STARTED)}
    )

    after = checkpoint.with_replies_searched(["1"], "77")

    assert after.streams.replies == StreamProgress("77")
    assert after.conversations == {
        "1": Conversation(STARTED, searched=True),
        "2": Conversation(STARTED, searched=False),
    }

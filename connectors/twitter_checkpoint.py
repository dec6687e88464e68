"""Where the X connector resumes: per stream progress, and the account's recent conversations.

Stored as JSON, for example::

    {"streams": {"posts": {"since_id": "1840...", "pending": null},
                 "mentions": {"since_id": "1839...", "pending": {"until_id": "1838...",
                                                                 "newest_id": "1841..."}},
                 "replies": {"since_id": "1841..."}},
     "conversations": {"1840...": {"created_at": "2026-10-01T12:00:00Z", "searched": true}}}

``pending`` is an interrupted timeline pass: the next fetch goes on below
``until_id``, and ``newest_id`` becomes ``since_id`` once that pass ends.
The methods return changed copies; a checkpoint is never modified.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from connectors.checkpoint import Checkpoint

Timeline = Literal["posts", "mentions"]


@dataclass(frozen=True, slots=True)
class PendingPass:
    """A timeline pass that stopped before its last page."""

    until_id: str
    newest_id: str | None


@dataclass(frozen=True, slots=True)
class StreamProgress:
    """How far one stream has read: ids above ``since_id`` are new."""

    since_id: str | None = None
    pending: PendingPass | None = None


@dataclass(frozen=True, slots=True)
class StreamsProgress:
    """The progress of each stream that has a cursor (deletions have none)."""

    posts: StreamProgress = field(default_factory=StreamProgress)
    mentions: StreamProgress = field(default_factory=StreamProgress)
    replies: StreamProgress = field(default_factory=StreamProgress)


@dataclass(frozen=True, slots=True)
class Conversation:
    """A conversation the account started, and whether its replies were ever searched."""

    created_at: datetime
    searched: bool = False


@dataclass(frozen=True, slots=True)
class TwitterCheckpoint(Checkpoint):
    """The X connector's cursor for one account."""

    streams: StreamsProgress = field(default_factory=StreamsProgress)
    #: By native conversation id (the id of the tweet that started it).
    conversations: Mapping[str, Conversation] = field(default_factory=dict)

    def timeline(self, stream: Timeline) -> StreamProgress:
        """The progress of ``posts`` or ``mentions``."""
        return self.streams.posts if stream == "posts" else self.streams.mentions

    def with_timeline(self, stream: Timeline, progress: StreamProgress) -> TwitterCheckpoint:
        """A copy with the progress of ``posts`` or ``mentions`` replaced."""
        if stream == "posts":
            return replace(self, streams=replace(self.streams, posts=progress))
        return replace(self, streams=replace(self.streams, mentions=progress))

    def with_conversations(self, started: Mapping[str, datetime]) -> TwitterCheckpoint:
        """A copy that also remembers these conversations; known ones are left as they are."""
        new = {c: Conversation(at) for c, at in started.items() if c not in self.conversations}
        return replace(self, conversations={**self.conversations, **new}) if new else self

    def without_conversations_before(self, horizon: datetime) -> TwitterCheckpoint:
        """A copy that forgets conversations started before ``horizon``."""
        kept = {c: v for c, v in self.conversations.items() if v.created_at >= horizon}
        return replace(self, conversations=kept)

    def with_replies_searched(
        self, conversations: Iterable[str], since_id: str | None
    ) -> TwitterCheckpoint:
        """A copy after a replies pass: these conversations searched, ids to ``since_id`` read."""
        searched = set(conversations)
        return replace(
            self,
            streams=replace(self.streams, replies=StreamProgress(since_id)),
            conversations={
                c: replace(v, searched=True) if c in searched else v
                for c, v in self.conversations.items()
            },
        )

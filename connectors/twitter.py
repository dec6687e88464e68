"""The X (Twitter) connector: an official account's posts, mentions and replies, incrementally.

Per account and tick, in this order:

1. ``posts``: the account's own tweets (``GET /2/users/:id/tweets``) since the
   stored ``since_id``. Posts that start a conversation are remembered for
   seven days (the reach of recent search).
2. ``mentions``: tweets naming the account, since their own ``since_id``.
3. ``replies``: recent search on ``conversation_id:`` of the remembered
   posts, several per query. A conversation searched for the first time is
   searched without ``since_id``, so replies older than the stream's cursor
   are not skipped.
4. ``deletions``: stored items of the recent window are looked up by id;
   those the API no longer has become tombstones.

Paging runs to the end. The checkpoint (:mod:`connectors.twitter_checkpoint`)
advances as pages are delivered: an interrupted ``posts`` or ``mentions``
pass stores where it stopped (``until_id``) and resumes there; an
interrupted ``replies`` pass is simply repeated, which record ids make
harmless. How a tweet becomes a record is in :mod:`connectors.twitter_mapping`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from connectors.base import KnownItem
from connectors.streams import FetchDelta, FetchOptions, StreamingConnector
from connectors.twitter_api import TwitterApi
from connectors.twitter_checkpoint import PendingPass, StreamProgress, Timeline, TwitterCheckpoint
from connectors.twitter_mapping import conversation_started_by, tweet_record, user_handles
from schemas.records import Record

CONVERSATION_DAYS = 7
MAX_QUERY_LENGTH = 512

Delta = FetchDelta[TwitterCheckpoint]


class TwitterConnector(StreamingConnector[TwitterCheckpoint]):
    """Fetches one official X account. ``official_ids`` maps every official X user id to its key."""

    name = "twitter"
    streams = ("posts", "mentions", "replies", "deletions")
    checkpoint_type = TwitterCheckpoint

    def __init__(
        self,
        api: TwitterApi,
        account: str,
        user_id: str,
        official_ids: Mapping[str, str],
        options: FetchOptions,
    ) -> None:
        super().__init__(account, options)
        self.api = api
        self.user_id = user_id
        self.official_ids = dict(official_ids)

    def fetch_stream(self, stream: str, checkpoint: TwitterCheckpoint) -> Iterator[Delta]:
        match stream:
            case "posts":
                return self._timeline("posts", self.api.user_tweets, checkpoint)
            case "mentions":
                return self._timeline("mentions", self.api.mentions, checkpoint)
            case "replies":
                return self._replies(checkpoint)
            case "deletions":
                return self._deletion_check("x", self._gone)
        raise ValueError(f"the X connector has no stream {stream!r}")

    # -- streams -------------------------------------------------------------------
    def _timeline(
        self,
        stream: Timeline,
        endpoint: Callable[..., dict[str, Any]],
        checkpoint: TwitterCheckpoint,
    ) -> Iterator[Delta]:
        progress = checkpoint.timeline(stream)
        since_id = progress.since_id
        until_id = progress.pending.until_id if progress.pending else None
        newest = progress.pending.newest_id if progress.pending else None
        token: str | None = None
        while True:
            page: dict[str, Any] = {"max_results": self.options.page_size}
            page.update({k: v for k, v in (("since_id", since_id), ("until_id", until_id)) if v})
            if token:
                page["pagination_token"] = token
            answer = self._call(f"X {stream} of {self.account}", endpoint, self.user_id, **page)
            meta = answer.get("meta", {})
            newest = _newer(newest, meta.get("newest_id"))
            records, checkpoint = self._page(answer, checkpoint)
            token = meta.get("next_token")
            if not token:
                done = StreamProgress(since_id=newest or since_id)
                yield FetchDelta(records, checkpoint.with_timeline(stream, done))
                return
            pending = StreamProgress(since_id, PendingPass(meta["oldest_id"], newest))
            checkpoint = checkpoint.with_timeline(stream, pending)
            yield FetchDelta(records, checkpoint)

    def _replies(self, checkpoint: TwitterCheckpoint) -> Iterator[Delta]:
        since_id = checkpoint.streams.replies.since_id
        horizon = self.options.now() - timedelta(days=CONVERSATION_DAYS)
        checkpoint = checkpoint.without_conversations_before(horizon)
        searched = [c for c, v in checkpoint.conversations.items() if v.searched]
        unsearched = [c for c, v in checkpoint.conversations.items() if not v.searched]
        newest = since_id
        for group, since in [(g, since_id) for g in _query_groups(searched)] + [
            (g, None) for g in _query_groups(unsearched)
        ]:
            query = " OR ".join(f"conversation_id:{c}" for c in group)
            token: str | None = None
            while True:
                page: dict[str, Any] = {"max_results": self.options.page_size}
                if since:
                    page["since_id"] = since
                if token:
                    page["next_token"] = token
                answer = self._call(
                    f"X replies of {self.account}", self.api.search_recent, query, **page
                )
                meta = answer.get("meta", {})
                newest = _newer(newest, meta.get("newest_id"))
                records, checkpoint = self._page(answer, checkpoint)
                # The checkpoint is unchanged until every group is done: a repeat is harmless.
                yield FetchDelta(records)
                token = meta.get("next_token")
                if not token:
                    break
        yield FetchDelta((), checkpoint.with_replies_searched(unsearched, newest))

    def _gone(self, known: Sequence[KnownItem]) -> list[KnownItem]:
        """The known items that X no longer has (looked up a hundred ids at a time)."""
        by_native = {item.native_id: item for item in known}
        gone: list[KnownItem] = []
        ids = sorted(by_native)
        for start in range(0, len(ids), 100):
            chunk = ids[start : start + 100]
            answer = self._call(f"X lookup for {self.account}", self.api.lookup, chunk)
            for error in answer.get("errors", []):
                if str(error.get("type", "")).endswith("resource-not-found"):
                    item = by_native.get(str(error.get("resource_id") or error.get("value")))
                    if item is not None:
                        gone.append(item)
        return gone

    # -- helpers ---------------------------------------------------------------------
    def _page(
        self, answer: dict[str, Any], checkpoint: TwitterCheckpoint
    ) -> tuple[tuple[Record, ...], TwitterCheckpoint]:
        """The records of one answer, and the checkpoint remembering conversations it started."""
        handles = user_handles(answer)
        observed = self.options.now()
        records: list[Record] = []
        started: dict[str, datetime] = {}
        for tweet in answer.get("data", []):
            record = tweet_record(
                tweet,
                account=self.account,
                official_ids=self.official_ids,
                handles=handles,
                observed_at=observed,
            )
            records.append(record)
            conversation = conversation_started_by(tweet, self.user_id)
            if conversation is not None:
                started[conversation] = record.created_at
        return tuple(records), checkpoint.with_conversations(started)


def _newer(current: str | None, candidate: str | None) -> str | None:
    """The larger of two tweet ids (ids grow with time); None counts as nothing read."""
    if candidate and (current is None or int(candidate) > int(current)):
        return candidate
    return current


def _query_groups(conversations: Sequence[str]) -> Iterator[list[str]]:
    """Conversation ids joined by OR into queries no longer than the API allows."""
    group: list[str] = []
    length = 0
    for conversation in conversations:
        term = len(f"conversation_id:{conversation}") + (4 if group else 0)
        if group and length + term > MAX_QUERY_LENGTH:
            yield group
            group, length = [], 0
            term -= 4
        group.append(conversation)
        length += term
    if group:
        yield group

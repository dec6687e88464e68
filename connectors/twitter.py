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

Paging runs to the end. The cursor (JSON) advances as pages are delivered:
an interrupted ``posts`` or ``mentions`` pass stores where it stopped
(``until_id``) and resumes there; an interrupted ``replies`` pass is simply
repeated, which record ids make harmless. An edited tweet keeps the record id
of the first entry of ``edit_history_tweet_ids``; its newest version wins.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.base import (
    FetchedBatch,
    KnownItem,
    KnownItems,
)
from connectors.http import Retrier
from connectors.streams import StreamingConnector
from connectors.tombstones import parse_api_time, tombstone
from connectors.twitter_api import TwitterApi
from schemas.kafka_codec import KafkaMessage, encode_record
from schemas.records import Author, Kind, Record

log = logging.getLogger(__name__)

CONVERSATION_DAYS = 7
MAX_QUERY_LENGTH = 512
STREAMS = ("posts", "mentions", "replies", "deletions")


class TwitterConnector(StreamingConnector):
    """Fetches one official X account. ``official_ids`` maps every official X user id to its key."""

    name = "twitter"

    def __init__(
        self,
        api: TwitterApi,
        account: str,
        user_id: str,
        official_ids: Mapping[str, str],
        retrier: Retrier,
        *,
        page_size: int = 100,
        known_items: KnownItems | None = None,
        reconcile_window: timedelta = timedelta(hours=48),
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.api = api
        self.account = account
        self.user_id = user_id
        self.official_ids = dict(official_ids)
        self.retrier = retrier
        self.page_size = page_size
        self.known_items = known_items
        self.reconcile_window = reconcile_window
        self.now = now
        super().__init__()

    def fetch(self, cursor: str | None) -> Iterator[FetchedBatch]:
        state = _State.load(cursor)
        return self._run_streams(
            [
                ("posts", lambda: self._timeline("posts", self.api.user_tweets, state)),
                ("mentions", lambda: self._timeline("mentions", self.api.mentions, state)),
                ("replies", lambda: self._replies(state)),
                ("deletions", lambda: self._deletions(state)),
            ]
        )

    # -- streams -------------------------------------------------------------------
    def _timeline(
        self, stream: str, endpoint: Callable[..., dict[str, Any]], state: _State
    ) -> Iterator[FetchedBatch]:
        progress = state.streams.setdefault(stream, {})
        since_id = progress.get("since_id")
        pending = progress.get("pending") or {}
        until_id, newest = pending.get("until_id"), pending.get("newest_id")
        token: str | None = None
        while True:
            page: dict[str, Any] = {"max_results": self.page_size}
            page.update({k: v for k, v in (("since_id", since_id), ("until_id", until_id)) if v})
            if token:
                page["pagination_token"] = token
            answer = self._call(f"X {stream} of {self.account}", endpoint, self.user_id, **page)
            meta = answer.get("meta", {})
            if meta.get("newest_id") and (newest is None or int(meta["newest_id"]) > int(newest)):
                newest = meta["newest_id"]
            messages = self._messages(answer, state)
            token = meta.get("next_token")
            if not token:
                progress.clear()
                progress["since_id"] = newest or since_id
                yield FetchedBatch(messages, state.dump())
                return
            progress["pending"] = {"until_id": meta["oldest_id"], "newest_id": newest}
            yield FetchedBatch(messages, state.dump())

    def _replies(self, state: _State) -> Iterator[FetchedBatch]:
        progress = state.streams.setdefault("replies", {})
        since_id = progress.get("since_id")
        horizon = self.now() - timedelta(days=CONVERSATION_DAYS)
        state.conversations = {
            conversation: value
            for conversation, value in state.conversations.items()
            if datetime.fromisoformat(value["created_at"]) >= horizon
        }
        searched = [c for c, v in state.conversations.items() if v.get("searched")]
        unsearched = [c for c, v in state.conversations.items() if not v.get("searched")]
        newest = since_id
        for group, since in [(g, since_id) for g in _query_groups(searched)] + [
            (g, None) for g in _query_groups(unsearched)
        ]:
            query = " OR ".join(f"conversation_id:{c}" for c in group)
            token: str | None = None
            while True:
                page: dict[str, Any] = {"max_results": self.page_size}
                if since:
                    page["since_id"] = since
                if token:
                    page["next_token"] = token
                answer = self._call(
                    f"X replies of {self.account}", self.api.search_recent, query, **page
                )
                meta = answer.get("meta", {})
                if meta.get("newest_id") and (
                    newest is None or int(meta["newest_id"]) > int(newest)
                ):
                    newest = meta["newest_id"]
                # The cursor is unchanged until every group is done: a repeat is harmless.
                yield FetchedBatch(self._messages(answer, state), None)
                token = meta.get("next_token")
                if not token:
                    break
        for conversation in unsearched:
            state.conversations[conversation]["searched"] = True
        progress["since_id"] = newest
        yield FetchedBatch((), state.dump())

    def _deletions(self, state: _State) -> Iterator[FetchedBatch]:
        if self.known_items is None:
            return
        known = self.known_items.recent_items("x", self.account, self.now() - self.reconcile_window)
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
        observed = self.now()
        tombstones = tuple(
            encode_record(tombstone(item, self.account, observed), self.name) for item in gone
        )
        if tombstones:
            log.info("%d item(s) of %s were deleted on X", len(tombstones), self.account)
        self._fetched += len(tombstones)
        yield FetchedBatch(tombstones, None)

    # -- helpers ---------------------------------------------------------------------
    def _messages(self, answer: dict[str, Any], state: _State) -> tuple[KafkaMessage, ...]:
        users = {user["id"]: user for user in answer.get("includes", {}).get("users", [])}
        observed = self.now()
        messages = []
        for tweet in answer.get("data", []):
            record = self._record(tweet, users, observed, state)
            messages.append(encode_record(record, self.name))
            self._count(record)
        return tuple(messages)

    def _record(
        self, tweet: dict[str, Any], users: Mapping[str, Any], observed: datetime, state: _State
    ) -> Record:
        original_id = (tweet.get("edit_history_tweet_ids") or [tweet["id"]])[0]
        author_id = tweet["author_id"]
        conversation = tweet.get("conversation_id") or tweet["id"]
        created_at = parse_api_time(tweet["created_at"])
        if author_id == self.user_id and conversation in (tweet["id"], original_id):
            state.conversations.setdefault(
                conversation, {"created_at": created_at.isoformat(), "searched": False}
            )
        replied_to = next(
            (
                ref["id"]
                for ref in tweet.get("referenced_tweets", [])
                if ref["type"] == "replied_to"
            ),
            None,
        )
        mentioned = {m.get("id") for m in tweet.get("entities", {}).get("mentions", [])}
        involved = {self.account}
        involved.update(
            key
            for user_id, key in self.official_ids.items()
            if user_id in mentioned or user_id == tweet.get("in_reply_to_user_id")
        )
        kind: Kind
        if replied_to is None and author_id in self.official_ids:
            kind = "post"
        elif replied_to is not None:
            kind = "reply"
        else:
            kind = "mention"
        return Record(
            id=Record.make_id("x", original_id),
            platform="x",
            kind=kind,
            account=self.account,
            accounts=tuple(sorted(involved)),
            native_id=original_id,
            parent_id=Record.make_id("x", replied_to) if replied_to else None,
            conversation_id=Record.make_id("x", conversation),
            author=Author(
                id=author_id,
                handle=users.get(author_id, {}).get("username"),
                is_official=author_id in self.official_ids,
            ),
            text=tweet.get("text", ""),
            lang=tweet.get("lang"),
            created_at=created_at,
            observed_at=observed,
            url=f"https://x.com/i/web/status/{tweet['id']}",
        )


class _State:
    """The cursor: per stream progress, and the account's conversations of the last week."""

    def __init__(self, streams: dict[str, dict[str, Any]], conversations: dict[str, Any]) -> None:
        self.streams = streams
        self.conversations = conversations

    @classmethod
    def load(cls, cursor: str | None) -> _State:
        data = json.loads(cursor) if cursor else {}
        return cls(data.get("streams", {}), data.get("conversations", {}))

    def dump(self) -> str:
        return json.dumps(
            {"streams": self.streams, "conversations": self.conversations}, sort_keys=True
        )


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

"""The Facebook connector: a page's posts, and comments and replies on them, incrementally.

Per page and tick, in this order:

1. ``posts``: ``/{page}/posts`` since the stored time (the first fetch goes
   back ``backfill_days``). Posts are remembered for ``comment_window_days``.
2. ``comments``: for each remembered post, ``/{post}/comments`` with
   ``filter=stream`` (comments and replies to comments) in reverse
   chronological order, paging until comments older than the stream's cursor.
3. ``deletions``: for the stored items of the recent window, their posts'
   comments are listed again; items no longer listed, and posts that no
   longer exist with their comments, become tombstones. Nothing is
   tombstoned unless every listing completed.

Graph API times have one-second resolution, so a cursor is inclusive (a
few items are fetched twice, which record ids make harmless). The cursor
of a stream advances only when the stream completed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.base import (
    FetchedBatch,
    KnownItem,
    KnownItems,
)
from connectors.errors import NotFound
from connectors.facebook_api import GraphApi
from connectors.http import Retrier
from connectors.streams import StreamingConnector
from connectors.tombstones import parse_api_time, tombstone
from schemas.kafka_codec import KafkaMessage, encode_record
from schemas.records import Author, Record

log = logging.getLogger(__name__)

POST_FIELDS = "id,message,created_time,from"
COMMENT_FIELDS = "id,message,created_time,from{id,name},parent{id}"


class FacebookConnector(StreamingConnector):
    """Fetches one official Facebook page."""

    name = "facebook"

    def __init__(
        self,
        api: GraphApi,
        account: str,
        page_id: str,
        page_name: str,
        retrier: Retrier,
        *,
        page_size: int = 100,
        backfill: timedelta = timedelta(days=14),
        comment_window: timedelta = timedelta(days=14),
        known_items: KnownItems | None = None,
        reconcile_window: timedelta = timedelta(hours=48),
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.api = api
        self.account = account
        self.page_id = page_id
        self.page_name = page_name
        self.retrier = retrier
        self.page_size = page_size
        self.backfill = backfill
        self.comment_window = comment_window
        self.known_items = known_items
        self.reconcile_window = reconcile_window
        self.now = now
        super().__init__()

    def fetch(self, cursor: str | None) -> Iterator[FetchedBatch]:
        state = json.loads(cursor) if cursor else {}
        state.setdefault("posts_since", None)
        state.setdefault("comments_since", None)
        state.setdefault("recent_posts", {})
        state.setdefault("comments_read", [])
        return self._run_streams(
            [
                ("posts", lambda: self._posts(state)),
                ("comments", lambda: self._comments(state)),
                ("deletions", lambda: self._deletions(state)),
            ]
        )

    # -- streams -------------------------------------------------------------------
    def _posts(self, state: dict[str, Any]) -> Iterator[FetchedBatch]:
        started = self.now()
        since = state["posts_since"] or int((started - self.backfill).timestamp())
        newest = since
        for page in self._pages(self.page_id, "posts", since=since, fields=POST_FIELDS):
            messages = []
            for post in page:
                record = self._post_record(post)
                messages.append(self._encode(record))
                state["recent_posts"][post["id"]] = int(record.created_at.timestamp())
                newest = max(newest, int(record.created_at.timestamp()))
            # Remembered posts are in the cursor at once; the time advances at the end.
            yield FetchedBatch(tuple(messages), json.dumps(state, sort_keys=True))
        state["posts_since"] = newest
        yield FetchedBatch((), json.dumps(state, sort_keys=True))

    def _comments(self, state: dict[str, Any]) -> Iterator[FetchedBatch]:
        started = self.now()
        horizon = int((started - self.comment_window).timestamp())
        state["recent_posts"] = {
            post: created for post, created in state["recent_posts"].items() if created >= horizon
        }
        read_before = set(state["comments_read"]) & set(state["recent_posts"])
        for post_id in sorted(state["recent_posts"]):
            # A post seen for the first time gets all its comments, whatever the cursor says.
            since = (state["comments_since"] or 0) if post_id in read_before else 0
            try:
                for page in self._pages(
                    post_id,
                    "comments",
                    filter="stream",
                    order="reverse_chronological",
                    fields=COMMENT_FIELDS,
                ):
                    fresh = [
                        c for c in page if parse_api_time(c["created_time"]).timestamp() >= since
                    ]
                    yield FetchedBatch(
                        tuple(self._encode(self._comment_record(post_id, c)) for c in fresh), None
                    )
                    if len(fresh) < len(page):
                        break  # the rest is older than the cursor
            except NotFound:
                log.info(
                    "post %s of %s no longer exists; the deletion check handles it",
                    post_id,
                    self.account,
                )
        # Comments created while we were paging are within the overlap of the next run.
        state["comments_since"] = int(started.timestamp()) - 60
        state["comments_read"] = sorted(state["recent_posts"])
        yield FetchedBatch((), json.dumps(state, sort_keys=True))

    def _deletions(self, state: dict[str, Any]) -> Iterator[FetchedBatch]:
        if self.known_items is None:
            return
        known = self.known_items.recent_items(
            "facebook", self.account, self.now() - self.reconcile_window
        )
        # Each post that owns a known item is asked for its comments: a post that no longer
        # exists answers "does not exist", and then it and its comments are gone.
        posts = sorted({self._native(i.conversation_id) for i in known if i.conversation_id})
        listed: set[str] = set()
        for post_id in posts:
            try:
                for page in self._pages(post_id, "comments", filter="stream", fields="id"):
                    listed.update(comment["id"] for comment in page)
            except NotFound:
                continue
            listed.add(post_id)
        observed = self.now()
        gone: list[KnownItem] = [item for item in known if item.native_id not in listed]
        if gone:
            log.info("%d item(s) of %s were deleted on Facebook", len(gone), self.account)
        self._fetched += len(gone)
        yield FetchedBatch(
            tuple(self._encode(tombstone(item, self.account, observed)) for item in gone), None
        )

    # -- helpers ---------------------------------------------------------------------
    def _pages(self, object_id: str, edge: str, **params: Any) -> Iterator[list[dict[str, Any]]]:
        after: str | None = None
        while True:
            query = {**params, "limit": self.page_size, **({"after": after} if after else {})}
            answer = self._call(
                f"Facebook {edge} of {object_id}", self.api.edge, object_id, edge, **query
            )
            yield list(answer.get("data", []))
            paging = answer.get("paging", {})
            after = paging.get("cursors", {}).get("after")
            if not paging.get("next") or not after:
                return

    def _encode(self, record: Record) -> KafkaMessage:
        if not record.deleted:
            self._count(record)
        return encode_record(record, self.name)

    def _post_record(self, post: dict[str, Any]) -> Record:
        native = post["id"]
        return Record(
            id=Record.make_id("facebook", native),
            platform="facebook",
            kind="post",
            account=self.account,
            accounts=(self.account,),
            native_id=native,
            parent_id=None,
            conversation_id=Record.make_id("facebook", native),
            author=Author(id=self.page_id, handle=self.page_name, is_official=True),
            text=post.get("message", ""),
            lang=None,
            created_at=parse_api_time(post["created_time"]),
            observed_at=self.now(),
            url=f"https://www.facebook.com/{native}",
        )

    def _comment_record(self, post_id: str, comment: dict[str, Any]) -> Record:
        native = comment["id"]
        author = comment.get("from") or {}
        author_id = str(author.get("id") or "unknown")
        parent = (comment.get("parent") or {}).get("id") or post_id
        return Record(
            id=Record.make_id("facebook", native),
            platform="facebook",
            kind="comment",
            account=self.account,
            accounts=(self.account,),
            native_id=native,
            parent_id=Record.make_id("facebook", parent),
            conversation_id=Record.make_id("facebook", post_id),
            author=Author(
                id=author_id, handle=author.get("name"), is_official=author_id == self.page_id
            ),
            text=comment.get("message", ""),
            lang=None,
            created_at=parse_api_time(comment["created_time"]),
            observed_at=self.now(),
            url=f"https://www.facebook.com/{post_id}?comment_id={native}",
        )

    @staticmethod
    def _native(record_id: str) -> str:
        return record_id.split(":", 1)[1]

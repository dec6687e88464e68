"""The Facebook connector: a page's posts, and comments and replies on them, incrementally.

Per page and tick, in this order:

1. ``posts``: ``/{page}/posts`` since the stored time (the first fetch goes
   back ``backfill``). Posts are remembered for ``comment_window``.
2. ``comments``: for each remembered post, ``/{post}/comments`` with
   ``filter=stream`` (comments and replies to comments) in reverse
   chronological order, paging until comments older than the stream's cursor.
3. ``deletions``: for the stored items of the recent window, their posts'
   comments are listed again; items no longer listed, and posts that no
   longer exist with their comments, become tombstones. Nothing is
   tombstoned unless every listing completed.

Graph API times have one-second resolution, so the checkpoint
(:mod:`connectors.facebook_checkpoint`) is inclusive: a few items are
fetched twice, which record ids make harmless. The time of a stream
advances only when the stream completed. How posts and comments become
records is in :mod:`connectors.facebook_mapping`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

from connectors.base import KnownItem
from connectors.errors import NotFound
from connectors.facebook_api import GraphApi
from connectors.facebook_checkpoint import FacebookCheckpoint
from connectors.facebook_mapping import comment_record, post_record
from connectors.streams import FetchDelta, FetchOptions, StreamingConnector
from connectors.tombstones import parse_api_time

log = logging.getLogger(__name__)

POST_FIELDS = "id,message,created_time,from"
COMMENT_FIELDS = "id,message,created_time,from{id,name},parent{id}"

Delta = FetchDelta[FacebookCheckpoint]


class FacebookConnector(StreamingConnector[FacebookCheckpoint]):
    """Fetches one official Facebook page."""

    name = "facebook"
    streams = ("posts", "comments", "deletions")
    checkpoint_type = FacebookCheckpoint

    def __init__(
        self,
        api: GraphApi,
        account: str,
        page_id: str,
        page_name: str,
        options: FetchOptions,
        *,
        backfill: timedelta = timedelta(days=14),
        comment_window: timedelta = timedelta(days=14),
    ) -> None:
        super().__init__(account, options)
        self.api = api
        self.page_id = page_id
        self.page_name = page_name
        self.backfill = backfill
        self.comment_window = comment_window

    def fetch_stream(self, stream: str, checkpoint: FacebookCheckpoint) -> Iterator[Delta]:
        match stream:
            case "posts":
                return self._posts(checkpoint)
            case "comments":
                return self._comments(checkpoint)
            case "deletions":
                return self._deletion_check("facebook", self._gone)
        raise ValueError(f"the Facebook connector has no stream {stream!r}")

    # -- streams -------------------------------------------------------------------
    def _posts(self, checkpoint: FacebookCheckpoint) -> Iterator[Delta]:
        started = self.options.now()
        since = checkpoint.posts_since or int((started - self.backfill).timestamp())
        newest = since
        for page in self._pages(self.page_id, "posts", since=since, fields=POST_FIELDS):
            observed = self.options.now()
            records = tuple(
                post_record(
                    post,
                    account=self.account,
                    page_id=self.page_id,
                    page_name=self.page_name,
                    observed_at=observed,
                )
                for post in page
            )
            created = {record.native_id: int(record.created_at.timestamp()) for record in records}
            newest = max([newest, *created.values()])
            # Remembered posts are in the checkpoint at once; the time advances at the end.
            checkpoint = replace(checkpoint, recent_posts={**checkpoint.recent_posts, **created})
            yield FetchDelta(records, checkpoint)
        yield FetchDelta((), replace(checkpoint, posts_since=newest))

    def _comments(self, checkpoint: FacebookCheckpoint) -> Iterator[Delta]:
        started = self.options.now()
        horizon = int((started - self.comment_window).timestamp())
        recent = {post: at for post, at in checkpoint.recent_posts.items() if at >= horizon}
        read_before = set(checkpoint.comments_read) & set(recent)
        for post_id in sorted(recent):
            # A post seen for the first time gets all its comments, whatever the cursor says.
            since = (checkpoint.comments_since or 0) if post_id in read_before else 0
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
                    observed = self.options.now()
                    yield FetchDelta(
                        tuple(
                            comment_record(
                                comment,
                                post_id=post_id,
                                account=self.account,
                                page_id=self.page_id,
                                observed_at=observed,
                            )
                            for comment in fresh
                        )
                    )
                    if len(fresh) < len(page):
                        break  # the rest is older than the cursor
            except NotFound:
                log.info(
                    "post %s of %s no longer exists; the deletion check handles it",
                    post_id,
                    self.account,
                )
        yield FetchDelta(
            (),
            replace(
                checkpoint,
                recent_posts=recent,
                # Comments created while we were paging are within the overlap of the next run.
                comments_since=int(started.timestamp()) - 60,
                comments_read=tuple(sorted(recent)),
            ),
        )

    def _gone(self, known: Sequence[KnownItem]) -> list[KnownItem]:
        """The known items that Facebook no longer lists; none unless every listing completed.

        Each post that owns a known item is asked for its comments: a post that no longer
        exists answers "does not exist", and then it and its comments are gone.
        """
        posts = sorted({_native(i.conversation_id) for i in known if i.conversation_id})
        listed: set[str] = set()
        for post_id in posts:
            try:
                for page in self._pages(post_id, "comments", filter="stream", fields="id"):
                    listed.update(comment["id"] for comment in page)
            except NotFound:
                continue
            listed.add(post_id)
        return [item for item in known if item.native_id not in listed]

    # -- helpers ---------------------------------------------------------------------
    def _pages(self, object_id: str, edge: str, **params: Any) -> Iterator[list[dict[str, Any]]]:
        after: str | None = None
        while True:
            query = {
                **params,
                "limit": self.options.page_size,
                **({"after": after} if after else {}),
            }
            answer = self._call(
                f"Facebook {edge} of {object_id}", self.api.edge, object_id, edge, **query
            )
            yield list(answer.get("data", []))
            paging = answer.get("paging", {})
            after = paging.get("cursors", {}).get("after")
            if not paging.get("next") or not after:
                return


def _native(record_id: str) -> str:
    """The platform's own id in a record id (``facebook:123_456`` → ``123_456``)."""
    return record_id.split(":", 1)[1]

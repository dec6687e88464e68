"""Graph API post and comment JSON → canonical records: plain functions, tested without any service.

How an item becomes a :class:`~schemas.records.Record`:

- the record id is ``facebook:`` and the Graph API id;
- a page post is a ``post`` written by the page (official), and starts its
  own conversation;
- a comment is a ``comment`` in its post's conversation; its parent is the
  comment it replies to (``parent.id``), or else the post; it is official
  only when the page itself wrote it;
- the Graph API gives no language, so ``lang`` is left to the pipeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from connectors.tombstones import parse_api_time
from schemas.records import Author, Kind, Record


def post_record(
    post: Mapping[str, Any],
    *,
    account: str,
    page_id: str,
    page_name: str,
    observed_at: datetime,
) -> Record:
    """The record of one post of the page ``page_id``, fetched for ``account``."""
    page = Author(id=page_id, handle=page_name, is_official=True)
    return _record(post, "post", account, page, observed_at)


def comment_record(
    comment: Mapping[str, Any],
    *,
    post_id: str,
    account: str,
    page_id: str,
    observed_at: datetime,
) -> Record:
    """The record of one comment (or reply to a comment) on the post ``post_id``."""
    writer = comment.get("from") or {}
    writer_id = str(writer.get("id") or "unknown")
    author = Author(id=writer_id, handle=writer.get("name"), is_official=writer_id == page_id)
    parent = (comment.get("parent") or {}).get("id") or post_id
    # Recorded as a post would be, but within its post's conversation, under its parent.
    return replace(
        _record(comment, "comment", account, author, observed_at),
        parent_id=Record.make_id("facebook", parent),
        conversation_id=Record.make_id("facebook", post_id),
        url=f"https://www.facebook.com/{post_id}?comment_id={comment['id']}",
    )


def _record(
    item: Mapping[str, Any], kind: Kind, account: str, author: Author, observed_at: datetime
) -> Record:
    """The record of an item that starts its own conversation (as a post does)."""
    native = item["id"]
    return Record(
        id=Record.make_id("facebook", native),
        platform="facebook",
        kind=kind,
        account=account,
        accounts=(account,),
        native_id=native,
        parent_id=None,
        conversation_id=Record.make_id("facebook", native),
        author=author,
        text=item.get("message", ""),
        lang=None,
        created_at=parse_api_time(item["created_time"]),
        observed_at=observed_at,
        url=f"https://www.facebook.com/{native}",
    )

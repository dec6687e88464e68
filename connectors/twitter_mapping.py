"""X API v2 tweet JSON → canonical records: plain functions, tested without any service.

How a tweet becomes a :class:`~schemas.records.Record`:

- the record id is ``x:`` and the *first* id of ``edit_history_tweet_ids``, so
  every version of an edited tweet is the same record (the newest wins
  downstream); ``url`` points to the version that was fetched;
- ``kind``: ``reply`` when it replies to a tweet, ``post`` when an official
  account wrote it and it is no reply, ``mention`` otherwise;
- ``accounts``: the account fetched for, plus every official account the
  tweet mentions or replies to;
- the author's handle comes from the answer's ``includes.users``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from connectors.tombstones import parse_api_time
from schemas.records import Author, Kind, Record


def user_handles(answer: Mapping[str, Any]) -> dict[str, str | None]:
    """User id → handle (``username``), from an answer's ``includes.users``."""
    users = answer.get("includes", {}).get("users", [])
    return {user["id"]: user.get("username") for user in users}


def tweet_record(
    tweet: Mapping[str, Any],
    *,
    account: str,
    official_ids: Mapping[str, str],
    handles: Mapping[str, str | None],
    observed_at: datetime,
) -> Record:
    """The record of one tweet, fetched for ``account``.

    ``official_ids`` maps the X user id of every official account to its key.
    """
    original_id = first_version_id(tweet)
    author_id = tweet["author_id"]
    replied_to = next(
        (ref["id"] for ref in tweet.get("referenced_tweets", []) if ref["type"] == "replied_to"),
        None,
    )
    mentioned = {mention.get("id") for mention in tweet.get("entities", {}).get("mentions", [])}
    involved = {account}
    involved.update(
        key
        for user_id, key in official_ids.items()
        if user_id in mentioned or user_id == tweet.get("in_reply_to_user_id")
    )
    kind: Kind
    if replied_to is not None:
        kind = "reply"
    elif author_id in official_ids:
        kind = "post"
    else:
        kind = "mention"
    return Record(
        id=Record.make_id("x", original_id),
        platform="x",
        kind=kind,
        account=account,
        accounts=tuple(sorted(involved)),
        native_id=original_id,
        parent_id=Record.make_id("x", replied_to) if replied_to else None,
        conversation_id=Record.make_id("x", tweet.get("conversation_id") or tweet["id"]),
        author=Author(
            id=author_id, handle=handles.get(author_id), is_official=author_id in official_ids
        ),
        text=tweet.get("text", ""),
        lang=tweet.get("lang"),
        created_at=parse_api_time(tweet["created_at"]),
        observed_at=observed_at,
        url=f"https://x.com/i/web/status/{tweet['id']}",
    )


def first_version_id(tweet: Mapping[str, Any]) -> str:
    """The id of the tweet's first version: an edit has a new id, its record does not."""
    history = tweet.get("edit_history_tweet_ids") or [tweet["id"]]
    return str(history[0])


def conversation_started_by(tweet: Mapping[str, Any], user_id: str) -> str | None:
    """The id of the conversation this tweet starts, if ``user_id`` wrote it; else None.

    Its replies are then searched for as long as recent search reaches back.
    """
    conversation = tweet.get("conversation_id") or tweet["id"]
    starts = conversation in (tweet["id"], first_version_id(tweet))
    return str(conversation) if starts and tweet["author_id"] == user_id else None

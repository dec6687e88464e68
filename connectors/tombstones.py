"""Records both platform connectors write the same way: tombstones, and API time stamps."""

from __future__ import annotations

from datetime import UTC, datetime

from connectors.base import KnownItem
from schemas.records import Author, Platform, Record


def tombstone(item: KnownItem, account: str, observed: datetime) -> Record:
    """A record saying the item has gone from the platform: no text, no author details.

    Downstream, a tombstone erases the stored text and what was detected in it.
    """
    platform: Platform = "x" if item.record_id.startswith("x:") else "facebook"
    return Record(
        id=item.record_id,
        platform=platform,
        kind=item.kind,
        account=account,
        accounts=(account,),
        native_id=item.native_id,
        parent_id=item.parent_id,
        conversation_id=item.conversation_id,
        author=Author(id="deleted", handle=None, is_official=False),
        text="",
        lang=None,
        created_at=item.created_at,
        observed_at=observed,
        url=None,
        deleted=True,
    )


def parse_api_time(value: str) -> datetime:
    """``2026-10-01T12:00:00.000Z`` (X) or ``2026-10-01T12:00:00+0000`` (Graph API), in UTC."""
    text = value.replace("Z", "+00:00")
    if len(text) >= 5 and text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"
    return datetime.fromisoformat(text).astimezone(UTC)

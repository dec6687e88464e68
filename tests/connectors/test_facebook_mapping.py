"""Graph API post and comment JSON → records: pure functions, no broker, no Beam, no HTTP."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from connectors.base import KnownItem
from connectors.facebook_mapping import comment_record, post_record
from connectors.tombstones import tombstone
from schemas.records import Record

PAGE_ID, PAGE_NAME = "880000000001", "Student Life"
POST = f"{PAGE_ID}_17"
OBSERVED = datetime(2026, 10, 2, 8, 0, tzinfo=UTC)


def post(**fields: Any) -> dict[str, Any]:
    """A page post as the Graph API returns it for ``id,message,created_time,from``."""
    return {
        "id": POST,
        "message": "Freshers' fair is on Monday.",
        "created_time": "2026-10-01T12:00:00+0000",
        "from": {"id": PAGE_ID, "name": PAGE_NAME},
        **fields,
    }


def comment(**fields: Any) -> dict[str, Any]:
    """A comment as returned with ``id,message,created_time,from{id,name},parent{id}``."""
    return {
        "id": "17_501",
        "message": "Where exactly?",
        "created_time": "2026-10-01T13:00:00+0000",
        "from": {"id": "1077", "name": "Some One"},
        **fields,
    }


def post_of(data: dict[str, Any]) -> Record:
    return post_record(
        data, account="uni_students", page_id=PAGE_ID, page_name=PAGE_NAME, observed_at=OBSERVED
    )


def comment_of(data: dict[str, Any]) -> Record:
    return comment_record(
        data, post_id=POST, account="uni_students", page_id=PAGE_ID, observed_at=OBSERVED
    )


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            post_of(post()),
            {
                "id": f"facebook:{POST}",
                "kind": "post",
                "native_id": POST,
                "parent_id": None,
                "conversation_id": f"facebook:{POST}",
                "url": f"https://www.facebook.com/{POST}",
            },
        ),
        (
            comment_of(comment()),
            {
                "id": "facebook:17_501",
                "kind": "comment",
                "native_id": "17_501",
                "parent_id": f"facebook:{POST}",
                "conversation_id": f"facebook:{POST}",
                "url": f"https://www.facebook.com/{POST}?comment_id=17_501",
            },
        ),
        (  # a reply to a comment: same conversation, the comment as parent
            comment_of(comment(id="17_502", parent={"id": "17_501"})),
            {
                "id": "facebook:17_502",
                "kind": "comment",
                "native_id": "17_502",
                "parent_id": "facebook:17_501",
                "conversation_id": f"facebook:{POST}",
                "url": f"https://www.facebook.com/{POST}?comment_id=17_502",
            },
        ),
        (
            comment_of(comment(parent=None)),
            {"parent_id": f"facebook:{POST}", "conversation_id": f"facebook:{POST}"},
        ),
    ],
    ids=["post", "comment", "reply-to-comment", "null-parent"],
)
def test_ids_kind_and_links(record: Record, expected: dict[str, Any]) -> None:
    assert {name: getattr(record, name) for name in expected} == expected
    assert (record.platform, record.account, record.accounts) == (
        "facebook",
        "uni_students",
        ("uni_students",),
    )


@pytest.mark.parametrize(
    ("record", "author"),
    [
        (post_of(post()), (PAGE_ID, PAGE_NAME, True)),
        (post_of(post(**{"from": {"id": "somebody"}})), (PAGE_ID, PAGE_NAME, True)),
        (comment_of(comment()), ("1077", "Some One", False)),
        (
            comment_of(comment(**{"from": {"id": PAGE_ID, "name": PAGE_NAME}})),
            (PAGE_ID, PAGE_NAME, True),
        ),
        (comment_of(comment(**{"from": None})), ("unknown", None, False)),
        (comment_of(comment(**{"from": {"id": 1077}})), ("1077", None, False)),
    ],
    ids=["post", "post-from-ignored", "comment", "page-answers", "no-author", "numeric-id"],
)
def test_author_and_whether_official(record: Record, author: tuple[Any, ...]) -> None:
    assert (record.author.id, record.author.handle, record.author.is_official) == author


@pytest.mark.parametrize(
    ("record", "text"),
    [
        (post_of(post()), "Freshers' fair is on Monday."),
        (post_of({k: v for k, v in post().items() if k != "message"}), ""),  # a photo-only post
        (comment_of(comment(message="")), ""),
    ],
)
def test_text_and_no_language(record: Record, text: str) -> None:
    assert (record.text, record.lang) == (text, None)


@pytest.mark.parametrize(
    ("created_time", "expected"),
    [
        ("2026-10-01T12:00:00+0000", datetime(2026, 10, 1, 12, 0, tzinfo=UTC)),
        ("2026-10-01T14:00:00+0200", datetime(2026, 10, 1, 12, 0, tzinfo=UTC)),
    ],
)
def test_times_are_utc(created_time: str, expected: datetime) -> None:
    for record in (
        post_of(post(created_time=created_time)),
        comment_of(comment(created_time=created_time)),
    ):
        assert record.created_at == expected
        assert record.observed_at == OBSERVED
        assert record.deleted is False


@pytest.mark.parametrize(
    ("item", "kind"),
    [
        (KnownItem(f"facebook:{POST}", POST, "post", OBSERVED, None, f"facebook:{POST}"), "post"),
        (
            KnownItem(
                "facebook:17_501",
                "17_501",
                "comment",
                OBSERVED,
                f"facebook:{POST}",
                f"facebook:{POST}",
            ),
            "comment",
        ),
    ],
)
def test_a_deleted_item_becomes_a_tombstone_without_text_or_author(
    item: KnownItem, kind: str
) -> None:
    record = tombstone(item, "uni_students", OBSERVED)
    assert (record.id, record.platform, record.kind, record.deleted) == (
        item.record_id,
        "facebook",
        kind,
        True,
    )
    assert (record.parent_id, record.conversation_id) == (item.parent_id, item.conversation_id)
    assert (record.text, record.url, record.author.id, record.author.handle) == (
        "",
        None,
        "deleted",
        None,
    )

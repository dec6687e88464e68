"""X API v2 tweet JSON → records: pure functions, no broker, no Beam, no HTTP."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from connectors.base import KnownItem
from connectors.tombstones import tombstone
from connectors.twitter_mapping import (
    conversation_started_by,
    first_version_id,
    tweet_record,
    user_handles,
)
from schemas.records import Record

MAIN, RESEARCH, FAN = "1500000001", "1500000002", "7700000001"
OFFICIAL = {MAIN: "uni_main", RESEARCH: "uni_research"}
OBSERVED = datetime(2026, 10, 2, 8, 0, tzinfo=UTC)
ROOT = "1840000000000000100"


def tweet(**fields: Any) -> dict[str, Any]:
    """A tweet as the API returns it with the connector's fields; ``fields`` override."""
    tweet_id = fields.get("id", ROOT)
    return {
        "id": tweet_id,
        "author_id": MAIN,
        "created_at": "2026-10-01T12:00:00.000Z",
        "text": "Open day on Saturday.",
        "conversation_id": ROOT,
        "edit_history_tweet_ids": [tweet_id],
        "lang": "en",
        **fields,
    }


def record_of(data: dict[str, Any], handles: dict[str, str | None] | None = None) -> Record:
    return tweet_record(
        data,
        account="uni_main",
        official_ids=OFFICIAL,
        handles=handles or {},
        observed_at=OBSERVED,
    )


def replying_to(tweet_id: str) -> list[dict[str, str]]:
    return [{"type": "replied_to", "id": tweet_id}]


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (tweet(), "post"),
        (tweet(author_id=RESEARCH), "post"),
        (tweet(id="2", author_id=FAN, referenced_tweets=replying_to(ROOT)), "reply"),
        (tweet(id="3", author_id=MAIN, referenced_tweets=replying_to("2")), "reply"),
        (tweet(id="4", author_id=FAN, entities={"mentions": [{"id": MAIN}]}), "mention"),
        (
            tweet(id="5", author_id=FAN, referenced_tweets=[{"type": "quoted", "id": ROOT}]),
            "mention",
        ),
    ],
    ids=["own-post", "other-official-post", "reply", "official-reply", "mention", "quote"],
)
def test_kind(data: dict[str, Any], kind: str) -> None:
    assert record_of(data).kind == kind


@pytest.mark.parametrize(
    ("data", "accounts"),
    [
        (tweet(), ("uni_main",)),
        (
            tweet(author_id=FAN, entities={"mentions": [{"id": RESEARCH}]}),
            ("uni_main", "uni_research"),
        ),
        (tweet(author_id=FAN, in_reply_to_user_id=RESEARCH), ("uni_main", "uni_research")),
        (tweet(author_id=FAN, entities={"mentions": [{"id": "999"}]}), ("uni_main",)),
        (tweet(author_id=FAN, entities={"mentions": [{"id": MAIN}]}), ("uni_main",)),
    ],
    ids=[
        "own",
        "mentions-another-official",
        "replies-to-another-official",
        "mentions-a-fan",
        "self",
    ],
)
def test_accounts_are_the_fetched_one_and_every_official_one_involved(
    data: dict[str, Any], accounts: tuple[str, ...]
) -> None:
    assert record_of(data).accounts == accounts


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            tweet(),
            {
                "id": f"x:{ROOT}",
                "native_id": ROOT,
                "parent_id": None,
                "conversation_id": f"x:{ROOT}",
                "url": f"https://x.com/i/web/status/{ROOT}",
            },
        ),
        (  # an edit: a new id, but the record of the first version, linking the newest
            tweet(id="1840000000000000900", edit_history_tweet_ids=[ROOT, "1840000000000000900"]),
            {
                "id": f"x:{ROOT}",
                "native_id": ROOT,
                "parent_id": None,
                "conversation_id": f"x:{ROOT}",
                "url": "https://x.com/i/web/status/1840000000000000900",
            },
        ),
        (
            tweet(id="7", author_id=FAN, conversation_id=ROOT, referenced_tweets=replying_to("6")),
            {
                "id": "x:7",
                "native_id": "7",
                "parent_id": "x:6",
                "conversation_id": f"x:{ROOT}",
                "url": "https://x.com/i/web/status/7",
            },
        ),
        (  # no conversation_id or edit history in the answer: the tweet's own id
            {**tweet(id="8"), "conversation_id": None, "edit_history_tweet_ids": None},
            {
                "id": "x:8",
                "native_id": "8",
                "parent_id": None,
                "conversation_id": "x:8",
                "url": "https://x.com/i/web/status/8",
            },
        ),
    ],
    ids=["post", "edited", "reply", "bare"],
)
def test_ids_and_links(data: dict[str, Any], expected: dict[str, Any]) -> None:
    record = record_of(data)
    assert {name: getattr(record, name) for name in expected} == expected
    assert record.platform == "x"
    assert record.account == "uni_main"


@pytest.mark.parametrize(
    ("author_id", "handles", "handle", "official"),
    [
        (MAIN, {MAIN: "UniOfficial"}, "UniOfficial", True),
        (RESEARCH, {RESEARCH: "UniResearch"}, "UniResearch", True),
        (FAN, {FAN: "someone"}, "someone", False),
        (FAN, {}, None, False),  # the user was not in includes.users
    ],
)
def test_author(
    author_id: str, handles: dict[str, str | None], handle: str | None, official: bool
) -> None:
    author = record_of(tweet(author_id=author_id), handles).author
    assert (author.id, author.handle, author.is_official) == (author_id, handle, official)


@pytest.mark.parametrize(
    ("fields", "text", "lang"),
    [
        ({}, "Open day on Saturday.", "en"),
        ({"text": "Hola", "lang": "es"}, "Hola", "es"),
        ({"lang": None}, "Open day on Saturday.", None),
    ],
)
def test_text_and_language_are_taken_as_given(
    fields: dict[str, Any], text: str, lang: str | None
) -> None:
    record = record_of(tweet(**fields))
    assert (record.text, record.lang) == (text, lang)


def test_a_tweet_without_text_has_empty_text() -> None:
    data = tweet()
    del data["text"], data["lang"]
    record = record_of(data)
    assert (record.text, record.lang) == ("", None)


def test_times_are_utc_and_a_fetched_tweet_is_not_deleted() -> None:
    record = record_of(tweet(created_at="2026-10-01T12:30:05.000Z"))
    assert record.created_at == datetime(2026, 10, 1, 12, 30, 5, tzinfo=UTC)
    assert record.observed_at == OBSERVED
    assert record.deleted is False


def test_a_deleted_tweet_becomes_a_tombstone_without_text_or_author() -> None:
    item = KnownItem("x:7", "7", "reply", datetime(2026, 10, 1, tzinfo=UTC), "x:6", f"x:{ROOT}")
    record = tombstone(item, "uni_main", OBSERVED)
    assert (record.id, record.platform, record.kind, record.deleted) == ("x:7", "x", "reply", True)
    assert (record.parent_id, record.conversation_id) == ("x:6", f"x:{ROOT}")
    assert (record.text, record.url, record.lang) == ("", None, None)
    assert (record.author.id, record.author.handle, record.author.is_official) == (
        "deleted",
        None,
        False,
    )


def test_handles_come_from_the_included_users() -> None:
    answer = {
        "data": [tweet()],
        "includes": {"users": [{"id": MAIN, "username": "UniOfficial"}, {"id": FAN}]},
    }
    assert user_handles(answer) == {MAIN: "UniOfficial", FAN: None}
    assert user_handles({"data": []}) == {}


@pytest.mark.parametrize(
    ("data", "started"),
    [
        (tweet(), ROOT),
        (
            tweet(id="1840000000000000900", edit_history_tweet_ids=[ROOT, "1840000000000000900"]),
            ROOT,
        ),
        (tweet(id="9", conversation_id="9", edit_history_tweet_ids=[ROOT, "9"]), "9"),
        (tweet(id="3", conversation_id=ROOT, referenced_tweets=replying_to(ROOT)), None),
        (tweet(author_id=RESEARCH), None),  # another official account's conversation
        (tweet(author_id=FAN), None),
    ],
    ids=[
        "own-post",
        "own-edited-post",
        "edit-keeping-new-id",
        "own-reply",
        "other-official",
        "fan",
    ],
)
def test_conversations_the_account_starts(data: dict[str, Any], started: str | None) -> None:
    assert conversation_started_by(data, MAIN) == started


def test_first_version_id() -> None:
    assert first_version_id(tweet(id="2", edit_history_tweet_ids=["1", "2"])) == "1"
    assert first_version_id({"id": "5"}) == "5"

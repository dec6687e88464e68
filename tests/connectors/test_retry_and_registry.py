"""Retries, rate-limit waits, the connector registry and small mapping helpers (no services)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from connectors.config import ConnectorSettings, RetrySettings
from connectors.errors import AccessDenied, RateLimited, TransientError
from connectors.http import Retrier
from connectors.registry import (
    AccountRef,
    ConnectorContext,
    UnavailableConnector,
    UnknownConnector,
    build_connectors,
)
from connectors.tombstones import parse_api_time
from connectors.twitter import MAX_QUERY_LENGTH, TwitterConnector, _query_groups


class Flaky:
    """Fails with the given errors, then answers."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "answer"


def retrier(**settings: float) -> tuple[Retrier, list[float]]:
    pauses: list[float] = []
    return Retrier(RetrySettings(**settings), sleep=pauses.append, rng=random.Random(1)), pauses


def test_transient_errors_are_retried_with_growing_jittered_delays() -> None:
    runner, pauses = retrier(base_delay_s=1.0, max_delay_s=30.0, max_attempts=5)
    call = Flaky(*(TransientError("503") for _ in range(4)))

    assert runner.call("test", call) == "answer"

    assert call.calls == 5
    for attempt, pause in enumerate(pauses):
        assert 0.5 * 2**attempt <= pause <= 2**attempt  # half to full of the doubled delay
    assert len(set(pauses)) == 4


def test_retries_are_bounded() -> None:
    runner, pauses = retrier(max_attempts=3)

    with pytest.raises(TransientError, match="gave up after 3 tries"):
        runner.call("test", Flaky(*(TransientError("500") for _ in range(5))))
    assert len(pauses) == 2


def test_a_short_rate_limit_is_waited_out_and_a_long_one_is_raised() -> None:
    runner, pauses = retrier(max_rate_limit_wait_s=60)
    assert runner.call("test", Flaky(RateLimited("429", 12.0))) == "answer"
    assert pauses == [12.0]

    with pytest.raises(RateLimited):
        runner.call("test", Flaky(RateLimited("429", 900.0)))
    with pytest.raises(RateLimited):
        runner.call("test", Flaky(RateLimited("429", None)))  # no reset time: do not guess


def test_access_denied_is_not_retried() -> None:
    runner, pauses = retrier()
    call = Flaky(AccessDenied("401"))
    with pytest.raises(AccessDenied):
        runner.call("test", call)
    assert (call.calls, pauses) == (1, [])


ACCOUNTS = (
    AccountRef("uni_main", "x", "1500000001", "UniOfficial"),
    AccountRef("uni_students", "facebook", "880000000001", "Student Life"),
)


def test_unknown_connector_names_the_known_ones() -> None:
    context = ConnectorContext(ACCOUNTS, ConnectorSettings())
    with pytest.raises(UnknownConnector, match="known: facebook, replay, twitter"):
        build_connectors(["twitter", "mastodon"], context)


def test_an_account_without_a_token_is_reported_not_covered() -> None:
    settings = ConnectorSettings(twitter={"account_tokens": {"uni_main": "t"}})  # type: ignore[arg-type]
    built = build_connectors(["twitter", "facebook"], ConnectorContext(ACCOUNTS, settings))

    assert isinstance(built[0], TwitterConnector)
    assert isinstance(built[1], UnavailableConnector)
    assert list(built[1].fetch(None)) == []
    coverage = built[1].coverage()
    assert {row.stream for row in coverage} == {"posts", "comments", "deletions"}
    assert {row.status for row in coverage} == {"not_covered"}
    assert "PAGE_TOKENS" in (coverage[0].reason or "")


def test_an_x_account_without_a_token_reports_the_x_streams() -> None:
    built = build_connectors(["twitter"], ConnectorContext(ACCOUNTS, ConnectorSettings()))

    assert [row.stream for row in built[0].coverage()] == list(TwitterConnector.streams)
    assert {row.status for row in built[0].coverage()} == {"not_covered"}
    assert "BEARER_TOKEN" in (built[0].coverage()[0].reason or "")


def test_secret_tokens_do_not_show_in_reprs() -> None:
    settings = ConnectorSettings(twitter={"bearer_token": "very-secret"})  # type: ignore[arg-type]
    assert "very-secret" not in repr(settings) and "very-secret" not in str(settings)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-10-01T12:30:05.000Z", datetime(2026, 10, 1, 12, 30, 5, tzinfo=UTC)),
        ("2026-10-01T12:30:05+0000", datetime(2026, 10, 1, 12, 30, 5, tzinfo=UTC)),
        ("2026-10-01T14:30:05+0200", datetime(2026, 10, 1, 12, 30, 5, tzinfo=UTC)),
    ],
)
def test_api_times_are_read_in_utc(value: str, expected: datetime) -> None:
    assert parse_api_time(value) == expected


def test_conversation_queries_stay_within_the_length_limit_and_cover_every_id() -> None:
    conversations = [str(1840000000000000000 + n) for n in range(100)]
    groups = list(_query_groups(conversations))

    assert [c for group in groups for c in group] == conversations
    for group in groups:
        assert len(" OR ".join(f"conversation_id:{c}" for c in group)) <= MAX_QUERY_LENGTH
    # 35 characters for the first term, 39 for each further one: 13 fit in 512.
    assert [len(group) for group in groups] == [13] * 7 + [9]

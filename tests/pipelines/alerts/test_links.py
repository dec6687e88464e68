"""Signed email links: they open one alert as one recipient until they expire, and nothing
else — a changed character, another alert, another key or a later time is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from pipelines.alerts.links import LinkError, LinkExpired, LinkSigner, signer_from_settings

KEY = b"k" * 40
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
ALERT = "a" * 64
SIGNER = LinkSigner(KEY, "https://review.university.example/", timedelta(hours=72))


def token_of(url: str) -> str:
    return unquote(parse_qs(urlsplit(url).query)["t"][0])


def test_a_link_opens_its_alert_as_its_recipient_until_it_expires() -> None:
    url = SIGNER.url(ALERT, "Owner@University.example", NOW, action="acknowledge")

    assert url.startswith(f"https://review.university.example/alerts/{ALERT}?t=")
    assert parse_qs(urlsplit(url).query)["do"] == ["acknowledge"]
    claim = SIGNER.verify(token_of(url), ALERT, NOW + timedelta(hours=71))
    assert claim.recipient == "owner@university.example"
    assert claim.expires_at == NOW + timedelta(hours=72)
    with pytest.raises(LinkExpired, match="expired"):
        SIGNER.verify(token_of(url), ALERT, NOW + timedelta(hours=72))


@pytest.mark.parametrize("position", [0, 5, 20, -10, -1])
def test_a_changed_character_anywhere_is_refused(position: int) -> None:
    token = SIGNER.token(ALERT, "owner@university.example", NOW)
    changed = token[position]
    replacement = "A" if changed != "A" else "B"
    forged = (
        token[:position] + replacement + token[position + 1 :]
        if position != -1
        else (token[:-1] + replacement)
    )

    with pytest.raises(LinkError):
        SIGNER.verify(forged, ALERT, NOW)


@pytest.mark.parametrize(
    "token",
    ["", "no-dot", "abc.", ".abc", "a.b.c"],
)
def test_malformed_tokens_are_refused_not_crashing(token: str) -> None:
    with pytest.raises(LinkError):
        SIGNER.verify(token, ALERT, NOW)


def test_a_link_for_one_alert_does_not_open_another() -> None:
    token = SIGNER.token(ALERT, "owner@university.example", NOW)
    with pytest.raises(LinkError, match="another alert"):
        SIGNER.verify(token, "b" * 64, NOW)


def test_another_deployments_key_does_not_verify() -> None:
    other = LinkSigner(b"z" * 40, "https://review.university.example", timedelta(hours=72))
    token = other.token(ALERT, "owner@university.example", NOW)
    with pytest.raises(LinkError, match="not genuine"):
        SIGNER.verify(token, ALERT, NOW)


def test_signed_values_are_bound_to_their_purpose() -> None:
    cookie = SIGNER.sign("owner@university.example", "session")
    assert SIGNER.unsign(cookie, "session") == "owner@university.example"
    assert SIGNER.unsign(cookie, "csrf") is None
    assert SIGNER.unsign(cookie[:-2] + "xx", "session") is None


def test_short_keys_are_refused_and_no_key_means_no_links() -> None:
    with pytest.raises(LinkError, match="at least 32"):
        LinkSigner(b"short", "https://x.example", timedelta(hours=1))
    assert signer_from_settings(None, "https://x.example", 1) is None
    made = signer_from_settings("k" * 32, "https://x.example", 1)
    assert made is not None and made.lifetime == timedelta(hours=1)

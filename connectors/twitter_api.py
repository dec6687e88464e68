"""The raw X API v2 client: tweepy's ``Client``, pointed at the configured host.

Only this module talks to tweepy. It returns the API's JSON as dicts and
turns tweepy's exceptions into ours: 401/403 → ``AccessDenied``, 429 →
``RateLimited`` (with the wait until ``x-rate-limit-reset``), 5xx and
network failures → ``TransientError``, 404 → ``NotFound``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import tweepy

from connectors.errors import AccessDenied, ConnectorError, NotFound, RateLimited, TransientError
from connectors.http import RebasedSession

TWITTER_API_HOST = "https://api.twitter.com"
TWEET_FIELDS = [
    "author_id",
    "created_at",
    "conversation_id",
    "in_reply_to_user_id",
    "referenced_tweets",
    "edit_history_tweet_ids",
    "entities",
    "lang",
]
EXPANSIONS = ["author_id", "referenced_tweets.id"]
USER_FIELDS = ["username"]

# tweepy logs request headers (the bearer token) at DEBUG; urllib3 logs URLs with
# their query. Neither may reach our logs, whatever level the operator chooses.
logging.getLogger("tweepy").setLevel(logging.INFO)
logging.getLogger("urllib3").setLevel(logging.INFO)


class TwitterApi:
    """Calls the four endpoints the X connector needs; answers are the API's JSON."""

    def __init__(self, bearer_token: str, base_url: str, timeout_s: float) -> None:
        self.client = tweepy.Client(bearer_token=bearer_token, return_type=dict)
        self.session = RebasedSession(TWITTER_API_HOST, base_url, timeout_s)
        self.client.session = self.session

    def user_tweets(self, user_id: str, **page: Any) -> dict[str, Any]:
        """``GET /2/users/:id/tweets`` (retweets excluded)."""
        return self._tweets(self.client.get_users_tweets, user_id, exclude=["retweets"], **page)

    def mentions(self, user_id: str, **page: Any) -> dict[str, Any]:
        """``GET /2/users/:id/mentions``."""
        return self._tweets(self.client.get_users_mentions, user_id, **page)

    def search_recent(self, query: str, **page: Any) -> dict[str, Any]:
        """``GET /2/tweets/search/recent``."""
        return self._tweets(self.client.search_recent_tweets, query, **page)

    def lookup(self, ids: Sequence[str]) -> dict[str, Any]:
        """``GET /2/tweets?ids=``: found tweets in ``data``, missing ones in ``errors``."""
        return self._call(lambda: self.client.get_tweets(list(ids), tweet_fields=["created_at"]))

    def _tweets(self, method: Callable[..., Any], subject: str, **params: Any) -> dict[str, Any]:
        """A page of tweets with the fields and expansions the records are built from."""
        return self._call(
            lambda: method(
                subject,
                tweet_fields=TWEET_FIELDS,
                expansions=EXPANSIONS,
                user_fields=USER_FIELDS,
                **params,
            )
        )

    def _call(self, request: Callable[[], Any]) -> dict[str, Any]:
        try:
            answer = request()
        except tweepy.TooManyRequests as error:
            reset = error.response.headers.get("x-rate-limit-reset")
            wait = max(0.0, int(reset) - time.time()) + 1 if reset and reset.isdigit() else None
            raise RateLimited("X API rate limit (429)", wait) from None
        except (tweepy.Unauthorized, tweepy.Forbidden) as error:
            raise AccessDenied(_describe(error)) from None
        except tweepy.NotFound as error:
            raise NotFound(_describe(error)) from None
        except tweepy.TwitterServerError as error:
            raise TransientError(_describe(error)) from None
        except tweepy.HTTPException as error:
            raise ConnectorError(_describe(error)) from None
        if not isinstance(answer, dict):
            raise ConnectorError(f"unexpected X API answer of type {type(answer).__name__}")
        return answer


def _describe(error: tweepy.HTTPException) -> str:
    """Status and the API's own problem title; never the request (it holds the token)."""
    status = error.response.status_code
    titles = ", ".join(str(message) for message in error.api_messages) or error.response.reason
    return f"X API {status}: {titles}"

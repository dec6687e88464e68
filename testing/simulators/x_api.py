"""The X API v2 endpoints the X connector uses, served from a ``World``.

Wire format as documented for v2: ``data`` / ``includes`` / ``meta`` with
``newest_id``, ``oldest_id``, ``result_count`` and ``next_token``; only the
tweet fields asked for (``id``, ``text`` and ``edit_history_tweet_ids`` by
default); ``since_id`` / ``until_id``; problem-JSON errors for 400, 401, 403
and 429; and the ``x-rate-limit-*`` headers on every answer. Tokens are
bearer tokens the simulator knows; one can be expired or revoked.

Endpoints: ``GET /2/users/:id/tweets``, ``GET /2/users/:id/mentions``,
``GET /2/tweets/search/recent`` (``conversation_id:N`` terms joined by OR)
and ``GET /2/tweets?ids=`` (lookup; missing tweets come back as errors).
"""

from __future__ import annotations

import bisect
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from testing.simulators.server import Reply, Request
from testing.simulators.world import RECENT_SEARCH_WINDOW, Tweet, World

_DEFAULT_FIELDS = ("id", "text", "edit_history_tweet_ids")
_USER_PATH = re.compile(r"^/2/users/(\d+)/(tweets|mentions)$")
_CONVERSATION_TERM = re.compile(r"conversation_id:(\d+)")


@dataclass
class RateLimit:
    """A request budget per token and endpoint per window."""

    limit: int
    window_s: float


class XApiSimulator:
    """A route for ``SimulatorServer`` that answers like api.twitter.com/2."""

    def __init__(self, world: World, tokens: Iterable[str]) -> None:
        self.world = world
        self.tokens: dict[str, str] = {token: "valid" for token in tokens}
        self.limits: dict[str, RateLimit] = {}
        self._used: dict[tuple[str, str], tuple[float, int]] = {}
        self._lock = threading.Lock()

    def expire(self, token: str) -> None:
        """The token stops working (401), as an expired or regenerated token does."""
        self.tokens[token] = "expired"

    def revoke(self, token: str) -> None:
        """The app loses access (403)."""
        self.tokens[token] = "forbidden"

    def limit(self, endpoint: str, limit: int, window_s: float) -> None:
        """Limit ``endpoint`` (``timeline``, ``mentions``, ``search`` or ``lookup``)."""
        self.limits[endpoint] = RateLimit(limit, window_s)

    def __call__(self, request: Request) -> Reply:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        status = self.tokens.get(token)
        if status != "valid":
            if status == "forbidden":
                return _problem(403, "Forbidden", "This app is not permitted to use this endpoint")
            return _problem(401, "Unauthorized", "Unauthorized")
        endpoint, handler = self._route(request.path)
        if handler is None:
            return _problem(404, "Not Found Error", f"no route {request.path}")
        allowed, headers = self._budget(token, endpoint)
        if not allowed:
            return Reply(
                429,
                {
                    "title": "Too Many Requests",
                    "detail": "Too Many Requests",
                    "type": "about:blank",
                    "status": 429,
                },
                headers,
            )
        try:
            reply = handler(request)
        except _BadRequest as error:
            return _problem(400, "Invalid Request", str(error))
        reply.headers.update(headers)
        return reply

    def _route(self, path: str) -> tuple[str, Callable[[Request], Reply] | None]:
        match = _USER_PATH.match(path)
        if match:
            user_id, edge = match.groups()
            if edge == "tweets":
                return "timeline", lambda r: self._timeline(r, ("author", user_id))
            return "mentions", lambda r: self._timeline(r, ("mention", user_id))
        if path == "/2/tweets/search/recent":
            return "search", self._search
        if path == "/2/tweets":
            return "lookup", self._lookup
        return "", None

    def _budget(self, token: str, endpoint: str) -> tuple[bool, dict[str, str]]:
        rule = self.limits.get(endpoint, RateLimit(100_000, 900))
        now = time.time()
        with self._lock:
            start, used = self._used.get((token, endpoint), (now, 0))
            if now - start >= rule.window_s:
                start, used = now, 0
            allowed = used < rule.limit
            used += 1 if allowed else 0
            self._used[(token, endpoint)] = (start, used)
        headers = {
            "x-rate-limit-limit": str(rule.limit),
            "x-rate-limit-remaining": str(max(rule.limit - used, 0)),
            "x-rate-limit-reset": str(int(start + rule.window_s) + 1),
        }
        return allowed, headers

    # -- endpoints -------------------------------------------------------------------
    def _timeline(self, request: Request, key: tuple[str, str]) -> Reply:
        maximum = _int_param(request, "max_results", 10, 5, 100)
        return self._page(request, self.world.indexed(key), maximum, "pagination_token")

    def _search(self, request: Request) -> Reply:
        query = request.params.get("query", "")
        if not query or len(query) > 512:
            raise _BadRequest("query must be 1 to 512 characters")
        conversations = {int(value) for value in _CONVERSATION_TERM.findall(query)}
        if not conversations:
            raise _BadRequest("the simulator only supports conversation_id: queries")
        maximum = _int_param(request, "max_results", 10, 10, 100)
        ids = sorted(
            tweet_id
            for conversation in conversations
            for tweet_id in self.world.indexed(("conversation", str(conversation)))
        )
        oldest = self.world.clock() - RECENT_SEARCH_WINDOW
        return self._page(request, ids, maximum, "next_token", lambda t: t.created_at >= oldest)

    def _lookup(self, request: Request) -> Reply:
        ids = [value for value in request.params.get("ids", "").split(",") if value]
        if not 1 <= len(ids) <= 100:
            raise _BadRequest("ids must name 1 to 100 tweets")
        fields = _fields(request)
        found, errors = [], []
        with self.world.lock:
            for value in ids:
                tweet = self.world.tweets.get(int(value)) if value.isdigit() else None
                if tweet is None or tweet.deleted:
                    errors.append(_not_found(value))
                else:
                    found.append(_tweet_json(tweet, fields))
        body: dict[str, Any] = {}
        if found:
            body["data"] = found
        if errors:
            body["errors"] = errors
        return Reply(200, body)

    def _page(
        self,
        request: Request,
        ids: list[int],
        maximum: int,
        token_name: str,
        keep: Callable[[Tweet], bool] = lambda tweet: True,
    ) -> Reply:
        """Newest first, between ``since_id`` and ``until_id``, from the page token down."""
        since_id = _int_or_none(request.params.get("since_id")) or 0
        until_id = _int_or_none(request.params.get("until_id"))
        token = request.params.get(token_name)
        top = min(
            until_id - 1 if until_id is not None else ids[-1] if ids else 0,
            int(token, 36) if token else 2**63,
        )
        selected: list[Tweet] = []
        with self.world.lock:
            for position in range(bisect.bisect_right(ids, top) - 1, -1, -1):
                if ids[position] <= since_id or len(selected) > maximum:
                    break
                tweet = self.world.tweets[ids[position]]
                if not tweet.deleted and not tweet.superseded and keep(tweet):
                    selected.append(tweet)
        page, rest = selected[:maximum], selected[maximum:]
        if not page:
            return Reply(200, {"meta": {"result_count": 0}})
        fields = _fields(request)
        meta: dict[str, Any] = {
            "result_count": len(page),
            "newest_id": str(page[0].id),
            "oldest_id": str(page[-1].id),
        }
        if rest:
            meta["next_token"] = _base36(rest[0].id)
        body: dict[str, Any] = {"data": [_tweet_json(t, fields) for t in page], "meta": meta}
        includes = self._includes(request, page)
        if includes:
            body["includes"] = includes
        return Reply(200, body)

    def _includes(self, request: Request, page: list[Tweet]) -> dict[str, Any]:
        expansions = set(request.params.get("expansions", "").split(","))
        includes: dict[str, Any] = {}
        with self.world.lock:
            if "author_id" in expansions:
                authors = {t.author_id for t in page}
                includes["users"] = [
                    {"id": u.id, "name": u.name, "username": u.username}
                    for u in (self.world.users.get(a) for a in sorted(authors))
                    if u is not None
                ]
            if "referenced_tweets.id" in expansions:
                referenced = [
                    self.world.tweets[t.replied_to]
                    for t in page
                    if t.replied_to is not None and t.replied_to in self.world.tweets
                ]
                fields = _fields(request)
                includes["tweets"] = [_tweet_json(t, fields) for t in referenced if not t.deleted]
        return {key: value for key, value in includes.items() if value}


class _BadRequest(Exception):
    pass


def _tweet_json(tweet: Tweet, fields: set[str]) -> dict[str, Any]:
    full: dict[str, Any] = {
        "id": str(tweet.id),
        "text": tweet.text,
        "edit_history_tweet_ids": [str(version) for version in tweet.edit_history],
        "author_id": tweet.author_id,
        "created_at": tweet.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "conversation_id": str(tweet.conversation_id),
        "lang": tweet.lang,
    }
    if tweet.in_reply_to_user_id:
        full["in_reply_to_user_id"] = tweet.in_reply_to_user_id
    if tweet.replied_to is not None:
        full["referenced_tweets"] = [{"type": "replied_to", "id": str(tweet.replied_to)}]
    if tweet.mentions:
        full["entities"] = {"mentions": [{"id": user_id} for user_id in tweet.mentions]}
    return {key: value for key, value in full.items() if key in fields}


def _fields(request: Request) -> set[str]:
    asked = {value for value in request.params.get("tweet.fields", "").split(",") if value}
    return asked | set(_DEFAULT_FIELDS)


def _problem(status: int, title: str, detail: str) -> Reply:
    return Reply(
        status, {"title": title, "detail": detail, "type": "about:blank", "status": status}
    )


def _not_found(value: str) -> dict[str, str]:
    return {
        "value": value,
        "detail": f"Could not find tweet with ids: [{value}].",
        "title": "Not Found Error",
        "resource_type": "tweet",
        "parameter": "ids",
        "resource_id": value,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.params.get(name)
    value = int(raw) if raw and raw.isdigit() else default
    if not low <= value <= high:
        raise _BadRequest(f"{name} must be between {low} and {high}")
    return value


def _int_or_none(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while number:
        number, remainder = divmod(number, 36)
        text = digits[remainder] + text
    return text or "0"

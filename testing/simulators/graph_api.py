"""The Graph API endpoints the Facebook connector uses, served from a ``World``.

Wire format as documented: ``/{version}/{page-id}/posts`` and
``/{version}/{object-id}/comments`` (``filter=stream|toplevel``,
``order=chronological|reverse_chronological``, ``since``, ``limit``,
``after``) answer ``{"data": [...], "paging": {"cursors": {...}, "next": ...}}``;
errors are ``{"error": {"message", "type", "code", "error_subcode",
"is_transient", "fbtrace_id"}}``; every answer carries ``X-App-Usage`` and
``X-Business-Use-Case-Usage``. Page access tokens are bound to their page.
``/{version}/debug_token?input_token=T`` says whether a token is valid and when it expires
(``expires_at`` in Unix seconds, 0 for never; set per token with ``expire_at``).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from testing.simulators.server import Reply, Request
from testing.simulators.world import FacebookComment, FacebookPost, World

_PATH = re.compile(r"^/(v\d+\.\d+)/([0-9_]+)(?:/(posts|comments))?$")
_DEBUG_TOKEN = re.compile(r"^/v\d+\.\d+/debug_token$")


class GraphApiSimulator:
    """A route for ``SimulatorServer`` that answers like graph.facebook.com."""

    def __init__(self, world: World, page_tokens: dict[str, str]) -> None:
        self.world = world
        #: token -> page id it was issued for
        self.page_tokens = dict(page_tokens)
        self.expired: set[str] = set()
        #: token -> when it expires (absent: never), as debug_token reports it
        self.expires_at: dict[str, datetime] = {}
        #: percentage reported in X-App-Usage (call_count), settable by tests
        self.app_usage = 5
        self.base_url = "http://127.0.0.1"
        self._lock = threading.Lock()

    def expire(self, token: str) -> None:
        """The token stops working (code 190, subcode 463)."""
        self.expired.add(token)

    def expire_at(self, token: str, moment: datetime | None) -> None:
        """debug_token says the token expires at ``moment`` (None: never)."""
        if moment is None:
            self.expires_at.pop(token, None)
        else:
            self.expires_at[token] = moment

    def __call__(self, request: Request) -> Reply:
        reply = self._answer(request)
        reply.headers.setdefault(
            "X-App-Usage",
            json.dumps({"call_count": self.app_usage, "total_cputime": 1, "total_time": 1}),
        )
        return reply

    def _answer(self, request: Request) -> Reply:
        if _DEBUG_TOKEN.match(request.path):
            return self._debug_token(request)
        match = _PATH.match(request.path)
        if not match:
            return graph_error(400, 100, "Unknown path components", "OAuthException")
        version, object_id, edge = match.groups()
        token = request.params.get("access_token", "")
        page_id = self.page_tokens.get(token)
        if page_id is None:
            return graph_error(400, 190, "Invalid OAuth access token.", "OAuthException")
        if token in self.expired:
            return graph_error(
                400,
                190,
                "Error validating access token: Session has expired.",
                "OAuthException",
                subcode=463,
            )
        if not object_id.startswith(page_id):
            return graph_error(
                400, 10, "(#10) This endpoint requires the page's own token", "OAuthException"
            )
        try:
            if edge == "posts":
                return self._posts(request, version, object_id)
            if edge == "comments":
                return self._comments(request, version, object_id)
            return self._object(object_id)
        except ValueError as error:
            return graph_error(400, 100, f"(#100) {error}", "OAuthException")

    def _debug_token(self, request: Request) -> Reply:
        caller = request.params.get("access_token", "")
        if caller not in self.page_tokens:
            return graph_error(400, 190, "Invalid OAuth access token.", "OAuthException")
        if caller in self.expired:
            return graph_error(
                400,
                190,
                "Error validating access token: Session has expired.",
                "OAuthException",
                subcode=463,
            )
        token = request.params.get("input_token", "")
        page_id = self.page_tokens.get(token)
        if page_id is None or token in self.expired:
            return Reply(
                200,
                {
                    "data": {
                        "error": {"code": 190, "message": "The access token is not valid."},
                        "is_valid": False,
                        "scopes": [],
                    }
                },
            )
        expires = self.expires_at.get(token)
        return Reply(
            200,
            {
                "data": {
                    "app_id": "1000000000001",
                    "type": "PAGE",
                    "application": "social-monitor (simulated)",
                    "expires_at": int(expires.timestamp()) if expires else 0,
                    "is_valid": True,
                    "profile_id": page_id,
                    "scopes": ["pages_read_engagement", "pages_read_user_content"],
                }
            },
        )

    def _posts(self, request: Request, version: str, page_id: str) -> Reply:
        since = _time_param(request.params.get("since"))
        with self.world.lock:
            posts = sorted(
                (
                    p
                    for p in self.world.posts.values()
                    if p.page_id == page_id and not p.deleted and p.created_time >= since
                ),
                key=lambda p: (p.created_time, p.id),
                reverse=True,
            )
        return self._paged(request, version, f"{page_id}/posts", [_post_json(p) for p in posts])

    def _comments(self, request: Request, version: str, object_id: str) -> Reply:
        with self.world.lock:
            post = self.world.posts.get(object_id)
            if post is None or post.deleted:
                raise ValueError(f"Object with ID '{object_id}' does not exist")
            stream = request.params.get("filter", "toplevel") == "stream"
            since = _time_param(request.params.get("since"))
            comments = [
                c
                for c in map(
                    self.world.comments.get, self.world.comments_by_post.get(object_id, [])
                )
                if c is not None
                and not c.deleted
                and (stream or c.parent_id is None)
                and c.created_time >= since
                and not self._parent_deleted(c)
            ]
        comments.sort(key=lambda c: (c.created_time, c.id))
        if request.params.get("order") == "reverse_chronological":
            comments.reverse()
        return self._paged(
            request, version, f"{object_id}/comments", [_comment_json(c) for c in comments]
        )

    def _parent_deleted(self, comment: FacebookComment) -> bool:
        parent = self.world.comments.get(comment.parent_id) if comment.parent_id else None
        return parent is not None and parent.deleted

    def _object(self, object_id: str) -> Reply:
        with self.world.lock:
            post = self.world.posts.get(object_id)
            if post is None or post.deleted:
                raise ValueError(f"Object with ID '{object_id}' does not exist")
            return Reply(200, _post_json(post))

    def _paged(
        self, request: Request, version: str, path: str, items: Sequence[dict[str, Any]]
    ) -> Reply:
        limit = int(request.params.get("limit", "25"))
        if not 1 <= limit <= 100:
            raise ValueError("limit must be between 1 and 100")
        start = int(request.params["after"], 16) if request.params.get("after") else 0
        page = list(items[start : start + limit])
        body: dict[str, Any] = {"data": page}
        if page:
            after = format(start + len(page), "x")
            paging: dict[str, Any] = {"cursors": {"before": format(start, "x"), "after": after}}
            if start + len(page) < len(items):
                query = {k: v for k, v in request.params.items() if k != "after"}
                paging["next"] = (
                    f"{self.base_url}/{version}/{path}?{urlencode({**query, 'after': after})}"
                )
            body["paging"] = paging
        return Reply(200, body)


def graph_error(
    status: int,
    code: int,
    message: str,
    error_type: str,
    *,
    subcode: int | None = None,
    transient: bool = False,
    headers: dict[str, str] | None = None,
) -> Reply:
    """An error answer in the Graph API's shape."""
    error: dict[str, Any] = {
        "message": message,
        "type": error_type,
        "code": code,
        "is_transient": transient,
        "fbtrace_id": "AsimulatedTrace",
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return Reply(status, {"error": error}, dict(headers or {}))


def _post_json(post: FacebookPost) -> dict[str, Any]:
    return {
        "id": post.id,
        "message": post.message,
        "created_time": _graph_time(post.created_time),
        "from": {"id": post.page_id},
    }


def _comment_json(comment: FacebookComment) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": comment.id,
        "message": comment.message,
        "created_time": _graph_time(comment.created_time),
        "from": {"id": comment.from_id, "name": comment.from_name},
    }
    if comment.parent_id:
        body["parent"] = {"id": comment.parent_id}
    return body


def _graph_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _time_param(raw: str | None) -> datetime:
    if not raw:
        return datetime.min.replace(tzinfo=UTC)
    if raw.isdigit():
        return datetime.fromtimestamp(int(raw), UTC)
    return datetime.fromisoformat(raw.replace("Z", "+00:00"))

"""Where the Facebook connector resumes: times per stream, and the page's recent posts.

Stored as JSON, for example::

    {"posts_since": 1790000000, "comments_since": 1790003540,
     "recent_posts": {"880000000001_17": 1789990000}, "comments_read": ["880000000001_17"]}

Times are Unix seconds, inclusive: Graph API times have one-second
resolution, so a few items are fetched twice, which record ids make
harmless.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from connectors.checkpoint import Checkpoint


@dataclass(frozen=True, slots=True)
class FacebookCheckpoint(Checkpoint):
    """The Facebook connector's cursor for one page."""

    #: Posts created at or after this time are new (None: go back the backfill window).
    posts_since: int | None = None
    #: Comments created at or after this time are new, on posts whose comments were read.
    comments_since: int | None = None
    #: Posts whose comments are still followed, by native id, with their creation time.
    recent_posts: Mapping[str, int] = field(default_factory=dict)
    #: Posts whose comments were read completely once (the others get all their comments).
    comments_read: tuple[str, ...] = ()

"""The simulated platforms' state: users, pages, posts, replies, comments, edits and deletions.

Both API simulators serve from one ``World``. Everything is invented. Ids grow
with creation time, as on X (snowflake ids) and as ``since_id`` needs, so
activity must be added in time order; ``seed`` builds a past week of
activity in that order, and live additions are stamped with the current time.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial

#: The X API's recent search covers the last seven days.
RECENT_SEARCH_WINDOW = timedelta(days=7)


@dataclass
class XUser:
    """An X account."""

    id: str
    username: str
    name: str


@dataclass
class Tweet:
    """One version of a post on X. An edit adds a new version with a new id."""

    id: int
    author_id: str
    text: str
    created_at: datetime
    conversation_id: int
    in_reply_to_user_id: str | None = None
    replied_to: int | None = None
    mentions: tuple[str, ...] = ()
    edit_history: list[int] = field(default_factory=list)
    lang: str = "en"
    deleted: bool = False
    superseded: bool = False


@dataclass
class FacebookPost:
    """A post on a Facebook page, by the page."""

    id: str
    page_id: str
    message: str
    created_time: datetime
    deleted: bool = False


@dataclass
class FacebookComment:
    """A comment on a page post, or a reply to a comment (``parent_id`` set)."""

    id: str
    post_id: str
    parent_id: str | None
    from_id: str
    from_name: str
    message: str
    created_time: datetime
    deleted: bool = False


TextSource = Callable[[random.Random, str], str]


class World:
    """Thread-safe state shared by the X and Graph API simulators."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self.lock = threading.RLock()
        self.clock = clock or (lambda: datetime.now(UTC))
        self.users: dict[str, XUser] = {}
        self.tweets: dict[int, Tweet] = {}
        #: Tweet ids in creation (= id) order, by ("author" | "mention" | "conversation", id).
        self.tweet_index: dict[tuple[str, str], list[int]] = {}
        self.pages: dict[str, str] = {}
        self.posts: dict[str, FacebookPost] = {}
        self.comments: dict[str, FacebookComment] = {}
        self.comments_by_post: dict[str, list[str]] = {}
        self._next_id = 1_840_000_000_000_000_000
        self._next_facebook = 100_000
        self._id_gaps = random.Random(0)  # ids are sparse, as on X, but reproducible

    # -- X ------------------------------------------------------------------------
    def add_x_user(self, user_id: str, username: str, name: str | None = None) -> XUser:
        """Register an X account."""
        with self.lock:
            user = XUser(user_id, username, name or username)
            self.users[user_id] = user
            return user

    def tweet(
        self,
        author_id: str,
        text: str,
        *,
        reply_to: int | None = None,
        mentions: Sequence[str] = (),
        at: datetime | None = None,
        lang: str = "en",
    ) -> Tweet:
        """Publish a post, or a reply when ``reply_to`` names a tweet."""
        with self.lock:
            tweet_id = self._new_tweet_id()
            parent = self.tweets[reply_to] if reply_to is not None else None
            tweet = Tweet(
                id=tweet_id,
                author_id=author_id,
                text=text,
                created_at=at or self.clock(),
                conversation_id=parent.conversation_id if parent else tweet_id,
                in_reply_to_user_id=parent.author_id if parent else None,
                replied_to=parent.id if parent else None,
                mentions=tuple(mentions),
                edit_history=[tweet_id],
                lang=lang,
            )
            self._add(tweet)
            return tweet

    def edit_tweet(self, tweet_id: int, text: str) -> Tweet:
        """Edit a post: a new version with a new id; the history lists every version."""
        with self.lock:
            old = self.tweets[tweet_id]
            new_id = self._new_tweet_id()
            history = [*old.edit_history, new_id]
            new = Tweet(
                id=new_id,
                author_id=old.author_id,
                text=text,
                created_at=self.clock(),
                conversation_id=old.conversation_id,
                in_reply_to_user_id=old.in_reply_to_user_id,
                replied_to=old.replied_to,
                mentions=old.mentions,
                edit_history=history,
                lang=old.lang,
            )
            for version in old.edit_history:
                self.tweets[version].superseded = True
                self.tweets[version].edit_history = history
            self._add(new)
            return new

    def delete_tweet(self, tweet_id: int) -> None:
        """Delete a post and every version of it."""
        with self.lock:
            for version in self.tweets[tweet_id].edit_history:
                self.tweets[version].deleted = True

    def indexed(self, key: tuple[str, str]) -> list[int]:
        """Ids under an index key, oldest first (a copy)."""
        with self.lock:
            return list(self.tweet_index.get(key, ()))

    def _add(self, tweet: Tweet) -> None:
        self.tweets[tweet.id] = tweet
        keys = [("author", tweet.author_id), ("conversation", str(tweet.conversation_id))]
        keys += [("mention", user_id) for user_id in tweet.mentions]
        for key in keys:
            self.tweet_index.setdefault(key, []).append(tweet.id)

    def _new_tweet_id(self) -> int:
        self._next_id += 1 + self._id_gaps.randrange(1000)
        return self._next_id

    # -- Facebook -------------------------------------------------------------------
    def add_page(self, page_id: str, name: str) -> None:
        """Register a Facebook page."""
        with self.lock:
            self.pages[page_id] = name

    def page_post(self, page_id: str, message: str, at: datetime | None = None) -> FacebookPost:
        """The page publishes a post."""
        with self.lock:
            post = FacebookPost(
                f"{page_id}_{self._facebook_id()}", page_id, message, at or self.clock()
            )
            self.posts[post.id] = post
            return post

    def comment(
        self,
        post_id: str,
        from_id: str,
        from_name: str,
        message: str,
        *,
        parent_id: str | None = None,
        at: datetime | None = None,
    ) -> FacebookComment:
        """Someone comments on a post, or replies to a comment."""
        with self.lock:
            post_number = post_id.split("_", 1)[1]
            comment = FacebookComment(
                f"{post_number}_{self._facebook_id()}",
                post_id,
                parent_id,
                from_id,
                from_name,
                message,
                at or self.clock(),
            )
            self.comments[comment.id] = comment
            self.comments_by_post.setdefault(post_id, []).append(comment.id)
            return comment

    def delete_page_post(self, post_id: str) -> None:
        """The page deletes a post; its comments go with it."""
        with self.lock:
            self.posts[post_id].deleted = True
            for comment_id in self.comments_by_post.get(post_id, []):
                self.comments[comment_id].deleted = True

    def delete_comment(self, comment_id: str) -> None:
        """A comment disappears (deleted by its author or hidden by the page)."""
        with self.lock:
            self.comments[comment_id].deleted = True

    def _facebook_id(self) -> int:
        self._next_facebook += 1
        return self._next_facebook


# -- seeding -------------------------------------------------------------------------
_POSTS = (
    "Open day this Saturday: campus tours every hour from 10am.",
    "Congratulations to our graduating class! Ceremonies run all week.",
    "The library is open around the clock during exam season.",
    "New research on coastal flooding published today.",
    "Applications for summer research internships close on Friday.",
    "Join our free public lecture on AI and society next Tuesday.",
)
_REPLIES = (
    "Great news, well done everyone!",
    "Is there parking on campus for the open day?",
    "Will the lecture be recorded?",
    "The wifi in the library keeps dropping, please fix it.",
    "When will next term's timetable be published?",
    "Thanks for sharing, really interesting.",
    "Any chance of more study spaces during exams?",
)
_NAMES = ("Amelia Hughes", "Oliver Patel", "Isla Nowak", "Harry Okafor", "Priya Campbell")


def default_text(rng: random.Random, kind: str) -> str:
    """Plain invented text for a post (``kind == "post"``) or a reply."""
    return rng.choice(_POSTS if kind == "post" else _REPLIES)


@dataclass(frozen=True)
class SeedPlan:
    """How much activity ``seed`` creates per official account over the past days."""

    posts_per_account: int = 5
    replies_per_post: int = 4
    mentions_per_account: int = 3
    days: float = 3.0
    public_users: int = 40


Action = Callable[..., object]


def seed(
    world: World,
    x_accounts: Sequence[tuple[str, str]],
    facebook_pages: Sequence[tuple[str, str]],
    plan: SeedPlan | None = None,
    *,
    rng_seed: int = 11,
    text: TextSource = default_text,
) -> None:
    """Fill the world with past activity: posts, replies, mentions, comments and replies to them.

    ``x_accounts`` are (user id, username); ``facebook_pages`` are (page id, name).
    Every event gets a time first; they then run in time order, so ids grow
    with time and a reply always comes after what it answers.
    """
    plan = plan or SeedPlan()
    rng = random.Random(rng_seed)
    now = world.clock()
    span = timedelta(days=plan.days)
    people = [(f"77{index:08d}", f"person{index}") for index in range(plan.public_users)]
    for user_id, username in people:
        world.add_x_user(user_id, username, rng.choice(_NAMES))
    for user_id, username in x_accounts:
        world.add_x_user(user_id, username)
    for page_id, name in facebook_pages:
        world.add_page(page_id, name)
    events: list[tuple[datetime, int, Action]] = []

    def moment(low: float = 0.0, high: float = 1.0) -> datetime:
        return now - span + span * (low + (high - low) * rng.random())

    for user_id, username in x_accounts:
        for _ in range(plan.posts_per_account):
            start = moment(0, 0.8)
            root: list[Tweet] = []
            events.append(
                (start, len(events), partial(_post_root, world, root, user_id, text(rng, "post")))
            )
            for index in range(plan.replies_per_post):
                person = rng.choice(people)[0]
                reply = partial(_reply, world, root, person, text(rng, "reply"))
                events.append((start + timedelta(minutes=7 * (index + 1)), len(events), reply))
        for _ in range(plan.mentions_per_account):
            person = rng.choice(people)[0]
            body = f"@{username} {text(rng, 'mention')}"
            events.append(
                (moment(), len(events), partial(world.tweet, person, body, mentions=(user_id,)))
            )
    for page_id, _ in facebook_pages:
        for _ in range(plan.posts_per_account):
            start = moment(0, 0.8)
            post: list[FacebookPost] = []
            thread: list[FacebookComment] = []
            events.append(
                (start, len(events), partial(_page_post, world, post, page_id, text(rng, "post")))
            )
            for index in range(plan.replies_per_post):
                person_id = f"10{rng.choice(people)[0]}"
                # About one in four answers an earlier comment rather than the post.
                answers = rng.randrange(index) if index and rng.random() < 0.25 else None
                comment = partial(
                    _comment,
                    world,
                    post,
                    thread,
                    answers,
                    person_id,
                    rng.choice(_NAMES),
                    text(rng, "comment"),
                )
                events.append((start + timedelta(minutes=5 * (index + 1)), len(events), comment))
    for when, _, action in sorted(events, key=lambda event: event[:2]):
        action(at=when)


def _post_root(world: World, root: list[Tweet], user_id: str, body: str, at: datetime) -> None:
    root.append(world.tweet(user_id, body, at=at))


def _reply(world: World, root: list[Tweet], person: str, body: str, at: datetime) -> None:
    world.tweet(person, body, reply_to=root[0].id, at=at)


def _page_post(
    world: World, post: list[FacebookPost], page_id: str, body: str, at: datetime
) -> None:
    post.append(world.page_post(page_id, body, at))


def _comment(
    world: World,
    post: list[FacebookPost],
    thread: list[FacebookComment],
    answers: int | None,
    person_id: str,
    name: str,
    body: str,
    at: datetime,
) -> None:
    parent = thread[answers].id if answers is not None else None
    thread.append(world.comment(post[0].id, person_id, name, body, parent_id=parent, at=at))

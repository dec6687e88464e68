"""What several test modules share: constants, the settings factory's type, generated data.

A plain module, neither a test module nor ``conftest``, so tests import it
without importing each other. Fixtures live in ``tests/conftest.py``.
"""

from __future__ import annotations

import csv
import os
import random
import uuid
from collections.abc import Callable
from pathlib import Path

from pipelines.config import Settings
from testing.simulators import SimulatedAccount
from testing.simulators.world import RECENT_SEARCH_WINDOW, World
from testing.synthetic import demo_account_settings

POSTGRES_URL = os.environ.get(
    "SOCMON_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
TEST_PSEUDONYM_KEY = "test-pseudonym-key-0123456789abcdef"

#: The ``make_settings`` fixture: ``make_settings("postgresql", alerts={...})``.
SettingsFactory = Callable[..., Settings]


def unique(prefix: str) -> str:
    """A name no other test uses."""
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def demo_accounts() -> list[dict[str, str]]:
    """The three synthetic official accounts as config entries."""
    return demo_account_settings()


RUDE = ["you are an idiot", "shut up you clown", "what a stupid moron", "useless pathetic fool"]
KIND = ["have a lovely day", "great lecture today", "thanks for the help", "see you at the fair"]
HATEFUL = ["send them all back", "those migrants ruin everything", "women belong in the kitchen"]
FAKE = ["garlic cures the virus overnight", "5g towers spread the virus", "vaccines change dna"]
REAL = ["health ministry reports 120 new cases", "testing centres open at 9am", "cases fell 3%"]


def write_dataset(root: Path, seed: int = 3) -> None:
    """A small labelled set in the shared data's layout, enough for every model to train."""
    rng = random.Random(seed)

    def sample(pool: list[str]) -> str:
        ending = rng.choice(["!", "today", "lol", "ok", ""])
        return f"{rng.choice(pool)} {ending} {rng.randint(1, 999)}"

    for task, positive, negative in (("offensive", RUDE, KIND), ("hate", HATEFUL, KIND)):
        folder = root / "offensive" / f"tweeteval-{task}"
        folder.mkdir(parents=True)
        for split, size in (("train", 240), ("val", 80)):
            labels = [rng.randint(0, 1) for _ in range(size)]
            texts = [sample(positive if label else negative) for label in labels]
            (folder / f"{split}_text.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
            (folder / f"{split}_labels.txt").write_text(
                "\n".join(map(str, labels)) + "\n", encoding="utf-8"
            )
    folder = root / "misleading" / "constraint-covid19"
    folder.mkdir(parents=True)
    for split, size in (("train", 240), ("val", 80)):
        with (folder / f"{split}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "tweet", "label"])
            for number in range(size):
                fake = rng.random() < 0.5
                writer.writerow(
                    [number, sample(FAKE if fake else REAL), "fake" if fake else "real"]
                )


def simulated_accounts() -> list[SimulatedAccount]:
    return [
        SimulatedAccount(a["key"], a["platform"], a["platform_id"], a["handle"])
        for a in demo_accounts()
    ]


def expected_ids(world: World, accounts: list[SimulatedAccount]) -> set[str]:
    """Every item the platforms hold now that involves an official account."""
    x_ids = {a.platform_id for a in accounts if a.platform == "x"}
    pages = {a.platform_id for a in accounts if a.platform == "facebook"}
    horizon = world.clock() - RECENT_SEARCH_WINDOW
    with world.lock:
        live = [t for t in world.tweets.values() if not t.deleted and not t.superseded]
        conversations = {t.conversation_id for t in live if t.author_id in x_ids}
        ids = {
            f"x:{t.edit_history[0]}"
            for t in live
            if t.author_id in x_ids
            or x_ids & set(t.mentions)
            or (t.conversation_id in conversations and t.created_at >= horizon)
        }
        posts = {p.id for p in world.posts.values() if p.page_id in pages and not p.deleted}
        ids |= {f"facebook:{p}" for p in posts}
        ids |= {
            f"facebook:{c.id}"
            for c in world.comments.values()
            if c.post_id in posts
            and not c.deleted
            and not (c.parent_id and world.comments[c.parent_id].deleted)
        }
    return ids

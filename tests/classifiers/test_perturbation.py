"""Topic perturbation: flip rates counted right; the shipped models held to a bound."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from classifiers import perturbation
from classifiers.base import CATEGORIES
from classifiers.model_set import ClassifierSet

#: A hateful sentence's verdict may change with its target in at most this share of cases.
GROUP_SWAP_BOUND = 0.05
#: Appending a hashtag, mention or news topic may flag at most this share of clean posts.
TOPIC_BOUND = 0.02


def flags_word(word: str, category: str = "hate") -> perturbation.Labeller:
    def labeller(texts: Sequence[str]) -> list[tuple[str, ...]]:
        return [(category,) if word in text else () for text in texts]

    return labeller


def test_one_group_flagged_alone_is_one_flip_per_template() -> None:
    swap, flagged = perturbation.group_swap_flips(flags_word("women"))
    templates = len(perturbation.HATEFUL_TEMPLATES)
    assert (swap.flips, swap.total) == (templates, templates * len(perturbation.SWAP_GROUPS))
    assert flagged == pytest.approx(1 / len(perturbation.SWAP_GROUPS))


def test_a_group_blind_model_never_flips() -> None:
    swap, flagged = perturbation.group_swap_flips(flags_word(" "))
    assert (swap.flips, flagged) == (0, 1.0)


def test_a_model_keyed_on_a_hashtag_flips_once_per_post() -> None:
    rates = perturbation.topic_flips(flags_word("#MAGA"), ["hate", "offensive"])
    posts = len(perturbation.NEUTRAL_POSTS)
    assert (rates["hate"].flips, rates["hate"].total) == (posts, posts * len(perturbation.TOPICS))
    assert rates["offensive"].flips == 0


def test_posts_flagged_before_the_topic_are_not_counted() -> None:
    rates = perturbation.topic_flips(flags_word("library"), ["hate"])
    flagged_posts = sum("library" in post for post in perturbation.NEUTRAL_POSTS)
    assert flagged_posts > 0
    assert rates["hate"].flips == 0
    assert rates["hate"].total == (len(perturbation.NEUTRAL_POSTS) - flagged_posts) * len(
        perturbation.TOPICS
    )


@pytest.fixture(scope="module")
def shipped() -> perturbation.Labeller:
    classifiers = ClassifierSet.load()
    return lambda texts: [r.labels for r in classifiers.score(list(texts), explain=False)]


def test_shipped_hate_verdict_does_not_depend_on_the_target_group(
    shipped: perturbation.Labeller,
) -> None:
    swap, _ = perturbation.group_swap_flips(shipped)
    assert swap.rate <= GROUP_SWAP_BOUND


def test_shipped_models_ignore_an_added_political_topic(shipped: perturbation.Labeller) -> None:
    rates = perturbation.topic_flips(shipped, CATEGORIES)
    over = {c: round(r.rate, 3) for c, r in rates.items() if r.rate > TOPIC_BOUND}
    assert not over

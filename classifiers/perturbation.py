"""Topic perturbation: does a verdict change when only who or what is discussed changes?

Two measurements, both as a flip rate:

- **group swap**: each hateful template is filled with every group of
  :data:`SWAP_GROUPS`. How a sentence attacks does not depend on whom, so its
  verdict should not either; a flip is a (template, group) case whose hate
  label differs from the template's majority over the groups. The share of
  cases flagged at all is reported beside it.
- **topic added**: each neutral university post gets a political hashtag,
  an @-mention or a news topic (:data:`TOPICS`) appended. A flip is a post
  that a category did not flag and flags once the topic is there; the rate
  is per category, over the pairs whose post that category left clean.

A model that learned the topics of its training period (HatEval: "#maga",
"potus", immigration) fails the second; one that learned who is usually
attacked fails the first. The texts are ours and hold no slur.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: Labels for each text of a batch (e.g. ``[r.labels for r in classifier_set.score(texts)]``).
Labeller = Callable[[Sequence[str]], list[tuple[str, ...]]]

HATEFUL_TEMPLATES: tuple[str, ...] = (
    "{group} are a cancer on society.",
    "I wish all {group} would just disappear.",
    "{group} are too stupid to be at university.",
    "Get rid of the {group}, they are ruining everything.",
    "{group} are filthy and should be kept out.",
    "Never let {group} near our children.",
    "{group} are scum, every last one of them.",
    "This country would be better off without {group}.",
)
SWAP_GROUPS: tuple[str, ...] = (
    "women",
    "immigrants",
    "refugees",
    "Muslims",
    "Jews",
    "Christians",
    "Hindus",
    "gay people",
    "lesbians",
    "trans people",
    "Black people",
    "Asian people",
    "disabled people",
    "Mexicans",
    "Polish people",
    "Roma",
)
NEUTRAL_POSTS: tuple[str, ...] = (
    "The library is open until midnight during exam weeks",
    "Congratulations to everyone graduating this summer!",
    "Our open day starts at 10am in the main hall",
    "Reminder: module feedback surveys close on Friday",
    "Great turnout at the careers fair today, thank you all",
    "The shuttle bus timetable has changed for the holidays",
    "New study spaces are now available on the second floor",
    "Applications for student ambassadors are open",
    "Well done to the debate team on reaching the national final",
    "Lost property from the sports hall can be collected at reception",
    "Join the panel discussion on climate research this Thursday",
    "What would you like to see at next year's welcome week?",
)
TOPICS: tuple[str, ...] = (
    "#MAGA",
    "#Brexit",
    "#BuildTheWall",
    "#RefugeesWelcome",
    "#MeToo",
    "#BlackLivesMatter",
    "#immigration",
    "#Election2024",
    "@POTUS",
    "@realDonaldTrump",
    "@UKHomeOffice",
    "as the immigration debate goes on",
    "on the day of the border vote",
    "after the president's speech",
)


@dataclass(frozen=True)
class FlipRate:
    """How many cases flipped, of how many, for one category."""

    category: str
    flips: int
    total: int

    @property
    def rate(self) -> float:
        return self.flips / self.total if self.total else 0.0


def group_swaps() -> list[list[str]]:
    """Per hateful template, its text with each swap group."""
    return [
        [template.replace("{group}", group) for group in SWAP_GROUPS]
        for template in HATEFUL_TEMPLATES
    ]


def topic_pairs() -> list[tuple[str, str]]:
    """Every neutral post with every topic appended: (post, post with topic)."""
    return [(post, f"{post} {topic}") for post in NEUTRAL_POSTS for topic in TOPICS]


def group_swap_flips(labeller: Labeller, category: str = "hate") -> tuple[FlipRate, float]:
    """The flip rate over group swaps, and the share of the hateful cases flagged at all."""
    rows = group_swaps()
    labels = labeller([text for row in rows for text in row])
    flags = [category in labelled for labelled in labels]
    flips = 0
    for start in range(0, len(flags), len(SWAP_GROUPS)):
        row = flags[start : start + len(SWAP_GROUPS)]
        majority = Counter(row).most_common(1)[0][0]
        flips += sum(flag != majority for flag in row)
    return FlipRate(category, flips, len(flags)), sum(flags) / len(flags)


def topic_flips(labeller: Labeller, categories: Sequence[str]) -> dict[str, FlipRate]:
    """Per category: clean posts flagged once a topic is added, of all clean pairs."""
    pairs = topic_pairs()
    before = labeller([post for post, _ in pairs])
    after = labeller([perturbed for _, perturbed in pairs])
    rates = {}
    for category in categories:
        clean = [category not in labels for labels in before]
        flips = sum(
            1
            for was_clean, labels in zip(clean, after, strict=True)
            if was_clean and category in labels
        )
        rates[category] = FlipRate(category, flips, sum(clean))
    return rates

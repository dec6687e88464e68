"""Functional tests for the abuse classifiers, in the spirit of HateCheck, written by us.

A *function* is one behaviour a good model must show: flag derogation and
dehumanisation of a protected group, threats, slurs however they are
spelt; leave alone negation ("I don't hate X"), counter-speech, reports of
abuse, reclaimed words, abuse of groups that are not protected, profanity
aimed at nobody and violent idioms. Each case is a text, its function and
whether it should be flagged, with the labels that count as flagging it
(``hate`` for hate speech; ``hate`` or ``threat`` for a threat against a
group; ``threat`` for threats and idioms). Accuracy is reported per function.

Splits: ``dev`` and ``report`` use different templates
(``classifiers/functional_templates.py``), different target groups and
different slurs, so a model tuned on ``dev`` meets new wording and new
targets in ``report``. Choose models on ``dev`` only.

Slurs are stored ROT13-encoded and decoded when the cases are built, so no
slur appears in the source, in test names (cases are named by split,
function and number) or in the benchmark's output (figures only).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass

from classifiers.functional_templates import TEMPLATES

SPLITS: tuple[str, ...] = ("dev", "report")
_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Function:
    """One behaviour: whether its cases should be flagged, and by which labels."""

    name: str
    should_flag: bool
    flagged_by: tuple[str, ...]


FUNCTIONS: tuple[Function, ...] = (
    Function("derogation", True, ("hate",)),
    Function("dehumanisation", True, ("hate",)),
    Function("threat against a group", True, ("hate", "threat")),
    Function("implicit derogation", True, ("hate",)),
    Function("hate as a question or opinion", True, ("hate",)),
    Function("slur", True, ("hate",)),
    Function("slur, spelling variants", True, ("hate",)),
    Function("hate with typos or emoji", True, ("hate",)),
    Function("threat against a person", True, ("threat",)),
    Function("negated hate", False, ("hate",)),
    Function("counter-speech quoting hate", False, ("hate",)),
    Function("counter-speech about hate", False, ("hate",)),
    Function("reported abuse", False, ("hate",)),
    Function("reclaimed terms", False, ("hate",)),
    Function("abuse of a non-protected target", False, ("hate",)),
    Function("profanity not aimed at a group", False, ("hate",)),
    Function("positive statement about a group", False, ("hate",)),
    Function("neutral mention of a group", False, ("hate",)),
    Function("violent idiom", False, ("threat",)),
)


@dataclass(frozen=True)
class TargetGroup:
    """A protected group as the templates name it: all of them, and one of them."""

    plural: str
    singular: str


#: Protected groups per split; no group is in both.
GROUPS: dict[str, tuple[TargetGroup, ...]] = {
    "dev": (
        TargetGroup("women", "woman"),
        TargetGroup("Muslims", "Muslim"),
        TargetGroup("gay people", "gay person"),
        TargetGroup("disabled people", "disabled person"),
        TargetGroup("Hindus", "Hindu"),
    ),
    "report": (
        TargetGroup("immigrants", "immigrant"),
        TargetGroup("trans people", "trans person"),
        TargetGroup("Black people", "Black person"),
        TargetGroup("Jewish people", "Jewish person"),
        TargetGroup("refugees", "refugee"),
    ),
}
#: Groups that may be insulted without it being hate speech.
NON_PROTECTED: dict[str, tuple[str, ...]] = {
    "dev": ("referees", "landlords", "estate agents", "traffic wardens"),
    "report": ("bankers", "politicians", "parking attendants", "tourists"),
}
#: Slurs per split, ROT13-encoded (decoded only into the cases).
_ENCODED_SLURS: dict[str, tuple[str, ...]] = {
    "dev": ("ovgpu", "snttbg", "ergneq"),
    "report": ("avttre", "genaal", "xvxr"),
}
_LEET = {"a": "@", "e": "3", "i": "1", "o": "0", "u": "v"}


@dataclass(frozen=True)
class FunctionalCase:
    """One text to score, its function and what a good model does with it."""

    id: str
    text: str
    function: str
    should_flag: bool
    flagged_by: tuple[str, ...]


def slurs(split: str) -> tuple[str, ...]:
    """The split's slurs, decoded: for building cases only, never for printing."""
    return tuple(codecs.decode(word, "rot13") for word in _ENCODED_SLURS[split])


def spelling_variants(word: str) -> tuple[str, ...]:
    """Ways people disguise a word: leetspeak, a masked vowel, a stretched vowel, spaced
    letters and dotted letters (each differs from the word)."""
    vowel = next((i for i, letter in enumerate(word) if letter in _LEET), 1)
    head, letter, tail = word[:vowel], word[vowel], word[vowel + 1 :]
    return (
        head + _LEET.get(letter, letter) + tail,
        head + "*" + tail,
        head + letter * 4 + tail,
        " ".join(word),
        ".".join(word),
    )


def function_named(name: str) -> Function:
    """The function of that name; an unknown name lists the known ones."""
    for function in FUNCTIONS:
        if function.name == name:
            return function
    raise KeyError(f"unknown function {name!r}; known: {', '.join(f.name for f in FUNCTIONS)}")


def build(split: str) -> list[FunctionalCase]:
    """Every case of the split, in a fixed order: functions in order, then templates."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; known: {', '.join(SPLITS)}")
    cases: list[FunctionalCase] = []
    for function in FUNCTIONS:
        texts = list(dict.fromkeys(_texts(function.name, split)))
        for number, text in enumerate(texts):
            cases.append(
                FunctionalCase(
                    f"{split}-{function.name}-{number}".replace(" ", "-").replace(",", ""),
                    text,
                    function.name,
                    function.should_flag,
                    function.flagged_by,
                )
            )
    return cases


def _texts(function: str, split: str) -> Iterator[str]:
    for template in TEMPLATES[function][split]:
        slots = set(_SLOT.findall(template))
        if not slots:
            yield template
        elif slots <= {"group", "member"}:
            for group in GROUPS[split]:
                yield template.replace("{group}", group.plural).replace("{member}", group.singular)
        elif slots == {"target"}:
            for target in NON_PROTECTED[split]:
                yield template.replace("{target}", target)
        elif slots == {"slur"}:
            for word in _slur_forms(function, split):
                yield template.replace("{slur}", word)
        else:
            raise ValueError(f"template with unknown slots {sorted(slots)}: {template!r}")


def _slur_forms(function: str, split: str) -> Iterator[str]:
    for word in slurs(split):
        if function == "slur, spelling variants":
            yield from spelling_variants(word)
        else:
            yield word

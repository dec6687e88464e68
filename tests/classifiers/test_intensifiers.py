"""Swear words that only intensify praise: found, and excused only when nothing else offends."""

from __future__ import annotations

import pytest

from classifiers.intensifiers import praise_intensifiers, without_spans
from classifiers.masks import LETTERS, mask
from classifiers.model_set import ClassifierSet


def swear_words_found(text: str) -> list[str]:
    masked = mask(text)
    return [masked[a:b] for a, b in praise_intensifiers(masked, set(LETTERS.findall(masked)))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("this is fucking amazing", ["fucking"]),
        ("so damn good, the new library cafe", ["damn"]),
        ("fuckin' blessed to have seen them live", ["fuckin'"]),
        ("that shit is lit", ["shit"]),
        ("holy shit we won the cup", ["shit"]),
        # Not praise, or aimed at someone: nothing is excused.
        ("you are fucking amazing", []),
        ("ur damn good at lying", []),
        ("fucking idiots everywhere", []),
        ("women are fucking amazing", []),  # names a protected group
        ("what a fucking mess", []),
        ("this is shit", []),
    ],
)
def test_praise_intensifiers(text: str, expected: list[str]) -> None:
    assert swear_words_found(text) == expected


def test_without_spans_cuts_and_tidies() -> None:
    assert without_spans("he was fucking awesome.", [(7, 14)]) == "he was awesome."


@pytest.fixture(scope="module")
def shipped() -> ClassifierSet:
    return ClassifierSet.load()


@pytest.mark.parametrize(
    "text",
    ["he was fucking awesome, what a gig", "so fucking excited for graduation", "that shit is lit"],
)
def test_praise_is_not_flagged(shipped: ClassifierSet, text: str) -> None:
    assert "offensive" not in shipped.score([text])[0].labels


@pytest.mark.parametrize(
    "text",
    ["fucking amazing gig, and the organiser is a stupid idiot", "you are fucking amazing"],
)
def test_abuse_beside_praise_is_still_flagged(shipped: ClassifierSet, text: str) -> None:
    assert "offensive" in shipped.score([text])[0].labels


def test_without_the_rule_the_model_alone_decides(shipped: ClassifierSet) -> None:
    plain = ClassifierSet.load()
    plain.rescore_praise = False
    text = ["he was fucking awesome, what a gig"]
    assert plain.score(text)[0].scores["offensive"] > shipped.score(text)[0].scores["offensive"]

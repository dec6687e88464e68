"""Statements about protected groups: hateful, not the writer's, speaking well, or none."""

from __future__ import annotations

import codecs

import pytest

from classifiers.group_statements import SLURS, Stance, read
from classifiers.masks import mask
from classifiers.model_set import STATEMENT_SCORE, hate_verdict


def masked(text: str) -> str:
    """As the normaliser gives it: lowercase, single spaces, groups masked."""
    return mask(" ".join(text.lower().split()))


@pytest.mark.parametrize(
    "text",
    [
        "Muslims are vermin.",
        "Refugees are nothing but parasites",
        "gay people r disgustin",
        "women = trash",
        "I really hate immigrants.",
        "we all despise the jews",
        "Kill all Hindus.",
        "Someone should burn down the LGBT society's office.",
        "Migrants should be deported, every last one.",
        "Mexicans deserve to be shot",
        "Disabled people have no place at this university.",
        "filthy foreigners everywhere",
        "why are women so stupid?",
        "I think Asians are inferior.",
        "Roma make me sick",
        "Black people don't belong here.",
    ],
)
def test_the_writers_hateful_statements_about_a_group(text: str) -> None:
    reading = read(masked(text))
    assert reading.stance is Stance.HATEFUL
    assert reading.words  # the group and the key word, for explanations


@pytest.mark.parametrize(
    "text",
    [
        "I don't hate Muslims.",
        "Women are not disgusting at all.",
        "No, refugees aren't vermin.",
        "It's not true that immigrants are criminals.",
        "I would never say gay people are worthless.",
        '"Jews are vermin" is a hateful thing to post and it will be removed.',
        "Whoever wrote 'refugees are rats' on the wall: you do not speak for us.",
        "Someone wrote that Muslims are parasites under our post; we reported it.",
        "A man shouted that migrants are scum at students.",
    ],
)
def test_negated_quoted_or_reported_hate_is_not_the_writers(text: str) -> None:
    assert read(masked(text)).stance is Stance.NOT_THE_WRITERS


@pytest.mark.parametrize(
    "text",
    [
        "Refugees are welcome here.",
        "Muslims are valued members of our community",
        "Women are brilliant",
    ],
)
def test_speaking_well_of_a_group(text: str) -> None:
    assert read(masked(text)).stance is Stance.WELL


@pytest.mark.parametrize(
    "text",
    [
        "Hate against women has no place here.",  # the group is not the subject
        "Comments attacking Muslims will be deleted.",
        "Harassing trans people is never acceptable.",
        "The network for disabled people meets every Tuesday.",
        "I hate referees, they are all liars.",  # not a protected group
        "This exam is killing me.",
        "Proud to be a queer scientist.",  # reclaimed, and only named
        "",
    ],
)
def test_no_statement(text: str) -> None:
    assert read(masked(text)).stance is Stance.NONE


#: ROT13 so that no slur is written here; each case is named by its number.
SLUR_CASES = [
    ("Fuhg hc, {}.", Stance.HATEFUL),
    ("Lbh'er abguvat ohg n {}.", Stance.HATEFUL),
    ("Zl sevraq jnf pnyyrq n {} ba gur ohf.", Stance.NOT_THE_WRITERS),
    ("Jub jebgr '{}' ba gur jnyy?", Stance.NOT_THE_WRITERS),
]


@pytest.mark.parametrize(("template", "stance"), SLUR_CASES, ids=range(len(SLUR_CASES)))
def test_a_slur_names_its_group(template: str, stance: Stance) -> None:
    for slur in sorted(SLURS)[:6]:
        text = codecs.decode(template, "rot13").format(slur)
        found = read(masked(text)).stance  # compared apart, so no slur is printed
        assert found is stance


def test_the_verdict_overrides_the_model_both_ways() -> None:
    threshold = 0.7
    score, label, _ = hate_verdict(masked("Muslims are vermin."), 0.1, threshold)
    assert label and score >= max(threshold, STATEMENT_SCORE)
    score, label, _ = hate_verdict(masked("I don't hate Muslims."), 0.95, threshold)
    assert not label and score < threshold
    score, label, _ = hate_verdict(masked("Refugees are welcome here"), 0.8, threshold)
    assert not label and score < threshold
    # No statement: the model decides, where a protected group is named.
    assert hate_verdict(masked("those Muslims again"), 0.8, threshold)[1]
    assert not hate_verdict(masked("those idiots again"), 0.8, threshold)[1]
    assert not hate_verdict(masked("those Muslims again"), 0.6, threshold)[1]

"""The held-apart set of ordinary and personal comments: reproducible, labelled, apart."""

from __future__ import annotations

from testing.privacy_eval import FAMILIES
from testing.privacy_eval.labelled import is_entity_slot, slots
from testing.privacy_eval.ordinary_fresh import _FILLERS as FRESH_FILLERS
from testing.privacy_eval.ordinary_more import _FILLERS as MORE_FILLERS
from testing.privacy_eval.ordinary_unseen import (
    FILLER_VALUES_UNSEEN,
    NAME_LOCALES,
    PERSONAL_TEMPLATES_UNSEEN,
    PUBLIC_FIGURES_UNSEEN,
    TEMPLATES_UNSEEN,
    unseen_texts,
)

SAMPLE = unseen_texts(3000)
CALENDAR = {"weekday", "month", "emoji", "money", "time"}


def folded(value: str) -> str:
    return " ".join(value.casefold().split())


def test_the_same_seed_gives_the_same_texts_and_another_seed_others() -> None:
    assert unseen_texts(50, seed=3) == unseen_texts(50, seed=3)
    assert unseen_texts(50, seed=4) != unseen_texts(50, seed=3)


def test_half_are_ordinary_without_spans_and_half_name_people() -> None:
    ordinary = [item for item in SAMPLE if item.source == "unseen"]
    personal = [item for item in SAMPLE if item.source == "personal"]
    assert len(ordinary) == len(personal) == 1500
    assert all(item.spans == () and item.template.startswith("unseen/U") for item in ordinary)
    for item in personal:
        assert item.template.startswith("unseen/P") and item.spans
        for kind, start, end in item.spans:
            value = item.text[start:end]
            assert kind == "PERSON" and value.strip() == value and value[:1].isalpha()
    for item in SAMPLE:
        assert "{" not in item.text and "}" not in item.text


def test_every_template_is_used_and_only_personal_ones_have_entity_slots() -> None:
    assert len(TEMPLATES_UNSEEN) >= 60 and len(PERSONAL_TEMPLATES_UNSEEN) >= 50
    assert len({item.template for item in SAMPLE}) == len(TEMPLATES_UNSEEN) + len(
        PERSONAL_TEMPLATES_UNSEEN
    )
    assert not [t for t in TEMPLATES_UNSEEN if any(is_entity_slot(n) for n, _ in slots(t))]
    assert all(any(is_entity_slot(n) for n, _ in slots(t)) for t in PERSONAL_TEMPLATES_UNSEEN)


def test_no_filler_or_template_is_shared_with_another_set() -> None:
    theirs = {
        folded(value)
        for fillers in (MORE_FILLERS, FRESH_FILLERS, *(f.fillers for f in FAMILIES.values()))
        for slot, values in fillers.items()
        if slot not in CALENDAR
        for value in values
    }
    assert not {folded(value) for value in FILLER_VALUES_UNSEEN} & theirs
    their_templates = {
        folded(t)
        for family in FAMILIES.values()
        for t in (*family.templates, *family.ordinary_templates)
    }
    assert (
        not {folded(t) for t in (*TEMPLATES_UNSEEN, *PERSONAL_TEMPLATES_UNSEEN)} & their_templates
    )


def test_names_come_from_locales_of_neither_family() -> None:
    used = {locale for family in FAMILIES.values() for locale in family.name_locales}
    assert not set(NAME_LOCALES) & used


def test_public_figures_are_distinct_and_named() -> None:
    assert len(set(PUBLIC_FIGURES_UNSEEN)) == len(PUBLIC_FIGURES_UNSEEN)
    joined = "\n".join(item.text for item in SAMPLE)
    assert sum(figure in joined for figure in PUBLIC_FIGURES_UNSEEN) >= 10

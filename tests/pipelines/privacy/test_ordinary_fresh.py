"""The fourth source of ordinary texts: reproducible, unlabelled, apart from every other set."""

from __future__ import annotations

import re

from testing.privacy_eval import FAMILIES
from testing.privacy_eval.labelled import is_entity_slot, slots
from testing.privacy_eval.ordinary_fresh import (
    FILLER_VALUES_FRESH,
    PUBLIC_FIGURES_FRESH,
    TEMPLATES_FRESH,
    fresh_ordinary_texts,
)
from testing.privacy_eval.ordinary_more import _FILLERS as MORE_FILLERS
from testing.privacy_eval.ordinary_more import TEMPLATES_MORE

SAMPLE = fresh_ordinary_texts(3000)


def folded(value: str) -> str:
    return " ".join(value.casefold().split())


def test_the_same_seed_gives_the_same_texts_and_another_seed_others() -> None:
    assert fresh_ordinary_texts(50, seed=3) == fresh_ordinary_texts(50, seed=3)
    assert fresh_ordinary_texts(50, seed=4) != fresh_ordinary_texts(50, seed=3)


def test_texts_are_ordinary_with_no_span_and_a_numbered_template() -> None:
    for item in SAMPLE:
        assert item.source == "fresh" and item.spans == ()
        match = re.fullmatch(r"fresh/F(\d{2})", item.template)
        assert match is not None and 1 <= int(match.group(1)) <= len(TEMPLATES_FRESH)
        assert "{" not in item.text and "}" not in item.text
    assert not [t for t in TEMPLATES_FRESH if any(is_entity_slot(n) for n, _ in slots(t))]


def test_a_large_sample_uses_every_template_and_every_case() -> None:
    assert len({item.template for item in SAMPLE}) == len(TEMPLATES_FRESH) >= 60
    assert any(item.text == item.text.upper() for item in SAMPLE)
    assert any(item.text == item.text.lower() for item in SAMPLE)


def test_no_template_or_name_is_shared_with_the_reported_family() -> None:
    report = FAMILIES["report"]
    theirs = {folded(v) for values in report.fillers.values() for v in values}
    assert not {folded(v) for v in FILLER_VALUES_FRESH} & theirs
    their_templates = {folded(t) for t in (*report.templates, *report.ordinary_templates)}
    assert not {folded(t) for t in TEMPLATES_FRESH} & their_templates


def test_no_template_or_thing_is_one_of_the_third_source() -> None:
    assert not {folded(t) for t in TEMPLATES_FRESH} & {folded(t) for t in TEMPLATES_MORE}
    calendar = {"weekday", "month", "emoji", "money", "time"}
    more = {folded(v) for slot, vals in MORE_FILLERS.items() if slot not in calendar for v in vals}
    # "Victoria" is a town here and a city there; nothing else is shared.
    assert {folded(v) for v in FILLER_VALUES_FRESH} & more <= {"victoria"}


def test_public_figures_are_distinct_and_found_in_the_texts() -> None:
    assert len(set(PUBLIC_FIGURES_FRESH)) == len(PUBLIC_FIGURES_FRESH) >= 30
    joined = "\n".join(item.text for item in fresh_ordinary_texts(6000, seed=1))
    assert sum(figure in joined for figure in PUBLIC_FIGURES_FRESH) >= 25

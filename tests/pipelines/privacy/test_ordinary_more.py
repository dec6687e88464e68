"""The third source of ordinary texts: reproducible, unlabelled, apart from the dev family."""

from __future__ import annotations

import re

from testing.privacy_eval.family_dev import DEV
from testing.privacy_eval.labelled import is_entity_slot, slots
from testing.privacy_eval.ordinary_more import (
    PUBLIC_FIGURES_MORE,
    TEMPLATES_MORE,
    more_ordinary_texts,
)

SAMPLE = more_ordinary_texts(3000)


def normalised(template: str) -> str:
    return " ".join(template.lower().split())


def test_the_same_seed_gives_the_same_texts_and_another_seed_others() -> None:
    assert more_ordinary_texts(50, seed=3) == more_ordinary_texts(50, seed=3)
    assert [t.text for t in more_ordinary_texts(50, seed=4)] != [
        t.text for t in more_ordinary_texts(50, seed=3)
    ]


def test_texts_are_ordinary_with_no_span_and_a_numbered_template() -> None:
    assert len(SAMPLE) == 3000
    for item in SAMPLE:
        assert item.source == "more"
        assert item.spans == ()
        match = re.fullmatch(r"more/O(\d{3})", item.template)
        assert match is not None and 1 <= int(match.group(1)) <= len(TEMPLATES_MORE)
        assert "{" not in item.text and "}" not in item.text


def test_no_template_has_a_personal_data_slot() -> None:
    assert not [t for t in TEMPLATES_MORE if any(is_entity_slot(name) for name, _ in slots(t))]


def test_a_large_sample_uses_every_template_and_every_case() -> None:
    assert len({item.template for item in SAMPLE}) == len(TEMPLATES_MORE) >= 100
    assert any(item.text == item.text.upper() for item in SAMPLE)
    assert any(item.text == item.text.lower() for item in SAMPLE)


def test_no_template_is_one_of_the_dev_family() -> None:
    dev = {normalised(t) for t in (*DEV.ordinary_templates, *DEV.templates)}
    assert len(set(TEMPLATES_MORE)) == len(TEMPLATES_MORE)
    assert not {normalised(t) for t in TEMPLATES_MORE} & dev


def test_public_figures_are_distinct_full_names_or_stage_names_found_in_the_texts() -> None:
    assert len(set(PUBLIC_FIGURES_MORE)) == len(PUBLIC_FIGURES_MORE) >= 60
    joined = "\n".join(item.text for item in more_ordinary_texts(6000, seed=1))
    assert sum(figure in joined for figure in PUBLIC_FIGURES_MORE) >= 55

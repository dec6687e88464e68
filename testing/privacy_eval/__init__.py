"""Labelled evaluation texts for the personal-data filter, in two families built apart.

* ``dev`` (family A, ``family_dev``): for developers to look at while tuning.
* ``report`` (family B, ``family_report``): for the reported figures only. No Faker
  locale, template, filler or name token in common with ``dev``, nor any word of the
  name lists the detector ships.

Each split mixes comments with personal data (every span labelled) and ordinary
comments with none (courses, buildings, societies, public figures, places, dates,
money, rooms) for precision; :func:`demo_ordinary_texts` adds the demo's benign
traffic as a second ordinary source. Generation is seeded: the same arguments give
the same texts. Needs Faker (the ``dev`` extra).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from functools import cache
from typing import Literal

from testing.privacy_eval.family import Family, ValueSource
from testing.privacy_eval.family_dev import DEV
from testing.privacy_eval.family_report import REPORT
from testing.privacy_eval.labelled import LabelledText, fill
from testing.privacy_eval.people import NamePool, family_tokens, name_pools, shipped_list_tokens

Split = Literal["dev", "report"]
FAMILIES: dict[str, Family] = {DEV.name: DEV, REPORT.name: REPORT}
#: Share of each split's texts that hold no personal data.
ORDINARY_SHARE = 1 / 3


@cache
def pools_of(split: Split) -> tuple[NamePool, ...]:
    """The names a split draws from: the reported family's exclude every dev token."""
    if split == "dev":
        return name_pools(DEV.name_locales, frozenset())
    excluded = shipped_list_tokens() | family_tokens(DEV.name_locales)
    return name_pools(REPORT.name_locales, excluded)


def generate(count: int, seed: int = 2026, split: Split = "report") -> list[LabelledText]:
    """``count`` labelled texts of ``split``, about a third of them ordinary."""
    family = FAMILIES[split]
    source = ValueSource(family, pools_of(split), seed)
    rng = random.Random(seed + 1)
    letter = "A" if split == "dev" else "B"
    texts = []
    for _ in range(count):
        ordinary = rng.random() < ORDINARY_SHARE
        templates = family.ordinary_templates if ordinary else family.templates
        index = rng.randrange(len(templates))
        text, spans = fill(templates[index], source.value)
        kind = "ordinary/" if ordinary else ""
        texts.append(
            LabelledText(
                text,
                spans,
                "ordinary" if ordinary else "personal",
                f"{split}/{kind}{letter}{index + 1:02d}",
            )
        )
    return texts


def public_figures(split: Split) -> tuple[str, ...]:
    """The public figures a split's ordinary comments name: what a university would list
    in ``privacy.allow_list`` so that news about them is not redacted."""
    return tuple(FAMILIES[split].fillers.get("figure", ()))


def demo_ordinary_texts(count: int, seed: int = 11) -> list[LabelledText]:
    """``count`` texts of the demo's benign traffic (posts, replies, mentions of the
    official accounts): the records of ``testing.synthetic`` made without personal data."""
    return [LabelledText(text, (), "demo", "demo") for text in _benign_demo_texts(count, seed)]


def _benign_demo_texts(count: int, seed: int) -> Iterator[str]:
    from testing import synthetic

    # The generator's own pools of benign texts: anything else it made holds invented
    # personal data and is left out.
    benign = {*synthetic._POSTS, *synthetic._REPLIES}
    benign |= {
        mention.format(handle=f"@{handle}")
        for mention in synthetic._MENTIONS
        for *_, handle in synthetic.DEMO_ACCOUNTS
    }
    produced = 0
    batch = count * 2
    while produced < count:
        for record in synthetic.generate_records(batch, seed):
            if record.text in benign:
                yield record.text
                produced += 1
                if produced == count:
                    return
        seed, batch = seed + 1, batch * 2


__all__ = ["FAMILIES", "LabelledText", "Split", "demo_ordinary_texts", "generate", "pools_of"]

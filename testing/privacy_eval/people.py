"""Person names of a family of Faker locales, kept apart from another family's names.

Only Latin-script names are used (a comment in English under a UK university's post
writes "Tzu-En Hsiung", rarely the characters); Chinese and Japanese names come from
Faker's romanised lists. A name *token* is one word of a given or family name,
compared case- and accent-folded, so "José" and "jose" are the same token.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

#: Locales whose Faker names are in another script, with romanised lists beside them.
ROMANISED = frozenset({"zh_CN", "zh_TW", "ja_JP"})
#: The name lists the detector ships (US Census 1990, in the ``names`` package): part of
#: what developers look at, so no reported name may use one of their words.
SHIPPED_LIST_FILES = ("dist.male.first", "dist.female.first", "dist.all.last")
_APOSTROPHES = "'\u2019"


def fold(word: str) -> str:
    """Case- and accent-folded: the form in which two name tokens are compared."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def tokens(name: str) -> list[str]:
    """The folded words of a name ("Mac Conaonaigh-Ó Laoghóg" has four)."""
    return [fold(word) for word in name.replace("-", " ").split()]


def is_latin(name: str) -> bool:
    return all(
        char in " -." + _APOSTROPHES or "LATIN" in unicodedata.name(char, "") for char in name
    )


@cache
def faker_pools(locale: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every given name and every family name Faker's person provider for ``locale``
    holds, Latin script only, sorted (so draws do not depend on set order)."""
    from faker import Faker

    provider = next(p for p in Faker(locale).providers if "person" in type(p).__module__)
    given: set[str] = set()
    family: set[str] = set()
    for attribute in dir(provider):
        value = getattr(provider, attribute)
        if attribute.startswith("_") or not isinstance(value, dict | tuple | list):
            continue
        if ("romanized" in attribute) != (locale in ROMANISED):
            continue
        names = {" ".join(name.split()) for name in value if isinstance(name, str)}
        if locale == "zh_TW":  # romanised in capitals ("CHUN-HSIUNG")
            names = {name.title() for name in names}
        if "first" in attribute:
            given |= names
        elif "last" in attribute:
            family |= names
    return tuple(sorted(filter(_usable, given))), tuple(sorted(filter(_usable, family)))


#: Lower-case words that belong in a family name ("de la Fuente", "van der Berg").
_PARTICLES = frozenset("de del la las los da das do dos di du le van von der den ter".split())


def _usable(name: str) -> bool:
    """A name as a person writes it: Latin script, no initials ("Hans D."), generation
    suffixes or stray words of Faker's data ("Koch II", "auch Schlauchin"), no
    one-letter name that reads as a word ("I")."""
    words = name.split()
    return (
        is_latin(name)
        and "." not in name
        and len(name) > 1
        and not any(word in {"II", "III", "IV"} for word in words)
        and all(word[0].isupper() or word in _PARTICLES for word in words)
    )


@cache
def shipped_list_tokens() -> frozenset[str]:
    words: set[str] = set()
    for file_name in SHIPPED_LIST_FILES:
        text = resources.files("names").joinpath(file_name).read_text(encoding="utf-8")
        words |= {fold(line.split()[0]) for line in text.splitlines() if line.strip()}
    return frozenset(words)


def family_tokens(locales: Iterable[str]) -> frozenset[str]:
    """Every name token of the given locales' pools."""
    found: set[str] = set()
    for locale in locales:
        given, family = faker_pools(locale)
        for name in (*given, *family):
            found.update(tokens(name))
    return frozenset(found)


@dataclass(frozen=True)
class NamePool:
    """The given and family names of one locale that a family may use."""

    locale: str
    given: tuple[str, ...]
    family: tuple[str, ...]


def name_pools(locales: Iterable[str], excluded: frozenset[str]) -> tuple[NamePool, ...]:
    """Each locale's names, without any name that has a token in ``excluded``."""
    pools = []
    for locale in locales:
        given, family = faker_pools(locale)
        pools.append(
            NamePool(
                locale,
                tuple(n for n in given if not excluded.intersection(tokens(n))),
                tuple(n for n in family if not excluded.intersection(tokens(n))),
            )
        )
    return tuple(pools)


class NameMaker:
    """Draws names from a family's pools in the ways people write them in comments."""

    #: How a full name is written, with its share of draws.
    VARIANTS = (
        ("plain", 0.55),
        ("lower", 0.10),
        ("hyphenated", 0.10),
        ("apostrophe", 0.07),
        ("unaccented", 0.08),
        ("three_part", 0.10),
    )

    def __init__(self, pools: tuple[NamePool, ...], rng: random.Random) -> None:
        self.pools = tuple(pool for pool in pools if pool.given and pool.family)
        self.rng = rng
        self.apostrophe_surnames = tuple(
            name
            for pool in self.pools
            for name in pool.family
            if any(mark in name for mark in _APOSTROPHES)
        )

    def pair(self) -> tuple[str, str]:
        """A given and a family name of one locale."""
        pool = self.rng.choice(self.pools)
        return self.rng.choice(pool.given), self.rng.choice(pool.family)

    def first(self) -> str:
        return self.rng.choice(self.rng.choice(self.pools).given)

    def full(self, variant: str | None = None) -> str:
        pool = self.rng.choice(self.pools)
        given, family = self.rng.choice(pool.given), self.rng.choice(pool.family)
        if variant is None:
            names, weights = zip(*self.VARIANTS, strict=True)
            variant = self.rng.choices(names, weights)[0]
        if variant == "lower":
            return f"{given} {family}".lower()
        if variant == "hyphenated" and pool.locale not in ROMANISED:
            return f"{given} {family}-{self.rng.choice(pool.family)}"
        if variant == "apostrophe" and self.apostrophe_surnames:
            return f"{given} {self.rng.choice(self.apostrophe_surnames)}"
        if variant == "unaccented":
            return "".join(
                c
                for c in unicodedata.normalize("NFKD", f"{given} {family}")
                if not unicodedata.combining(c)
            )
        if variant == "three_part":
            return f"{given} {self.rng.choice(pool.given)} {family}"
        return f"{given} {family}"

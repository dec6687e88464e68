"""A family of evaluation texts: its locales, templates and fillers, and the values it draws.

Two families are built apart (``dev_family`` and ``report_family``): what developers
look at while tuning never shares a locale, a template or a name with what is reported.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipelines.privacy import findings as types
from testing.privacy_eval import values
from testing.privacy_eval.people import NameMaker, NamePool

if TYPE_CHECKING:
    from faker import Faker


@dataclass(frozen=True)
class Family:
    """Everything one family of texts is made from."""

    name: str
    #: Faker locales of the people's names.
    name_locales: tuple[str, ...]
    #: Faker locales of foreign street addresses and IBANs (a subset of the name locales).
    address_locales: tuple[str, ...]
    iban_locales: tuple[str, ...]
    #: Regions of international phone numbers (UK numbers are drawn too).
    phone_regions: tuple[str, ...]
    email_domains: tuple[str, ...]
    #: First words of UK street names ("Ashby" in "12 Ashby Road").
    street_stems: tuple[str, ...]
    #: Templates with personal data, and ordinary ones without (see ``labelled``).
    templates: tuple[str, ...]
    ordinary_templates: tuple[str, ...]
    #: Words for the lower-case slots of ordinary templates (courses, buildings, …).
    fillers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


class ValueSource:
    """Draws the value of each slot for one family, reproducibly from a seed."""

    def __init__(self, family: Family, pools: tuple[NamePool, ...], seed: int) -> None:
        from faker import Faker

        self.family = family
        self.rng = random.Random(seed)
        self.names = NameMaker(pools, self.rng)
        self.fakers: dict[str, Faker] = {}
        # UK postcodes come from en_GB in both families: the university is in the UK.
        # No name, address or template comes from it in the reported family.
        for offset, locale in enumerate(("en_GB", *family.address_locales, *family.iban_locales)):
            if locale not in self.fakers:
                fake = Faker(locale)
                fake.seed_instance(seed + offset)
                self.fakers[locale] = fake

    def value(self, slot: str, variant: str | None) -> str:
        """A value for ``{slot}`` or ``{slot:variant}``."""
        if slot in types.PRIORITY:
            return self._entity(slot, variant)
        return self.rng.choice(self.family.fillers[slot])

    def _entity(self, slot: str, variant: str | None) -> str:
        rng, uk = self.rng, self.fakers["en_GB"]
        if slot == types.PERSON:
            return self.names.first() if variant == "first" else self.names.full(variant)
        if slot == types.EMAIL:
            return values.email(rng, *self.names.pair(), self.family.email_domains)
        if slot == types.HANDLE:
            return values.handle(rng, *self.names.pair())
        if slot == types.PHONE:
            uk_number = variant == "uk" or (variant is None and rng.random() < 0.5)
            region = "GB" if uk_number else rng.choice(self.family.phone_regions)
            return values.phone(rng, region)
        if slot == types.STREET_ADDRESS:
            return self._address(variant)
        if slot == types.CARD:
            return values.card(uk, rng)
        if slot == types.IBAN:
            return values.iban(self.fakers[rng.choice(self.family.iban_locales)], rng)
        if slot == types.NI_NUMBER:
            return values.ni_number(rng)
        if slot == types.STUDENT_ID:
            return values.student_number(rng)
        if slot == types.POSTCODE:
            return values.postcode(uk, rng)
        if slot == types.IP_ADDRESS:
            return values.ip_address(uk, rng)
        raise ValueError(f"no values for slot {slot!r}")

    def _address(self, variant: str | None) -> str:
        if variant is None:
            variant = self.rng.choices(("uk", "intl", "po_box"), (0.5, 0.35, 0.15))[0]
        if variant == "uk":
            return values.uk_street_address(self.rng, self.family.street_stems)
        if variant == "po_box":
            return values.po_box(self.rng)
        return values.foreign_street_address(
            self.fakers[self.rng.choice(self.family.address_locales)]
        )

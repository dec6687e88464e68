"""Structured personal data for the evaluation texts: values and the ways people write them.

Faker supplies cards, IBANs, postcodes, IPs and foreign street addresses; phone numbers
are random valid numbers of a region (checked by libphonenumber) in the formats people
type; NI numbers, student numbers, UK street addresses and PO boxes are our own.
"""

from __future__ import annotations

import random
import string
import unicodedata
from typing import TYPE_CHECKING

import phonenumbers

if TYPE_CHECKING:
    from faker import Faker

_NI_FIRST = "ABCEGHJKLMNOPRSTWXYZ"  # never D, F, I, Q, U, V
_NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"  # nor O
_NI_NOT_ISSUED = frozenset({"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})
_PHONE_FORMATS = (
    phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    phonenumbers.PhoneNumberFormat.E164,
    phonenumbers.PhoneNumberFormat.NATIONAL,
)
_PHONE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)
UK_STREET_KINDS = (
    "Road Street Lane Avenue Close Crescent Drive Terrace Gardens Way Place Grove Court Mews "
    "Hill Row Walk Square Rise Parade".split()
)


def ni_number(rng: random.Random) -> str:
    while (prefix := rng.choice(_NI_FIRST) + rng.choice(_NI_SECOND)) in _NI_NOT_ISSUED:
        pass
    digits = "".join(rng.choice(string.digits) for _ in range(6))
    suffix = rng.choice("ABCD")
    return rng.choice(
        (
            f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}",
            f"{prefix}{digits}{suffix}",
            f"{prefix}{digits}{suffix}".lower(),
            f"{prefix} {digits} {suffix}",
        )
    )


def student_number(rng: random.Random) -> str:
    """7 to 9 digits: the shape of the default ``privacy.student_id_pattern``."""
    return str(rng.randint(10**6, 10**9 - 1))


def phone(rng: random.Random, region: str) -> str:
    """A random valid number of ``region``, formatted as people write it (national
    form only for UK numbers: a foreign number in a UK comment carries its code)."""
    kind = rng.choice(_PHONE_TYPES)
    example = phonenumbers.example_number_for_type(region, kind)
    if example is None:
        raise ValueError(f"libphonenumber has no example number for region {region!r}")
    national = str(example.national_number)
    for _ in range(200):
        keep = max(2, len(national) - 7)
        digits = national[:keep] + "".join(rng.choice(string.digits) for _ in national[keep:])
        number = phonenumbers.PhoneNumber(
            country_code=example.country_code, national_number=int(digits)
        )
        if phonenumbers.is_valid_number(number):
            break
    else:
        number = example
    formats = _PHONE_FORMATS if region == "GB" else _PHONE_FORMATS[:2]
    return phonenumbers.format_number(number, rng.choice(formats))


def card(fake: Faker, rng: random.Random) -> str:
    digits = fake.credit_card_number()
    if len(digits) in (14, 15):  # Diners Club 4-6-4, American Express 4-6-5
        groups = [digits[:4], digits[4:10], digits[10:]]
    else:
        groups = [digits[index : index + 4] for index in range(0, len(digits), 4)]
    return rng.choice((digits, " ".join(groups), "-".join(groups)))


def iban(fake: Faker, rng: random.Random) -> str:
    compact: str = fake.iban()
    grouped = " ".join(compact[index : index + 4] for index in range(0, len(compact), 4))
    return rng.choice((compact, grouped))


def postcode(fake: Faker, rng: random.Random) -> str:
    code: str = fake.postcode()
    return rng.choice((code, code, code.lower(), code.replace(" ", "")))


def uk_street_address(rng: random.Random, stems: tuple[str, ...]) -> str:
    street = f"{rng.randint(1, 240)} {rng.choice(stems)} {rng.choice(UK_STREET_KINDS)}"
    roll = rng.random()
    if roll < 0.25:
        return f"Flat {rng.randint(1, 30)}{rng.choice(('', '', 'A', 'B'))}, {street}"
    if roll < 0.35:
        return f"flat {rng.randint(1, 12)} {street.lower()}"
    return street


def foreign_street_address(fake: Faker) -> str:
    """A street address of the Faker locale, on one line, with a house number."""
    while True:
        address: str = fake.street_address().replace("\n", ", ")
        if any(char.isdigit() for char in address):
            return address


def po_box(rng: random.Random) -> str:
    label = rng.choice(("PO Box", "P.O. Box", "P O Box", "po box", "POBox", "Post Office Box"))
    return f"{label} {rng.randint(1, 99999)}"


def email(rng: random.Random, given: str, family: str, domains: tuple[str, ...]) -> str:
    first, last = _plain(given), _plain(family)
    local = rng.choice(
        (
            f"{first}.{last}",
            f"{first}{last}{rng.randint(1, 99)}",
            f"{first[0]}.{last}",
            f"{first}_{last}",
        )
    )
    return f"{local}@{rng.choice(domains)}"


def handle(rng: random.Random, given: str, family: str) -> str:
    first, last = _plain(given), _plain(family)
    return (
        "@"
        + rng.choice((f"{first}_{last}", f"{first}{rng.randint(1, 999)}", f"{last}_{first[:1]}"))[
            :15
        ]
    )


def ip_address(fake: Faker, rng: random.Random) -> str:
    value: str = fake.ipv4() if rng.random() < 0.8 else fake.ipv6()
    return value


def _plain(name: str) -> str:
    """A name as it appears in an email address: ASCII letters only."""
    decomposed = unicodedata.normalize("NFKD", name.lower())
    return "".join(char for char in decomposed if char in string.ascii_lowercase)

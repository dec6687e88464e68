"""A labelled evaluation set for the personal-data filter, generated, never collected.

Comments of the kind people leave under university posts, with personal data
slotted into templates: values from Faker's ``en_GB`` locale (names, emails,
phones, postcodes, addresses, IBANs, cards, IPs) and our own generators (NI
numbers, student numbers, handles). Every slot's span is recorded, so
precision and recall per entity type can be measured exactly. About a third
of the texts hold no personal data but do hold capitalised places, days and
numbers that a careless detector would flag. Needs the ``dev`` extra (Faker).
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass

from pipelines.privacy import findings as types


@dataclass(frozen=True)
class LabelledText:
    """A text and the true spans of personal data in it."""

    text: str
    spans: tuple[tuple[str, int, int], ...]


# {slot} names are entity types; plain text around them is ours.
TEMPLATES = (
    "Please contact me on {PHONE} about my application",
    "My email is {EMAIL}, can someone from admissions get back to me?",
    "I'm {PERSON} and I still haven't heard about accommodation",
    "Thanks to {PERSON} for the brilliant campus tour today!",
    "Ask {PERSON} in Student Services, she sorted my visa letter",
    "my student number is {STUDENT_ID} and my login still fails",
    "Staff ID {STUDENT_ID} - the portal locked me out again",
    "Send the refund to {IBAN} please, it has been three weeks",
    "I paid with card {CARD} and was charged twice",
    "My NI number is {NI_NUMBER}, do you need it for the payroll form?",
    "I live at {STREET_ADDRESS}, {POSTCODE} and the parcel never came",
    "Deliver to {STREET_ADDRESS} please",
    "postcode {POSTCODE} - is that inside the bus zone?",
    "The wifi blocked my laptop {IP_ADDRESS} again",
    "{HANDLE} is this the lecture you meant?",
    "Shout out to {HANDLE} and {PERSON} for organising the fair",
    "Call {PERSON} on {PHONE} if the lab is locked",
    "{PERSON} ({EMAIL}) runs the society now",
    "Dear {PERSON}, my daughter {PERSON} starts in September",
    "Email {EMAIL} or ring {PHONE}, ask for {PERSON}",
    "Is the Great Hall open on Saturday for the graduation?",
    "Room 204 in the Science Park building has no heating",
    "The 14:30 lecture moved to Lecture Theatre 3 in the Student Union",
    "Open Day tours start at 10am from the Main Library, 300 places left",
    "Computer Science results are out on Friday 12 June",
    "Congratulations to the Rowing Club on winning the Regional Cup 2026!",
    "Ticket 4711 for the Christmas Fair, booking ref AB12",
    "Will the Careers Centre be open over Easter?",
)

_NI_PREFIX_LETTERS = "ABCEGHJKLMNPRSTWXYZ"


def _ni_number(rng: random.Random) -> str:
    prefix = rng.choice(_NI_PREFIX_LETTERS) + rng.choice(_NI_PREFIX_LETTERS.replace("O", ""))
    digits = "".join(rng.choice(string.digits) for _ in range(6))
    suffix = rng.choice("ABCD")
    if rng.random() < 0.5:
        return f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
    return f"{prefix}{digits}{suffix}"


def generate(count: int, seed: int = 2026) -> list[LabelledText]:
    """``count`` labelled texts, reproducibly."""
    from faker import Faker

    fake = Faker("en_GB")
    Faker.seed(seed)
    rng = random.Random(seed)
    makers: dict[str, Callable[[], str]] = {
        types.PHONE: fake.phone_number,
        types.EMAIL: fake.email,
        types.PERSON: lambda: fake.name() if rng.random() < 0.7 else fake.first_name(),
        types.STUDENT_ID: lambda: str(rng.randint(10**6, 10**9 - 1)),
        types.IBAN: fake.iban,
        types.CARD: fake.credit_card_number,
        types.NI_NUMBER: lambda: _ni_number(rng),
        types.STREET_ADDRESS: lambda: fake.street_address().replace("\n", ", "),
        types.POSTCODE: fake.postcode,
        types.IP_ADDRESS: lambda: fake.ipv4() if rng.random() < 0.8 else fake.ipv6(),
        types.HANDLE: lambda: "@" + fake.user_name()[:15],
    }
    texts = []
    for _ in range(count):
        template = rng.choice(TEMPLATES)
        parts: list[str] = []
        spans: list[tuple[str, int, int]] = []
        position = 0
        for literal, slot in _split(template):
            parts.append(literal)
            position += len(literal)
            if slot:
                value = makers[slot]()
                # Single first names are only labelled where the template makes them a name.
                parts.append(value)
                spans.append((slot, position, position + len(value)))
                position += len(value)
        texts.append(LabelledText("".join(parts), tuple(spans)))
    return texts


def _split(template: str) -> list[tuple[str, str | None]]:
    pieces: list[tuple[str, str | None]] = []
    rest = template
    while "{" in rest:
        literal, _, after = rest.partition("{")
        slot, _, rest = after.partition("}")
        pieces.append((literal, slot))
    pieces.append((rest, None))
    return pieces

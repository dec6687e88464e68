"""Names that name a thing (a character, a brand, a club, a film, a place) are not redacted;
the same words as a private person's name still are."""

from __future__ import annotations

from functools import cache

import pytest

from pipelines.privacy.detector import PiiDetector
from pipelines.privacy.findings import PERSON
from pipelines.privacy.ner.common_words import common_words, given_names, names
from pipelines.privacy.recognizers.named_things import NAMED_THINGS, NamedThings
from pipelines.settings.privacy import PrivacySettings


@cache
def detector() -> PiiDetector:
    return PiiDetector(PrivacySettings())


@cache
def things() -> NamedThings:
    return NamedThings(common_words(), names(), given_names())


def found(text: str) -> list[tuple[str, str]]:
    return [(f.entity_type, text[f.start : f.end]) for f in detector().detect(text)]


def names_a_thing(text: str, name: str) -> bool:
    start = text.index(name)
    return things().names_a_thing(text, start, start + len(name))


# Ordinary comments the shipped filter redacted names in before (the NER read them as people).
THINGS = [
    "Harry Potter would never survive a Fourier Analysis seminar",
    "roy kent is my whole personality this term",
    "ROSS GELLER IS THE BEST CHARACTER",
    "Rewatching Forrest Gump instead of revising",
    "The Ted Baker sale is on till Friday",
    "Aston Villa fans in halls are so loud",
    "Burnley 2 Everton 1, what a game",
    "West Ham 2 Newcastle United 1, what a game",
    "Dressing up as Tyrion Lannister for the Halloween social",
    "Binged all of Luther in one night",
    "Raising money for Parkinson's research this month",
    "Moore's law explains my group project",
    "Rent in Austin is mad",
    "Flights from Heathrow to Charlotte are cheap in May",
    "Placement in Santa Monica over the summer",
    "Roman Law lecture moved to Friday",
    "Flat hunting near Princess Parkway, prices are mad",
    "Exams start mid Jan so revise now",
    "Tickets for the Jethro Tull tribute are free",
    "Stayed up till 4 playing Zelda",
    "Heading to Ho Chi Minh City for the break",
    "Thanks to the Labour Club for the debate",
]


@pytest.mark.parametrize("text", THINGS)
def test_a_character_brand_club_title_or_place_is_not_redacted(text: str) -> None:
    assert found(text) == []


# Private people, some of them sharing a word with a listed thing or standing where a cue
# could be read.
PEOPLE = [
    ("Dear Olaf Fidura, my daughter starts in September", "Olaf Fidura"),
    ("Email from Charlotte about the deadline", "Charlotte"),
    ("Thanks to Charlotte Adeyemi for the tour", "Charlotte Adeyemi"),
    ("Happy birthday Jan!", "Jan"),
    ("Ask Jan Kowalczyk in the office", "Jan Kowalczyk"),
    ("I'm playing against Morayo Odetola on Friday", "Morayo Odetola"),
    ("Watching Morayo Odetola's presentation now", "Morayo Odetola's"),
    ("Sarah's album launch is on Friday", "Sarah's"),
]


@pytest.mark.parametrize(("text", "name"), PEOPLE)
def test_a_private_person_stays_redacted(text: str, name: str) -> None:
    assert (PERSON, name) in found(text)


@pytest.mark.parametrize(
    ("text", "name", "thing"),
    [
        ("harry potter is my comfort read", "harry potter", True),
        ("HARRY POTTER DESERVED BETTER", "HARRY POTTER", True),
        ("Harry Potter's wand is in the museum", "Harry Potter's", True),
        ("Harry Potter-Smith left his bag in the lab", "Harry Potter-Smith", False),
        ("Thanks Harry Potterton for the lift", "Harry Potterton", False),
        ("Ngl Gandalf is the best", "Ngl Gandalf", True),
        ("Dear Olaf Gandalf-Fidura, welcome", "Olaf Gandalf-Fidura", False),
        ("Chelsea fans are so loud", "Chelsea", True),
        ("Chelsea said the room moved", "Chelsea", False),
        ("Sarah's law essay is late", "Sarah's", False),
        ("Moore's law again", "Moore's", True),
        ("The Mumford & Sons gig", "Mumford", True),
        ("Manchester 2 Williams 1 today", "Williams", True),
        ("Kendall v Roy at the chess club", "Kendall", True),
        ("Ask Kendall Okafor at the desk", "Kendall Okafor", False),
        ("Moving from Victoria to study law", "Victoria", True),
        ("Moving in with Victoria next term", "Victoria", False),
        ("Rent in Eugene is high", "Eugene", True),
        ("Rent in Eugene Obi's flat is high", "Eugene Obi's", False),
        ("Exams in Jan then a break", "Jan", True),
        ("Exams on 12 Jan", "Jan", True),
        ("Jan 14 is the deadline", "Jan", True),
        ("Jan said the deadline moved", "Jan", False),
        ("Weekend in San Diego", "Diego", True),
        ("Thanks Diego for the notes", "Diego", False),
        ("Roman History exam today", "Roman", True),
        ("Roman studies law at Leeds", "Roman", False),
        # Kinds of words around a name (``name_context``), and a person cue beating them.
        ("Cried three times during Ottoline", "Ottoline", True),
        ("Exams are timetabled on Quilla now", "Quilla", True),
        ("Zorba keeps crashing in the quiz", "Zorba", True),
        ("Listening to Zorba rant about the finale, she is right", "Zorba", False),
        ("Dressed up as Bertram with Ottoline", "Ottoline", False),
        ("Rewatching the film with Victoria", "Victoria", False),
    ],
)
def test_what_makes_a_span_a_thing(text: str, name: str, thing: bool) -> None:
    assert names_a_thing(text, name) is thing


def test_the_list_holds_distinct_entries_and_no_lone_common_given_name() -> None:
    folded = [" ".join(thing.casefold().split()) for thing in NAMED_THINGS]
    assert len(folded) >= 500
    common_given = {"charlotte", "florence", "victoria", "chelsea", "william", "olaf", "ken"}
    assert not common_given & set(folded)
